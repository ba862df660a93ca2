package storetest

import (
	"context"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/batch"
)

// batchTests check a batch of requests given to Book at once, the shape a group commit
// uses: whatever one transaction does for all of them, each request must end as if it
// had run alone, one after another.
var batchTests = []storeTest{
	{"two requests of one batch for the last place: one books, one is share_full", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10) // one place per group
		a, b := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		res := s.Book(t.Context(), []vaxbook.BookRequest{f.req(a, siteC, day1), f.req(b, siteC, day1)})
		wantCodes(t, res, "", vaxbook.CodeShareFull)
		f.wantNoActive(t, b.Key)
		f.mustAuditActive(t, 1)
	}},
	{"a person twice in one batch books once", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		res := s.Book(t.Context(), []vaxbook.BookRequest{f.req(p, siteA, day1), f.req(p, siteB, day1)})
		wantCodes(t, res, "", vaxbook.CodeAlreadyBooked)
		wantReservation(t, "active", f.mustActive(t, p.Key), res[0].Reservation)
		f.mustAuditActive(t, 1)
	}},
	{"a person whose first request of a batch finds no place books with the second", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10)
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteC, day1)) // group 2's place at C
		p := f.mustPerson(t, 2, 2)
		res := s.Book(t.Context(), []vaxbook.BookRequest{f.req(p, siteC, day1), f.req(p, siteA, day1)})
		wantCodes(t, res, vaxbook.CodeShareFull, "")
		if r := f.mustActive(t, p.Key); r.SiteID != siteA {
			t.Errorf("active reservation at site %d, want site A", r.SiteID)
		}
		f.mustAuditActive(t, 2)
	}},
	{"pooled requests of one batch spread over the shares and never overbook", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10)
		ps := f.mustPersons(t, 15, func(int) int { return 2 })
		var reqs []vaxbook.BookRequest
		for _, p := range ps {
			reqs = append(reqs, f.pooledReq(p, siteC, day1))
		}
		codes := map[vaxbook.Code]int{}
		for i, r := range s.Book(t.Context(), reqs) {
			codes[vaxbook.ErrorCode(r.Err)]++
			if r.Err == nil {
				wantReservation(t, reqs[i].PersonKey, f.mustActive(t, reqs[i].PersonKey), r.Reservation)
			}
		}
		if codes[""] != 10 || codes[vaxbook.CodeShareFull] != 5 {
			t.Errorf("outcomes %v, want 10 booked and 5 share_full", codes)
		}
		if got := booked(f.mustShares(t, siteC, day1)); got != capacities(f.mustShares(t, siteC, day1)) {
			t.Errorf("booked per group %v, want every share full", got)
		}
		f.mustAuditActive(t, 10)
	}},
	{"a batch refuses a site and date without shares, pooled or not, as not_bookable", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p, q, r := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 3), f.mustPerson(t, 3, 4)
		res := s.Book(t.Context(), []vaxbook.BookRequest{
			f.pooledReq(p, siteA, day2), f.req(q, siteC, day1), f.pooledReq(r, siteA, day1),
		})
		wantCodes(t, res, vaxbook.CodeNotBookable, vaxbook.CodeNotBookable, "")
		f.mustAuditActive(t, 1)
	}},
	{"a batch with a person already booked books the others", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p, q := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		mustBook(t, s, f.req(p, siteA, day1))
		res := s.Book(t.Context(), []vaxbook.BookRequest{f.req(p, siteB, day1), f.req(q, siteB, day1)})
		wantCodes(t, res, vaxbook.CodeAlreadyBooked, "")
		if got := booked(f.mustShares(t, siteB, day1)); got != [vaxbook.Groups]int{2: 1} {
			t.Errorf("site B booked per group %v, want q's place only", got)
		}
		f.mustAuditActive(t, 2)
	}},
}

// wantCodes fails the test unless the results carry the codes, in order.
func wantCodes(tb testing.TB, res []vaxbook.BookResult, want ...vaxbook.Code) {
	tb.Helper()
	if len(res) != len(want) {
		tb.Fatalf("%d results, want %d", len(res), len(want))
	}
	for i, r := range res {
		if got := vaxbook.ErrorCode(r.Err); got != want[i] {
			tb.Errorf("result %d: code %q (%v), want %q", i, got, r.Err, want[i])
		}
	}
}

// RunBatched runs the booking, batch, sign-in, session and concurrency tables with
// every Book going through a batch.Committer and every SignIn through a batch.Sessions
// in front of the store, so that the races — 200 persons for 50 places, one person
// from 50 devices, the pooled race, the change and cancel storm, sign-ins of the same
// persons at once — also hold on the group-commit path. Small batches and two flushers make the racers
// span several transactions that run at once. open is as for Run.
func RunBatched(t *testing.T, open func(t *testing.T) vaxbook.Store) {
	batched := func(t *testing.T) vaxbook.Store {
		s := open(t)
		cfg := batch.Config{MaxBatch: 16, MaxWait: time.Millisecond, Flushers: 2}
		c, ss := batch.New(s, cfg), batch.NewSessions(s, cfg)
		// Cleanups run last-registered first: the committers drain before open's
		// cleanup closes the store.
		t.Cleanup(func() { c.Close(); ss.Close() })
		return committed{Store: s, c: c, sessions: ss}
	}
	for _, g := range []struct {
		name  string
		tests []storeTest
	}{{"Book", bookTests}, {"Batch", batchTests}, {"SignIn", signInTests}, {"Session", sessionTests}, {"Concurrency", concurrencyTests}} {
		t.Run(g.name, func(t *testing.T) { runTable(t, batched, g.tests) })
	}
}

// committed is a store whose bookings and sign-ins go through group committers.
type committed struct {
	vaxbook.Store
	c        *batch.Committer
	sessions *batch.Sessions
}

func (s committed) SignIn(ctx context.Context, reqs []vaxbook.SignInRequest) []error {
	return s.sessions.SignIn(ctx, reqs)
}

func (s committed) Book(ctx context.Context, reqs []vaxbook.BookRequest) []vaxbook.BookResult {
	return s.c.Book(ctx, reqs)
}
