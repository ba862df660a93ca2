package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

var _ vaxbook.Clinics = (*Store)(nil)

// PutStaff inserts or updates an account by login. An empty role is the clinic role,
// the only one there is.
func (s *Store) PutStaff(ctx context.Context, st vaxbook.Staff) error {
	if st.Login == "" || st.PasswordHash == "" {
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "an account needs a login and a password")
	}
	if st.Role == "" {
		st.Role = vaxbook.RoleClinic
	}
	var totp []byte
	if len(st.TOTPSecret) > 0 {
		totp = st.TOTPSecret
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO staff (site_id, login, name, password_hash, totp_secret, role) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (login) DO UPDATE SET site_id = excluded.site_id, name = excluded.name,
			password_hash = excluded.password_hash, totp_secret = excluded.totp_secret, role = excluded.role`,
		st.SiteID, st.Login, st.Name, st.PasswordHash, totp, st.Role)
	return dbError(err, "put staff")
}

// StaffByLogin returns the account with the login, or CodeNotFound.
func (s *Store) StaffByLogin(ctx context.Context, login string) (vaxbook.Staff, error) {
	var st vaxbook.Staff
	err := s.pool.QueryRow(ctx, `
		SELECT id, site_id, login, name, password_hash, totp_secret, role FROM staff WHERE login = $1`, login).
		Scan(&st.ID, &st.SiteID, &st.Login, &st.Name, &st.PasswordHash, &st.TOTPSecret, &st.Role)
	if errors.Is(err, pgx.ErrNoRows) {
		return vaxbook.Staff{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no such account")
	}
	return st, dbError(err, "read staff")
}

// DayAppointments returns the site's appointments on d with the person's name and
// birth date only.
func (s *Store) DayAppointments(ctx context.Context, siteID int64, d vaxbook.Date) ([]vaxbook.Appointment, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.id, r.campaign_id, r.person_key, r.site_id, r.vdate, r.second_date, r.grp, r.status,
			r.created_at, r.updated_at, p.name, p.birth
		FROM reservations r JOIN persons p ON p.person_key = r.person_key
		WHERE r.site_id = $1 AND r.vdate = $2 AND r.status IN ('booked', 'confirmed', 'vaccinated', 'no_show')
		ORDER BY r.id`, siteID, pgDate(d))
	if err != nil {
		return nil, dbError(err, "read appointments")
	}
	defer rows.Close()
	var out []vaxbook.Appointment
	for rows.Next() {
		var (
			a                    vaxbook.Appointment
			first, second, birth pgtype.Date
			created, upd         pgtype.Timestamptz
		)
		r := &a.Reservation
		if err := rows.Scan(&r.ID, &r.CampaignID, &r.PersonKey, &r.SiteID, &first, &second, &r.Group,
			&r.Status, &created, &upd, &a.PersonName, &birth); err != nil {
			return nil, dbError(err, "read appointments")
		}
		r.Date, r.SecondDate, a.Birth = fromDate(first), fromDate(second), fromDate(birth)
		r.CreatedAt, r.UpdatedAt = fromTime(created), fromTime(upd)
		out = append(out, a)
	}
	return out, dbError(rows.Err(), "read appointments")
}

// MarkAttendance marks a reservation of the site vaccinated or no-show. The site is
// part of the lookup, so another site's reservation is as missing as one that never
// existed; the row is locked so that a cancel in flight cannot cross the mark. The share
// counter is not touched: the place was used (or its dose wasted).
func (s *Store) MarkAttendance(ctx context.Context, siteID, reservationID int64, status vaxbook.Status, at time.Time) (vaxbook.Reservation, error) {
	var r vaxbook.Reservation
	err := s.inTx(ctx, "mark attendance", func(tx pgx.Tx) error {
		var err error
		r, err = scanReservation(tx.QueryRow(ctx, `
			SELECT `+reservationColumns+` FROM reservations WHERE id = $1 AND site_id = $2
			FOR UPDATE`, reservationID, siteID))
		if errors.Is(err, pgx.ErrNoRows) {
			return vaxbook.Errorf(vaxbook.CodeNotFound, "no reservation %d at this site", reservationID)
		}
		if err != nil {
			return err
		}
		if err := vaxbook.CheckAttendance(r, status, at); err != nil {
			return err
		}
		r, err = scanReservation(tx.QueryRow(ctx, `
			UPDATE reservations SET status = $2, updated_at = $3 WHERE id = $1
			RETURNING `+reservationColumns, r.ID, string(status), at))
		return err
	})
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	return r, nil
}

// RecordAudit appends e to the audit log.
func (s *Store) RecordAudit(ctx context.Context, e vaxbook.AuditEntry) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO audit_log (at, actor, action, site_id, detail) VALUES ($1, $2, $3, $4, $5)`,
		e.At, e.Actor, e.Action, e.SiteID, e.Detail)
	return dbError(err, "record audit entry")
}

// AuditLog returns the newest limit entries, newest first.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]vaxbook.AuditEntry, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, at, actor, action, site_id, detail FROM audit_log ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, dbError(err, "read audit log")
	}
	defer rows.Close()
	var out []vaxbook.AuditEntry
	for rows.Next() {
		var e vaxbook.AuditEntry
		var at pgtype.Timestamptz
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.SiteID, &e.Detail); err != nil {
			return nil, dbError(err, "read audit log")
		}
		e.At = fromTime(at)
		out = append(out, e)
	}
	return out, dbError(rows.Err(), "read audit log")
}
