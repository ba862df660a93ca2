package storetest

import (
	"testing"

	"vaxbook"
)

// testChangeCancelStorm books 100 persons at site A, then releases at once: a change to
// a small pooled target (30 places at site B) for three quarters of them, a cancel for
// the last quarter, and both a change and a cancel of the same reservation for persons
// 0, 4, 8, …. The target must never be overbooked, each person must end with exactly one
// outcome, and every counter must match the rows.
func testChangeCancelStorm(t *testing.T, s vaxbook.Store) {
	f := mustFixture(t, s)
	f.mustCapacity(t, siteA, day1, 1000) // origin: 100 per group
	f.mustCapacity(t, siteB, day2, 30)   // target: 3 per group, pooled
	ps := f.mustPersons(t, 100, func(i int) int { return i % 10 })
	reqs := make([]vaxbook.BookRequest, len(ps))
	for i, p := range ps {
		reqs[i] = f.req(p, siteA, day1)
	}
	olds := make([]vaxbook.Reservation, len(ps))
	for i, r := range s.Book(t.Context(), reqs) {
		if r.Err != nil {
			t.Fatalf("initial Book of %s: %v", reqs[i].PersonKey, r.Err)
		}
		olds[i] = r.Reservation
	}
	changes := func(i int) bool { return i%4 != 3 }
	cancels := func(i int) bool { return i%4 == 0 || i%4 == 3 }
	type op struct {
		person int
		change bool
	}
	var ops []op
	for i := range ps {
		if changes(i) {
			ops = append(ops, op{i, true})
		}
		if cancels(i) {
			ops = append(ops, op{i, false})
		}
	}
	changed := make([]vaxbook.Reservation, len(ps))
	changeErr := make([]error, len(ps))
	cancelErr := make([]error, len(ps))
	ctx := t.Context()
	race(len(ops), func(k int) {
		i := ops[k].person
		if ops[k].change {
			changed[i], changeErr[i] = s.Change(ctx, changeReq(olds[i], f.pooledReq(ps[i], siteB, day2)))
		} else {
			_, cancelErr[i] = s.Cancel(ctx, ps[i].Key, olds[i].ID, cancelAt)
		}
	})

	moved, cancelled, kept := 0, 0, 0
	for i, p := range ps {
		changeCode, cancelCode := vaxbook.ErrorCode(changeErr[i]), vaxbook.ErrorCode(cancelErr[i])
		changeOK, cancelOK := changes(i) && changeErr[i] == nil, cancels(i) && cancelErr[i] == nil
		switch {
		case changeOK && cancelOK:
			t.Errorf("%s: both the change and the cancel of reservation %d succeeded", p.Key, olds[i].ID)
		case changes(i) && !changeOK && changeCode != vaxbook.CodeShareFull && !(cancelOK && changeCode == vaxbook.CodeNoReservation):
			t.Errorf("%s: change refused with %v", p.Key, changeErr[i])
		case cancels(i) && !cancelOK && !(changeOK && cancelCode == vaxbook.CodeNoReservation):
			t.Errorf("%s: cancel refused with %v", p.Key, cancelErr[i])
		}
		switch {
		case changeOK:
			moved++
			if r := f.mustActive(t, p.Key); r.ID != changed[i].ID || r.SiteID != siteB || r.Date != day2 {
				t.Errorf("%s: active reservation %d at site %d on %s, want %d from the change", p.Key, r.ID, r.SiteID, r.Date, changed[i].ID)
			}
		case cancelOK:
			cancelled++
			f.wantNoActive(t, p.Key)
		default:
			kept++
			if r := f.mustActive(t, p.Key); r.ID != olds[i].ID {
				t.Errorf("%s: active reservation %d, want the untouched %d", p.Key, r.ID, olds[i].ID)
			}
		}
	}
	// Fifty persons only change, so the 30 target places must all be taken.
	if moved != 30 {
		t.Errorf("%d changes succeeded, want exactly the 30 target places", moved)
	}
	if got := sum(booked(f.mustShares(t, siteB, day2))); got != moved {
		t.Errorf("target booked %d, want the %d changes", got, moved)
	}
	if got := sum(booked(f.mustShares(t, siteA, day1))); got != kept {
		t.Errorf("origin booked %d, want the %d untouched reservations", got, kept)
	}
	t.Logf("storm: %d moved, %d cancelled, %d kept", moved, cancelled, kept)
	f.mustAuditActive(t, moved+kept)
}
