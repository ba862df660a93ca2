// Package clinic is what clinic staff do with residents' data at their own site: the
// day's appointments, on screen or exported, and marking who was vaccinated or did not
// come. Every read and write of that data is audited before it takes effect or leaves:
// if the entry cannot be written, nothing is shown.
package clinic

import (
	"context"
	"fmt"

	"vaxbook"
	"vaxbook/audit"
)

// Store is what the clinic's day reads and writes: the appointments and the sites.
type Store interface {
	vaxbook.Clinics
	vaxbook.Sites
}

// Service carries out the clinic staff's use cases. Create it with New.
type Service struct {
	store Store
	audit *audit.Service
	clock vaxbook.Clock
}

// New returns the service.
func New(store Store, audit *audit.Service, clock vaxbook.Clock) *Service {
	return &Service{store: store, audit: audit, clock: clock}
}

// Day is one site's appointments of one date.
type Day struct {
	// Site is the site, so that the board can say whose list it is; nil when it could
	// not be read (a failed look-up only leaves it out).
	Site         *vaxbook.Site
	Date         vaxbook.Date
	Appointments []vaxbook.Appointment
}

// Appointments returns the appointments of siteID on d for the staff member actor,
// auditing the read (as an export when export) before returning any data: an entry
// that cannot be written refuses the read.
func (s *Service) Appointments(ctx context.Context, actor string, siteID int64, d vaxbook.Date, export bool) (Day, error) {
	list, err := s.store.DayAppointments(ctx, siteID, d)
	if err != nil {
		return Day{}, err
	}
	action := vaxbook.AuditViewAppointments
	if export {
		action = vaxbook.AuditExportCSV
	}
	if err := s.audit.Record(ctx, actor, action, siteID, fmt.Sprintf("%s, %d appointments", d, len(list))); err != nil {
		return Day{}, err
	}
	day := Day{Date: d, Appointments: list}
	if site, err := s.store.Site(ctx, siteID); err == nil {
		day.Site = &site
	}
	return day, nil
}

// MarkAttendance marks one of siteID's appointments vaccinated or no-show now, for the
// staff member actor, and audits it. CodeInvalidInput for another status; another
// site's reservation is CodeNotFound, exactly like a missing one; the store's
// CodeConflict for one marked already. The mark is committed before its entry is
// written: a failure to write it is returned, and a retry gets the conflict, not a
// second mark.
func (s *Service) MarkAttendance(ctx context.Context, actor string, siteID, reservationID int64, status vaxbook.Status) (vaxbook.Reservation, error) {
	if status != vaxbook.StatusVaccinated && status != vaxbook.StatusNoShow {
		return vaxbook.Reservation{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "status is vaccinated or no_show")
	}
	res, err := s.store.MarkAttendance(ctx, siteID, reservationID, status, s.clock.Now())
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	if err := s.audit.Record(ctx, actor, vaxbook.AuditMarkAttendance, siteID, fmt.Sprintf("reservation %d: %s", reservationID, status)); err != nil {
		return vaxbook.Reservation{}, err
	}
	return res, nil
}
