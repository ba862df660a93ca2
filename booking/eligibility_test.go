package booking_test

import (
	"testing"
	"time"

	"vaxbook"
	"vaxbook/booking"
	"vaxbook/demo"
)

func TestEligibilityOf(t *testing.T) {
	c := demo.Campaign2021()
	at := func(day string, h, m int) time.Time { return vaxbook.MustDate(day).At(h, m) }
	for _, tc := range []struct {
		name           string
		birth          string
		now            time.Time
		group          int
		inCohort, open bool
		pooled         bool
		opens          time.Time // zero: no window left
	}{
		{"source example before its day", "1981-07-12", at("2021-08-09", 21, 0), 2, true, false, false, at("2021-08-12", 20, 0)},
		{"source example in its window", "1981-07-12", at("2021-08-13", 17, 59), 2, true, true, false, at("2021-08-12", 20, 0)},
		{"source example between rotation and open period", "1981-07-12", at("2021-08-13", 18, 0), 2, true, false, false, at("2021-08-19", 20, 0)},
		{"open period is pooled", "1990-03-30", at("2021-08-25", 9, 0), 0, true, true, true, at("2021-08-19", 20, 0)},
		{"after everything closed", "1990-03-30", at("2021-09-18", 18, 0), 0, true, false, false, time.Time{}},
		{"born too late", "2004-01-01", at("2021-08-25", 9, 0), 1, false, false, false, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := booking.EligibilityOf(c, vaxbook.MustDate(tc.birth), tc.now)
			if e.Group != tc.group || e.InCohort != tc.inCohort || e.OpenNow != tc.open || e.Pooled != tc.pooled {
				t.Errorf("got group %d in cohort %v open %v pooled %v", e.Group, e.InCohort, e.OpenNow, e.Pooled)
			}
			if e.HasWindow != !tc.opens.IsZero() || (e.HasWindow && !e.Window.Opens.Equal(tc.opens)) {
				t.Errorf("window %v (has %v), want opening %v", e.Window, e.HasWindow, tc.opens)
			}
		})
	}
}
