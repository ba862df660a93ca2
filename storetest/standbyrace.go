package storetest

import (
	"testing"
	"time"

	"vaxbook"
)

// standbyRaceTests race the standby list against itself and against bookings: doses
// released at once, people accepting, declining and booking elsewhere at the same time.
// Run them with -race.
var standbyRaceTests = []storeTest{
	{"two doses released at once to 20 waiting, some booking elsewhere, go to at most two people once each", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteB, day2, 100)
		const waiting = 20
		ps := f.mustPersons(t, waiting, func(i int) int { return i % vaxbook.Groups })
		es := make([]vaxbook.StandbyEntry, waiting)
		for i, p := range ps {
			es[i] = f.mustJoin(t, p, siteA, standbyAt.Add(time.Duration(i)*time.Millisecond))
		}
		at := standbyAt.Add(time.Second)
		ctx := t.Context()
		accepted := make([]bool, waiting)
		bookedElsewhere := make([]bool, waiting)
		// Goroutines 0 and 1 release a dose each; goroutine 2+i is person i, who books
		// elsewhere (every fourth), declines (every fifth) or accepts whatever offer
		// comes, polling their entry like a phone would.
		race(2+waiting, func(g int) {
			if g < 2 {
				if _, err := s.RecordLeftover(ctx, f.c.ID, siteA, day1, standbyTime(at)); err != nil {
					t.Errorf("RecordLeftover: %v", err)
				}
				return
			}
			i := g - 2
			p := ps[i]
			if i%4 == 0 {
				res := s.Book(ctx, []vaxbook.BookRequest{f.pooledReq(p, siteB, day2)})
				bookedElsewhere[i] = res[0].Err == nil
			}
			for range 40 {
				e, err := s.StandbyEntryOf(ctx, p.Key, day1, standbyTime(at))
				if err != nil {
					t.Errorf("StandbyEntryOf(%s): %v", p.Key, err)
					return
				}
				if e.State != vaxbook.StandbyOffered {
					if !e.State.Open() {
						return
					}
					time.Sleep(time.Millisecond)
					continue
				}
				if i%5 == 1 {
					_, err := s.DeclineOffer(ctx, p.Key, e.ID, standbyTime(at))
					if code := vaxbook.ErrorCode(err); code != "" {
						t.Errorf("DeclineOffer(%s): %v", p.Key, err)
					}
					return
				}
				_, err = f.accept(t, e, p, at)
				switch vaxbook.ErrorCode(err) {
				case "":
					accepted[i] = true
				case vaxbook.CodeAlreadyBooked:
					if !bookedElsewhere[i] {
						t.Errorf("AcceptOffer(%s): already booked, but they booked nothing else", p.Key)
					}
					// Told so, they give the dose back for the next in line.
					if _, err := s.DeclineOffer(ctx, p.Key, e.ID, standbyTime(at)); err != nil {
						t.Errorf("DeclineOffer(%s) after already_booked: %v", p.Key, err)
					}
				default:
					t.Errorf("AcceptOffer(%s): %v", p.Key, err)
				}
				return
			}
		})
		n := 0
		for i, ok := range accepted {
			if !ok {
				continue
			}
			n++
			if bookedElsewhere[i] {
				t.Errorf("%s accepted a leftover dose and booked elsewhere", ps[i].Key)
			}
			if r := f.mustActive(t, ps[i].Key); r.SiteID != siteA || r.Date != day1 {
				t.Errorf("%s accepted but holds %+v", ps[i].Key, r)
			}
		}
		if n > 2 {
			t.Errorf("%d people accepted 2 doses", n)
		}
		t.Logf("%d of %d accepted a dose", n, waiting)
		// Whatever the interleaving, a settled list never holds a free dose while
		// someone waits, and every dose is free, offered or taken exactly once.
		if _, err := s.SettleStandby(ctx, standbyTime(at)); err != nil {
			t.Fatal(err)
		}
		l := f.mustLine(t, siteA, at)
		if l.Doses.Released != 2 || l.Doses.Accepted != n {
			t.Errorf("doses %+v; want 2 released and %d accepted", l.Doses, n)
		}
		if l.Doses.Free() > 0 && l.Waiting() > 0 {
			t.Errorf("%d doses free while %d wait", l.Doses.Free(), l.Waiting())
		}
		a := f.mustAuditLeftovers(t)
		if a.LeftoverReservations != n || a.Released != 2 {
			t.Errorf("AuditLeftovers = %+v; want %d leftover reservations of 2 released", a, n)
		}
		// One unsent offer message per open offer, never two; an offer that ended
		// (declined, accepted, expired) took its unsent message with it.
		msgs := offers(t, s)
		for i, p := range ps {
			e := f.mustEntry(t, p, at)
			if msgs[p.Key] > 1 || (msgs[p.Key] == 1) != (e.State == vaxbook.StandbyOffered) {
				t.Errorf("person %d (%s): %d offer messages", i, e.State, msgs[p.Key])
			}
		}
	}},
	{"accepting races booking elsewhere: the person ends with exactly one reservation", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteB, day2, 100)
		ps := f.mustPersons(t, 10, func(i int) int { return i % vaxbook.Groups })
		ctx := t.Context()
		for i, p := range ps {
			f.mustJoin(t, p, siteA, standbyAt.Add(time.Duration(i)*time.Millisecond))
		}
		for range ps {
			f.mustLeftover(t, siteA, standbyAt)
		}
		at := standbyAt.Add(time.Second)
		race(2*len(ps), func(g int) {
			p := ps[g/2]
			if g%2 == 0 {
				s.Book(ctx, []vaxbook.BookRequest{f.pooledReq(p, siteB, day2)})
				return
			}
			e, err := s.StandbyEntryOf(ctx, p.Key, day1, standbyTime(at))
			if err != nil {
				t.Errorf("StandbyEntryOf: %v", err)
				return
			}
			if _, err := f.accept(t, e, p, at); err != nil && vaxbook.ErrorCode(err) != vaxbook.CodeAlreadyBooked {
				t.Errorf("AcceptOffer(%s): %v", p.Key, err)
			}
		})
		for _, p := range ps {
			f.mustActive(t, p.Key) // exactly one: the unique index and the audit say no more
		}
		a := f.mustAuditLeftovers(t)
		sh := mustAudit(t, s, f.c.ID)
		if a.LeftoverReservations+sh.ActiveReservations != len(ps) {
			t.Errorf("%d leftover and %d share reservations for %d people", a.LeftoverReservations, sh.ActiveReservations, len(ps))
		}
	}},
}
