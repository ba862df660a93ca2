package storetest

import (
	"testing"

	"vaxbook"
)

// mustCancel cancels r at cancelAt in its owner's name and checks what comes back.
func mustCancel(tb testing.TB, s vaxbook.Store, r vaxbook.Reservation) vaxbook.Reservation {
	tb.Helper()
	got, err := s.Cancel(tb.Context(), r.PersonKey, r.ID, cancelAt)
	if err != nil {
		tb.Fatalf("Cancel(%s, %d): %v", r.PersonKey, r.ID, err)
	}
	want := r
	want.Status, want.UpdatedAt = vaxbook.StatusCancelled, cancelAt
	wantReservation(tb, "Cancel", got, want)
	return got
}

var cancelTests = []storeTest{
	{"cancel returns the place to its share", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10) // one place per group
		p := f.mustPerson(t, 1, 2)
		mustCancel(t, s, mustBook(t, s, f.req(p, siteC, day1)))
		f.wantNoActive(t, p.Key)
		if got := booked(f.mustShares(t, siteC, day1)); sum(got) != 0 {
			t.Errorf("booked %v after Cancel, want none", got)
		}
		mustBook(t, s, f.req(f.mustPerson(t, 2, 2), siteC, day1)) // the freed place
		f.mustAuditActive(t, 1)
	}},
	{"a cancelled person can book again", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10)
		p := f.mustPerson(t, 1, 2)
		old := mustCancel(t, s, mustBook(t, s, f.req(p, siteC, day1)))
		r := mustBook(t, s, f.req(p, siteC, day1))
		if r.ID == old.ID {
			t.Errorf("rebooking reused reservation ID %d", r.ID)
		}
		wantReservation(t, "ActiveReservation after rebooking", f.mustActive(t, p.Key), r)
		f.mustAuditActive(t, 1)
	}},
	{"pooled cancel returns the place to the group it was drawn from", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10)
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteC, day1)) // fills group 2's share
		borrowed := mustBook(t, s, f.pooledReq(f.mustPerson(t, 2, 2), siteC, day1))
		if borrowed.Group == 2 {
			t.Fatalf("pooled booking drawn from the full group 2")
		}
		mustCancel(t, s, borrowed)
		if got := booked(f.mustShares(t, siteC, day1)); got != [vaxbook.Groups]int{2: 1} {
			t.Errorf("booked per group %v after cancelling the borrowed place, want 1 in group 2 only", got)
		}
		owner := f.mustPerson(t, 3, borrowed.Group)
		mustBook(t, s, f.req(owner, siteC, day1)) // group's own place is back
		f.mustAuditActive(t, 2)
	}},
	{"cancelling twice is no_reservation", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		r := mustCancel(t, s, mustBook(t, s, f.req(p, siteA, day1)))
		_, err := s.Cancel(t.Context(), p.Key, r.ID, cancelAt)
		wantCode(t, "second Cancel", err, vaxbook.CodeNoReservation)
		if got := booked(f.mustShares(t, siteA, day1)); sum(got) != 0 {
			t.Errorf("booked %v after cancelling twice, want none", got)
		}
		f.mustAuditActive(t, 0)
	}},
	{"cancelling another person's reservation is no_reservation", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		owner, intruder := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		r := mustBook(t, s, f.req(owner, siteA, day1))
		_, err := s.Cancel(t.Context(), intruder.Key, r.ID, cancelAt)
		wantCode(t, "Cancel of another person's reservation", err, vaxbook.CodeNoReservation)
		wantReservation(t, "owner's reservation after the refused cancel", f.mustActive(t, owner.Key), r)
		f.mustAuditActive(t, 1)
	}},
	{"cancelling an unknown reservation is no_reservation", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		r := mustBook(t, s, f.req(p, siteA, day1))
		_, err := s.Cancel(t.Context(), p.Key, r.ID+1000, cancelAt)
		wantCode(t, "Cancel of an unknown id", err, vaxbook.CodeNoReservation)
		f.mustAuditActive(t, 1)
	}},
}
