package vaxbook

import (
	"context"
	"time"
)

// RoleClinic is the role of a clinic's staff account: it sees and marks its own site's
// appointments and nothing else.
const RoleClinic = "clinic"

// Staff is a clinic staff account. It belongs to exactly one site, and that site is the
// only one whose appointments it may read: the site comes from the account, never from
// a request.
type Staff struct {
	ID           int64
	SiteID       int64
	Login        string
	Name         string
	PasswordHash string // argon2id, PHC-encoded by package staff
	// TOTPSecret is the account's one-time-password key sealed by identity.Sealer, or
	// empty when the account signs in with its password alone.
	TOTPSecret []byte
	Role       string
}

// Appointment is what a clinic sees of a reservation: the reservation and the person's
// name and birth date — the minimum it needs to check who comes in (never the phone).
type Appointment struct {
	Reservation
	PersonName string
	Birth      Date
}

// The audit actions: every read or write of personal data by staff or operators is one,
// and so is every staff sign-in, failed or not.
const (
	AuditViewAppointments = "view_appointments"
	AuditMarkAttendance   = "mark_attendance"
	AuditExportCSV        = "export_csv"
	AuditViewLog          = "view_audit_log"
	AuditLogin            = "staff_login"
	AuditLoginFailed      = "staff_login_failed"
	AuditLogout           = "staff_logout"
)

// AuditEntry is one line of the audit log of reads and writes of personal data.
type AuditEntry struct {
	ID     int64
	At     time.Time
	Actor  string // "staff:12", "operator"
	Action string // one of the Audit… constants
	SiteID int64  // 0 when the action concerns no one site
	Detail string
}

// Clinics is what the clinic side needs of a store: staff accounts, a site's day list,
// attendance marks and the audit log. Both stores implement it. The method writing the
// log is RecordAudit, not Audit, because Store.Audit already counts invariant
// violations.
type Clinics interface {
	// PutStaff inserts or updates an account by login; a new account gets an ID.
	// CodeNotFound if the site does not exist.
	PutStaff(ctx context.Context, s Staff) error
	// StaffByLogin returns the account with the login, or CodeNotFound.
	StaffByLogin(ctx context.Context, login string) (Staff, error)
	// DayAppointments returns the active, vaccinated and no-show reservations of the
	// site on d, by id, with the person's name and birth date.
	DayAppointments(ctx context.Context, siteID int64, d Date) ([]Appointment, error)
	// MarkAttendance sets a confirmed or booked reservation of the site, dated on or
	// before the day of at, to StatusVaccinated or StatusNoShow. The share's counter
	// is left as it is: the dose was used or wasted either way. CodeNotFound if the
	// site has no such reservation (another site's is reported as missing), CodeConflict
	// if it is not active any more, CodeInvalidInput for another status or a later date.
	MarkAttendance(ctx context.Context, siteID, reservationID int64, status Status, at time.Time) (Reservation, error)
	// RecordAudit appends e to the audit log.
	RecordAudit(ctx context.Context, e AuditEntry) error
	// AuditLog returns the newest limit entries, newest first.
	AuditLog(ctx context.Context, limit int) ([]AuditEntry, error)
}

// CheckAttendance returns nil if a reservation r may be marked with status at t: the
// status is vaccinated or no-show, r still holds its place, and its day has come.
func CheckAttendance(r Reservation, status Status, t time.Time) error {
	if status != StatusVaccinated && status != StatusNoShow {
		return Errorf(CodeInvalidInput, "attendance is %q or %q", StatusVaccinated, StatusNoShow)
	}
	if !r.Status.Active() {
		return Errorf(CodeConflict, "reservation %d is already %s", r.ID, r.Status)
	}
	if DateOf(t).Before(r.Date) {
		return Errorf(CodeInvalidInput, "the appointment on %s has not come yet", r.Date)
	}
	return nil
}
