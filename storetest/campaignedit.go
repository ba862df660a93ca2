package storetest

import (
	"errors"
	"testing"
	"time"

	"vaxbook"
)

// campaignEditTests check an operator's edit of a campaign: applied whole when valid,
// refused whole when invalid or when it would strand reservations already made.
var campaignEditTests = []storeTest{
	{"an edit reads back with its new windows", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		c := f.c
		c.Name = "2021 18–49세 (연장)"
		c.VaccinationTo = vaxbook.MustDate("2021-10-09")
		c.Windows = append(c.Windows[:len(c.Windows)-1:len(c.Windows)-1], vaxbook.Window{
			Group: vaxbook.AllGroups, Opens: vaxbook.MustDate("2021-08-19").At(20, 0), Closes: vaxbook.MustDate("2021-09-25").At(18, 0),
		})
		mustUpdateCampaign(t, s, c)
		got, err := s.Campaign(t.Context(), c.ID)
		if err != nil {
			t.Fatalf("Campaign: %v", err)
		}
		wantCampaign(t, got, c)
	}},
	{"an edit of a missing campaign is not_found", func(t *testing.T, s vaxbook.Store) {
		c := mustFixture(t, s).c
		c.ID += 1000
		wantCode(t, "UpdateCampaign(missing)", s.UpdateCampaign(t.Context(), c), vaxbook.CodeNotFound)
	}},
	{"an invalid edit names the field and changes nothing", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		c := f.c
		c.Name = "겹침"
		c.Windows = append(c.Windows[:len(c.Windows):len(c.Windows)], vaxbook.Window{
			Group: 3, Opens: vaxbook.MustDate("2021-08-20").At(9, 0), Closes: vaxbook.MustDate("2021-08-20").At(18, 0),
		})
		err := s.UpdateCampaign(t.Context(), c)
		wantField(t, err, vaxbook.CodeInvalidInput, "windows[11].opens", vaxbook.ReasonOverlap)
		wantUnchanged(t, s, f.c)
	}},
	{"shrinking a window a booking was made in is refused", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, day1)) // at 20:30 in group 2's window
		c := f.c
		c.Windows = cloneWindows(c.Windows)
		i := windowOf(t, c, 2)
		c.Windows[i].Opens = c.Windows[i].Opens.Add(time.Hour) // 20:00 → 21:00
		err := s.UpdateCampaign(t.Context(), c)
		wantField(t, err, vaxbook.CodeStrandsReservations, "windows", vaxbook.ReasonStrands)
		wantUnchanged(t, s, f.c)

		// Closing it earlier takes away only time after the booking: allowed.
		c.Windows[i].Opens = f.c.Windows[i].Opens
		c.Windows[i].Closes = vaxbook.MustDate("2021-08-13").At(12, 0)
		mustUpdateCampaign(t, s, c)
	}},
	{"removing the open period strands a booking made in it", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		req := f.pooledReq(f.mustPerson(t, 1, 4), siteA, day1)
		req.At = changeAt // 08-20 10:00, in the open period
		mustBook(t, s, req)
		c := f.c
		c.Windows = c.Windows[: len(c.Windows)-1 : len(c.Windows)-1]
		wantField(t, s.UpdateCampaign(t.Context(), c), vaxbook.CodeStrandsReservations, "windows", vaxbook.ReasonStrands)
		wantUnchanged(t, s, f.c)
	}},
	{"only a person of the group that loses the time is stranded", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		// A group-3 person's booking at 20:30 on 08-12 lies in group 2's window, not in
		// any of group 3's: removing group 2's window takes nothing from group 3.
		mustBook(t, s, f.req(f.mustPerson(t, 1, 3), siteA, day1))
		c := f.c
		c.Windows = cloneWindows(c.Windows)
		i := windowOf(t, c, 2)
		c.Windows = append(c.Windows[:i], c.Windows[i+1:]...)
		mustUpdateCampaign(t, s, c)
	}},
	{"a cancelled reservation strands nothing", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		r := mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, day1))
		if _, err := s.Cancel(t.Context(), r.PersonKey, r.ID, cancelAt); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		c := f.c
		c.Windows = cloneWindows(c.Windows)
		i := windowOf(t, c, 2)
		c.Windows = append(c.Windows[:i], c.Windows[i+1:]...)
		c.VaccinationFrom = day2
		mustUpdateCampaign(t, s, c)
	}},
	{"a day the edit removes is closed to bookings made from the old definition", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		first, last := f.c.VaccinationFrom, f.c.VaccinationTo
		f.mustCapacity(t, siteA, first, 100)
		f.mustCapacity(t, siteA, last, 100)
		c := f.c
		c.VaccinationFrom, c.VaccinationTo = first.AddDays(1), last.AddDays(-1)
		mustUpdateCampaign(t, s, c)
		// A booking service whose cached campaign still has the old dates asks for them.
		for i, d := range []vaxbook.Date{first, last} {
			_, err := bookOne(t, s, f.pooledReq(f.mustPerson(t, i+1, 2), siteA, d))
			wantCode(t, "book "+d.String()+", a day the edit removed", err, vaxbook.CodeShareFull)
			if n := sum(capacities(f.mustShares(t, siteA, d))); n != 0 {
				t.Errorf("capacity left at site A on %s after the edit removed it: %d, want 0", d, n)
			}
		}
		mustBook(t, s, f.pooledReq(f.mustPerson(t, 3, 2), siteA, day1))
		f.mustAuditActive(t, 1)
	}},
	{"a refused edit leaves the days it would have removed open", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		last := f.c.VaccinationTo
		f.mustCapacity(t, siteA, last, 100)
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, last))
		c := f.c
		c.VaccinationTo = last.AddDays(-1)
		wantField(t, s.UpdateCampaign(t.Context(), c), vaxbook.CodeStrandsReservations, "vaccination_to", vaxbook.ReasonStrands)
		if n := sum(capacities(f.mustShares(t, siteA, last))); n != 100 {
			t.Errorf("capacity at site A on %s after a refused edit: %d, want 100", last, n)
		}
		mustBook(t, s, f.req(f.mustPerson(t, 2, 2), siteA, last))
		f.mustAuditActive(t, 2)
	}},
	{"a reservation of a leftover dose strands no window", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		e := f.mustJoin(t, p, siteA, standbyAt) // in the open period
		f.mustLeftover(t, siteA, standbyAt)
		if _, err := f.accept(t, e, p, standbyAt); err != nil {
			t.Fatalf("AcceptOffer: %v", err)
		}
		c := f.c
		c.Windows = c.Windows[: len(c.Windows)-1 : len(c.Windows)-1] // without the open period
		mustUpdateCampaign(t, s, c)
		wantUnchanged(t, s, c)
	}},
	{"dates, cohort and interval that leave a reservation out are refused", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		mustBook(t, s, f.req(p, siteA, day1))
		for _, tc := range []struct {
			field string
			edit  func(c *vaxbook.Campaign)
		}{
			{"vaccination_to", func(c *vaxbook.Campaign) {
				c.VaccinationTo = day1.AddDays(-1)
				c.Windows[len(c.Windows)-1].Closes = day1.AddDays(-2).At(18, 0)
			}},
			{"vaccination_from", func(c *vaxbook.Campaign) { c.VaccinationFrom = day2 }},
			{"cohort_from", func(c *vaxbook.Campaign) { c.CohortFrom = p.Birth.AddDays(1) }},
			{"cohort_to", func(c *vaxbook.Campaign) { c.CohortTo = p.Birth.AddDays(-1) }},
			{"second_dose_days", func(c *vaxbook.Campaign) { c.SecondDoseDays = 28 }},
		} {
			c := f.c
			c.Windows = cloneWindows(c.Windows)
			tc.edit(&c)
			wantField(t, s.UpdateCampaign(t.Context(), c), vaxbook.CodeStrandsReservations, tc.field, vaxbook.ReasonStrands)
		}
		wantUnchanged(t, s, f.c)
	}},
	{"weights do not change once capacities are split", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		c := f.c
		c.Weights = [vaxbook.Groups]int{2, 1, 1, 1, 1, 1, 1, 1, 1, 1}
		wantField(t, s.UpdateCampaign(t.Context(), c), vaxbook.CodeConflict, "weights", vaxbook.ReasonSharesSplit)
		wantUnchanged(t, s, f.c)
		fresh := mustCampaign(t, s, campaign2021())
		fresh.Weights = c.Weights
		mustUpdateCampaign(t, s, fresh)
	}},
}

// mustUpdateCampaign applies c and fails the test if it is refused.
func mustUpdateCampaign(tb testing.TB, s vaxbook.Store, c vaxbook.Campaign) {
	tb.Helper()
	if err := s.UpdateCampaign(tb.Context(), c); err != nil {
		tb.Fatalf("UpdateCampaign(%d): %v", c.ID, err)
	}
}

// wantField fails the test unless err is a *FieldErrors with code that names field for
// reason.
func wantField(tb testing.TB, err error, code vaxbook.Code, field, reason string) {
	tb.Helper()
	wantCode(tb, "UpdateCampaign", err, code)
	var fe *vaxbook.FieldErrors
	if !errors.As(err, &fe) {
		tb.Fatalf("UpdateCampaign: %T %v, want *vaxbook.FieldErrors", err, err)
	}
	for _, f := range fe.Fields {
		if f.Field == field && f.Reason == reason {
			return
		}
	}
	tb.Fatalf("UpdateCampaign: %v, want %s for %s", fe.Fields, reason, field)
}

// wantUnchanged fails the test unless the stored campaign is still want.
func wantUnchanged(tb testing.TB, s vaxbook.Store, want vaxbook.Campaign) {
	tb.Helper()
	got, err := s.Campaign(tb.Context(), want.ID)
	if err != nil {
		tb.Fatalf("Campaign(%d): %v", want.ID, err)
	}
	wantCampaign(tb, got, want)
}

// windowOf returns the index of the rotation window of group g.
func windowOf(tb testing.TB, c vaxbook.Campaign, g int) int {
	tb.Helper()
	for i, w := range c.Windows {
		if w.Group == g {
			return i
		}
	}
	tb.Fatalf("campaign %d has no window for group %d", c.ID, g)
	return -1
}

func cloneWindows(ws []vaxbook.Window) []vaxbook.Window { return append([]vaxbook.Window(nil), ws...) }
