package vaxbook

import "time"

// Status is the state of a reservation.
type Status string

// The reservation states. Booked and Confirmed are active; a person holds at most one
// active reservation per campaign.
const (
	StatusBooked     Status = "booked"     // may still be changed or cancelled
	StatusConfirmed  Status = "confirmed"  // fixed 14 days before: vaccine assigned, no change
	StatusCancelled  Status = "cancelled"  // the place went back to its share
	StatusVaccinated Status = "vaccinated" // marked by the clinic
	StatusNoShow     Status = "no_show"    // marked by the clinic
)

// Active reports whether the status holds a place.
func (s Status) Active() bool { return s == StatusBooked || s == StatusConfirmed }

// FixDays is how many days before the vaccination date a reservation is fixed (rule 10).
const FixDays = 14

// CancelDays is how many days before the vaccination date cancelling is still possible:
// "예약 취소는 접종일 2일 전까지 가능" — up to and including the day two days before.
const CancelDays = 2

// Reservation is a person's first-dose appointment with the second dose booked with it.
type Reservation struct {
	ID         int64
	CampaignID int64
	PersonKey  string
	SiteID     int64
	Date       Date // first dose
	SecondDate Date // second dose, same site
	// Group is the share the place was drawn from (the person's own group during the
	// rotation, any group's leftover in the pooled open period).
	Group     int
	Status    Status
	CreatedAt time.Time
	UpdatedAt time.Time
}

// FixAt returns the instant a reservation for vaccination date d is fixed: 00:00 on the
// day 14 days before. From then on it is confirmed and can no longer be changed.
func FixAt(d Date) time.Time { return d.AddDays(-FixDays).At(0, 0) }

// CancelDeadline returns the first instant a reservation for d can no longer be
// cancelled: 00:00 on the day before, so that the day two days before is the last.
func CancelDeadline(d Date) time.Time { return d.AddDays(-(CancelDays - 1)).At(0, 0) }

// InitialStatus returns the status of a reservation for d booked at t: confirmed at once
// when booked on or after the fix (within 14 days), booked otherwise.
func InitialStatus(d Date, t time.Time) Status {
	if t.Before(FixAt(d)) {
		return StatusBooked
	}
	return StatusConfirmed
}

// SecondDose returns the second-dose date for a first dose on d.
func (c Campaign) SecondDose(d Date) Date { return d.AddDays(c.SecondDoseDays) }

// CheckVaccinationDate returns CodeNotBookable if d is not a vaccination date of the
// campaign, and CodeNotBookable too if d is already past or today at t (a first dose is
// booked for a later day).
func (c Campaign) CheckVaccinationDate(d Date, t time.Time) error {
	if d.Before(c.VaccinationFrom) || d.After(c.VaccinationTo) {
		return Errorf(CodeNotBookable, "%s is not a vaccination date of this campaign (%s to %s)", d, c.VaccinationFrom, c.VaccinationTo)
	}
	if !DateOf(t).Before(d) {
		return Errorf(CodeNotBookable, "%s is not bookable any more; choose a later date", d)
	}
	return nil
}

// CheckChange returns nil if r may be changed at t, or CodeChangeLocked once it is fixed
// (rule 10) and CodeNoReservation if it is not active.
func (r Reservation) CheckChange(t time.Time) error {
	if !r.Status.Active() {
		return Errorf(CodeNoReservation, "this reservation is %s", r.Status)
	}
	if r.Status == StatusConfirmed || !t.Before(FixAt(r.Date)) {
		return Errorf(CodeChangeLocked, "within %d days of your appointment on %s it can no longer be changed on the web; you can still cancel until %s", FixDays, r.Date, r.Date.AddDays(-CancelDays))
	}
	return nil
}

// CheckCancel returns nil if r may be cancelled at t, or CodeCancelLocked from the day
// before the appointment (rule 10) and CodeNoReservation if it is not active.
func (r Reservation) CheckCancel(t time.Time) error {
	if !r.Status.Active() {
		return Errorf(CodeNoReservation, "this reservation is %s", r.Status)
	}
	if !t.Before(CancelDeadline(r.Date)) {
		return Errorf(CodeCancelLocked, "cancelling was possible until %s; please contact the clinic", r.Date.AddDays(-CancelDays))
	}
	return nil
}
