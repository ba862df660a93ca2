package vaxbook_test

import (
	"strings"
	"testing"
	"time"

	"vaxbook"
)

func TestFixAtIsMidnight14DaysBefore(t *testing.T) {
	tests := []struct {
		date string
		want string
	}{
		{"2021-09-10", "2021-08-27T00:00:00+09:00"},
		{"2021-08-26", "2021-08-12T00:00:00+09:00"},
		{"2021-09-01", "2021-08-18T00:00:00+09:00"},
		{"2021-10-02", "2021-09-18T00:00:00+09:00"},
	}
	for _, tt := range tests {
		t.Run("vaccination on "+tt.date, func(t *testing.T) {
			if got := vaxbook.FixAt(mustDate(t, tt.date)); !got.Equal(mustTime(t, tt.want)) {
				t.Errorf("FixAt(%s) = %v, want %s", tt.date, got, tt.want)
			}
		})
	}
}

func TestInitialStatusIsConfirmedWithin14Days(t *testing.T) {
	d := mustDate(t, "2021-09-10")
	tests := []struct {
		name string
		at   string
		want vaxbook.Status
	}{
		{"booked a month before", "2021-08-12T20:00:00+09:00", vaxbook.StatusBooked},
		{"booked one second before the fix", "2021-08-26T23:59:59+09:00", vaxbook.StatusBooked},
		{"booked at the fix", "2021-08-27T00:00:00+09:00", vaxbook.StatusConfirmed},
		{"booked at the fix, given in UTC", "2021-08-26T15:00:00Z", vaxbook.StatusConfirmed},
		{"one second before the fix, given in UTC", "2021-08-26T14:59:59Z", vaxbook.StatusBooked},
		{"booked within the 14 days", "2021-09-05T10:00:00+09:00", vaxbook.StatusConfirmed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vaxbook.InitialStatus(d, mustTime(t, tt.at)); got != tt.want {
				t.Errorf("InitialStatus(%s, %s) = %q, want %q", d, tt.at, got, tt.want)
			}
		})
	}
}

func TestCancelDeadlineLeavesTwoDaysBeforeAsTheLastDay(t *testing.T) {
	tests := []struct {
		date string
		want string
	}{
		{"2021-09-10", "2021-09-09T00:00:00+09:00"}, // cancel possible through 2021-09-08 ("2일 전까지")
		{"2021-09-01", "2021-08-31T00:00:00+09:00"},
		{"2021-10-02", "2021-10-01T00:00:00+09:00"},
	}
	for _, tt := range tests {
		t.Run("vaccination on "+tt.date, func(t *testing.T) {
			if got := vaxbook.CancelDeadline(mustDate(t, tt.date)); !got.Equal(mustTime(t, tt.want)) {
				t.Errorf("CancelDeadline(%s) = %v, want %s", tt.date, got, tt.want)
			}
		})
	}
}

func TestStatusActive(t *testing.T) {
	tests := []struct {
		s    vaxbook.Status
		want bool
	}{
		{vaxbook.StatusBooked, true},
		{vaxbook.StatusConfirmed, true},
		{vaxbook.StatusCancelled, false},
		{vaxbook.StatusVaccinated, false},
		{vaxbook.StatusNoShow, false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run("status "+string(tt.s), func(t *testing.T) {
			if got := tt.s.Active(); got != tt.want {
				t.Errorf("%q.Active() = %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}

func TestCheckChange(t *testing.T) {
	tests := []struct {
		name   string
		status vaxbook.Status
		at     string
		want   vaxbook.Code
	}{
		{"booked: change allowed one second before the fix", vaxbook.StatusBooked, "2021-08-26T23:59:59+09:00", ""},
		{"booked: change locked at the fix", vaxbook.StatusBooked, "2021-08-27T00:00:00+09:00", vaxbook.CodeChangeLocked},
		{"booked: change locked at the fix, given in UTC", vaxbook.StatusBooked, "2021-08-26T15:00:00Z", vaxbook.CodeChangeLocked},
		{"booked: change locked on the day before", vaxbook.StatusBooked, "2021-09-09T12:00:00+09:00", vaxbook.CodeChangeLocked},
		{"confirmed: cannot change even before the fix", vaxbook.StatusConfirmed, "2021-08-20T12:00:00+09:00", vaxbook.CodeChangeLocked},
		{"confirmed: cannot change after the fix", vaxbook.StatusConfirmed, "2021-08-30T12:00:00+09:00", vaxbook.CodeChangeLocked},
		{"cancelled: nothing to change", vaxbook.StatusCancelled, "2021-08-20T12:00:00+09:00", vaxbook.CodeNoReservation},
		{"vaccinated: nothing to change", vaxbook.StatusVaccinated, "2021-09-11T12:00:00+09:00", vaxbook.CodeNoReservation},
		{"no-show: nothing to change", vaxbook.StatusNoShow, "2021-09-11T12:00:00+09:00", vaxbook.CodeNoReservation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := vaxbook.Reservation{Date: mustDate(t, "2021-09-10"), Status: tt.status}
			err := r.CheckChange(mustTime(t, tt.at))
			if code := vaxbook.ErrorCode(err); code != tt.want {
				t.Errorf("CheckChange(%s) on a %s reservation = %q (%v), want %q", tt.at, tt.status, code, err, tt.want)
			}
		})
	}
	t.Run("the locked message tells the last day to cancel", func(t *testing.T) {
		r := vaxbook.Reservation{Date: mustDate(t, "2021-09-10"), Status: vaxbook.StatusConfirmed}
		err := r.CheckChange(mustTime(t, "2021-08-30T12:00:00+09:00"))
		if msg := vaxbook.ErrorMessage(err); !strings.Contains(msg, "2021-09-08") {
			t.Errorf("message %q does not name 2021-09-08", msg)
		}
	})
}

func TestCheckCancel(t *testing.T) {
	tests := []struct {
		name   string
		status vaxbook.Status
		at     string
		want   vaxbook.Code
	}{
		{"booked: cancel allowed long before", vaxbook.StatusBooked, "2021-08-20T12:00:00+09:00", ""},
		{"booked: cancel allowed on the last second of two days before", vaxbook.StatusBooked, "2021-09-08T23:59:59+09:00", ""},
		{"booked: cancel locked from the day before", vaxbook.StatusBooked, "2021-09-09T00:00:00+09:00", vaxbook.CodeCancelLocked},
		{"confirmed: cancel allowed although change is locked", vaxbook.StatusConfirmed, "2021-09-01T12:00:00+09:00", ""},
		{"confirmed: cancel allowed through two days before", vaxbook.StatusConfirmed, "2021-09-08T23:59:59+09:00", ""},
		{"confirmed: cancel allowed through two days before, given in UTC", vaxbook.StatusConfirmed, "2021-09-08T14:59:59Z", ""},
		{"confirmed: cancel locked from the day before", vaxbook.StatusConfirmed, "2021-09-09T00:00:00+09:00", vaxbook.CodeCancelLocked},
		{"confirmed: cancel locked from the day before, given in UTC", vaxbook.StatusConfirmed, "2021-09-08T15:00:00Z", vaxbook.CodeCancelLocked},
		{"confirmed: cancel locked on the day", vaxbook.StatusConfirmed, "2021-09-10T09:00:00+09:00", vaxbook.CodeCancelLocked},
		{"cancelled: cannot cancel again", vaxbook.StatusCancelled, "2021-08-20T12:00:00+09:00", vaxbook.CodeNoReservation},
		{"vaccinated: cannot cancel", vaxbook.StatusVaccinated, "2021-09-11T12:00:00+09:00", vaxbook.CodeNoReservation},
		{"no-show: cannot cancel", vaxbook.StatusNoShow, "2021-09-11T12:00:00+09:00", vaxbook.CodeNoReservation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := vaxbook.Reservation{Date: mustDate(t, "2021-09-10"), Status: tt.status}
			err := r.CheckCancel(mustTime(t, tt.at))
			if code := vaxbook.ErrorCode(err); code != tt.want {
				t.Errorf("CheckCancel(%s) on a %s reservation = %q (%v), want %q", tt.at, tt.status, code, err, tt.want)
			}
		})
	}
}

// TestLifecycleOnEveryVaccinationDate steps through the fix and the cancel deadline of
// every vaccination date of the 2021 campaign.
func TestLifecycleOnEveryVaccinationDate(t *testing.T) {
	c := mustCampaign2021(t)
	for d := c.VaccinationFrom; !d.After(c.VaccinationTo); d = d.AddDays(1) {
		t.Run(d.String(), func(t *testing.T) {
			fix := vaxbook.FixAt(d)
			if want := d.AddDays(-14).At(0, 0); !fix.Equal(want) || vaxbook.DateOf(fix) != d.AddDays(-14) {
				t.Fatalf("FixAt = %v, want %v", fix, want)
			}
			deadline := vaxbook.CancelDeadline(d)
			if vaxbook.DateOf(deadline) != d.AddDays(-1) || !deadline.Equal(d.AddDays(-1).At(0, 0)) {
				t.Fatalf("CancelDeadline = %v, want 00:00 on %s", deadline, d.AddDays(-1))
			}
			before, at := fix.Add(-time.Second), fix
			r := vaxbook.Reservation{Date: d, Status: vaxbook.InitialStatus(d, before)}
			if r.Status != vaxbook.StatusBooked || r.CheckChange(before) != nil {
				t.Errorf("one second before the fix: status %q, change %v", r.Status, r.CheckChange(before))
			}
			if vaxbook.ErrorCode(r.CheckChange(at)) != vaxbook.CodeChangeLocked {
				t.Errorf("at the fix: change %v, want change_locked", r.CheckChange(at))
			}
			r.Status = vaxbook.InitialStatus(d, at)
			if r.Status != vaxbook.StatusConfirmed {
				t.Errorf("booked at the fix: status %q, want confirmed", r.Status)
			}
			if err := r.CheckCancel(deadline.Add(-time.Second)); err != nil {
				t.Errorf("one second before the cancel deadline: %v", err)
			}
			if vaxbook.ErrorCode(r.CheckCancel(deadline)) != vaxbook.CodeCancelLocked {
				t.Errorf("at the cancel deadline: %v, want cancel_locked", r.CheckCancel(deadline))
			}
		})
	}
}

func TestSecondDoseIsFirstDosePlusInterval(t *testing.T) {
	c := mustCampaign2021(t)
	tests := []struct {
		name  string
		days  int
		first string
		want  string
	}{
		{"42 days from the first vaccination day", 42, "2021-08-26", "2021-10-07"},
		{"42 days from the last vaccination day", 42, "2021-10-02", "2021-11-13"},
		{"42 days across a month end", 42, "2021-09-30", "2021-11-11"},
		{"a 28-day campaign", 28, "2021-08-26", "2021-09-23"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.SecondDoseDays = tt.days
			if got := c.SecondDose(mustDate(t, tt.first)); got.String() != tt.want {
				t.Errorf("SecondDose(%s) = %s, want %s", tt.first, got, tt.want)
			}
		})
	}
}

func TestCheckVaccinationDate(t *testing.T) {
	c := mustCampaign2021(t)
	tests := []struct {
		name string
		date string
		now  string
		want vaxbook.Code
	}{
		{"first vaccination day, booked in the rotation", "2021-08-26", "2021-08-12T20:00:00+09:00", ""},
		{"last vaccination day", "2021-10-02", "2021-08-12T20:00:00+09:00", ""},
		{"the day before the first vaccination day", "2021-08-25", "2021-08-12T20:00:00+09:00", vaxbook.CodeNotBookable},
		{"the day after the last vaccination day", "2021-10-03", "2021-08-12T20:00:00+09:00", vaxbook.CodeNotBookable},
		{"today is not bookable", "2021-09-01", "2021-09-01T08:00:00+09:00", vaxbook.CodeNotBookable},
		{"a past day is not bookable", "2021-08-30", "2021-09-01T08:00:00+09:00", vaxbook.CodeNotBookable},
		{"tomorrow is bookable at 23:59:59", "2021-09-02", "2021-09-01T23:59:59+09:00", ""},
		{"tomorrow is bookable, given in UTC", "2021-09-02", "2021-09-01T14:59:59Z", ""},
		{"at 00:00 KST given in UTC it is today", "2021-09-02", "2021-09-01T15:00:00Z", vaxbook.CodeNotBookable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.CheckVaccinationDate(mustDate(t, tt.date), mustTime(t, tt.now))
			if code := vaxbook.ErrorCode(err); code != tt.want {
				t.Errorf("CheckVaccinationDate(%s, %s) = %q (%v), want %q", tt.date, tt.now, code, err, tt.want)
			}
		})
	}
}
