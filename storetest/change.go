package storetest

import (
	"testing"

	"vaxbook"
)

// changeReq returns a request to move the reservation old to req, made at changeAt.
func changeReq(old vaxbook.Reservation, req vaxbook.BookRequest) vaxbook.ChangeRequest {
	req.At = changeAt
	return vaxbook.ChangeRequest{OldID: old.ID, New: req}
}

// wantUntouched fails the test unless the person's active reservation is still old,
// unchanged, and the place it holds is still counted.
func (f fixture) wantUntouched(tb testing.TB, old vaxbook.Reservation) {
	tb.Helper()
	wantReservation(tb, "active reservation after a refused change", f.mustActive(tb, old.PersonKey), old)
	if got := f.mustShares(tb, old.SiteID, old.Date)[old.Group].Booked; got != 1 {
		tb.Errorf("old place site %d on %s group %d: booked %d, want 1", old.SiteID, old.Date, old.Group, got)
	}
}

var changeTests = []storeTest{
	{"change cancels the old place and books the new one", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteB, day2, 10)
		p := f.mustPerson(t, 1, 2)
		old := mustBook(t, s, f.req(p, siteA, day1))
		req := changeReq(old, f.req(p, siteB, day2))
		r, err := s.Change(t.Context(), req)
		if err != nil {
			t.Fatalf("Change: %v", err)
		}
		if r.ID == old.ID {
			t.Errorf("Change kept reservation ID %d; want a new reservation", r.ID)
		}
		wantReservation(t, "Change", r, reservationFor(r.ID, req.New, 2))
		wantReservation(t, "ActiveReservation after Change", f.mustActive(t, p.Key), r)
		if got := booked(f.mustShares(t, siteA, day1)); sum(got) != 0 {
			t.Errorf("old place booked %v after Change, want none", got)
		}
		if got := booked(f.mustShares(t, siteB, day2)); got != [vaxbook.Groups]int{2: 1} {
			t.Errorf("new place booked %v after Change, want 1 in group 2", got)
		}
		_, err = s.Cancel(t.Context(), p.Key, old.ID, cancelAt)
		wantCode(t, "Cancel of the changed-away reservation", err, vaxbook.CodeNoReservation)
		f.mustAuditActive(t, 1)
	}},
	{"changes can follow one another", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day2, 10)
		p := f.mustPerson(t, 1, 2)
		r := mustBook(t, s, f.req(p, siteA, day1))
		for _, to := range []vaxbook.BookRequest{f.req(p, siteB, day1), f.pooledReq(p, siteC, day2), f.req(p, siteA, day1)} {
			next, err := s.Change(t.Context(), changeReq(r, to))
			if err != nil {
				t.Fatalf("Change from site %d to %d: %v", r.SiteID, to.SiteID, err)
			}
			r = next
		}
		wantReservation(t, "ActiveReservation after three changes", f.mustActive(t, p.Key), r)
		for _, place := range []struct {
			site int64
			d    vaxbook.Date
			want int
		}{{siteA, day1, 1}, {siteB, day1, 0}, {siteC, day2, 0}} {
			if got := sum(booked(f.mustShares(t, place.site, place.d))); got != place.want {
				t.Errorf("site %d on %s: booked %d, want %d", place.site, place.d, got, place.want)
			}
		}
		f.mustAuditActive(t, 1)
	}},
	{"change to a full place leaves the old reservation untouched", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10)
		mustBook(t, s, f.req(f.mustPerson(t, 2, 2), siteC, day1)) // fills group 2's share
		p := f.mustPerson(t, 1, 2)
		old := mustBook(t, s, f.req(p, siteA, day1))
		_, err := s.Change(t.Context(), changeReq(old, f.req(p, siteC, day1)))
		wantCode(t, "Change to a full share", err, vaxbook.CodeShareFull)
		f.wantUntouched(t, old)
		if got := booked(f.mustShares(t, siteC, day1)); got != [vaxbook.Groups]int{2: 1} {
			t.Errorf("full place booked %v after a refused change, want 1 in group 2", got)
		}
		f.mustAuditActive(t, 2)
	}},
	{"change to a place without shares leaves the old reservation untouched", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		old := mustBook(t, s, f.req(p, siteA, day1))
		_, err := s.Change(t.Context(), changeReq(old, f.req(p, siteC, day2)))
		wantCode(t, "Change to a date without shares", err, vaxbook.CodeNotBookable)
		f.wantUntouched(t, old)
		f.mustAuditActive(t, 1)
	}},
	{"changing another person's reservation is no_reservation", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		owner, intruder := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		old := mustBook(t, s, f.req(owner, siteA, day1))
		_, err := s.Change(t.Context(), changeReq(old, f.req(intruder, siteB, day1)))
		wantCode(t, "Change of another person's reservation", err, vaxbook.CodeNoReservation)
		f.wantUntouched(t, old)
		f.wantNoActive(t, intruder.Key)
		if got := sum(booked(f.mustShares(t, siteB, day1))); got != 0 {
			t.Errorf("site B booked %d after a refused change, want 0", got)
		}
		f.mustAuditActive(t, 1)
	}},
	{"changing a confirmed reservation is change_locked", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		req := f.req(p, siteA, day1)
		req.Status = vaxbook.StatusConfirmed
		old := mustBook(t, s, req)
		_, err := s.Change(t.Context(), changeReq(old, f.req(p, siteB, day1)))
		wantCode(t, "Change of a confirmed reservation", err, vaxbook.CodeChangeLocked)
		f.wantUntouched(t, old)
		f.mustAuditActive(t, 1)
	}},
	{"changing a cancelled reservation is no_reservation", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		old := mustCancel(t, s, mustBook(t, s, f.req(p, siteA, day1)))
		_, err := s.Change(t.Context(), changeReq(old, f.req(p, siteB, day1)))
		wantCode(t, "Change of a cancelled reservation", err, vaxbook.CodeNoReservation)
		f.wantNoActive(t, p.Key)
		f.mustAuditActive(t, 0)
	}},
}
