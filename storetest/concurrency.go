package storetest

import (
	"fmt"
	"maps"
	"sync"
	"testing"

	"vaxbook"
)

// race runs f(0)…f(n-1) in n goroutines held at one barrier and released together, so
// that they contend for the same rows instead of running one after another as they
// start, and returns when all are done.
func race(n int, f func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			f(i)
		})
	}
	close(start)
	wg.Wait()
}

// raceBook books reqs[i] alone in goroutine i, all released together, and returns each
// result's error code ("" for success) and reservation.
func raceBook(tb testing.TB, s vaxbook.Store, reqs []vaxbook.BookRequest) ([]vaxbook.Code, []vaxbook.Reservation) {
	tb.Helper()
	codes := make([]vaxbook.Code, len(reqs))
	rs := make([]vaxbook.Reservation, len(reqs))
	ctx := tb.Context()
	race(len(reqs), func(i int) {
		res := s.Book(ctx, reqs[i:i+1])
		if len(res) != 1 {
			codes[i] = "missing result"
			return
		}
		rs[i], codes[i] = res[0].Reservation, vaxbook.ErrorCode(res[0].Err)
	})
	return codes, rs
}

// wantCounts fails the test unless the codes occur exactly as often as want says.
func wantCounts(tb testing.TB, codes []vaxbook.Code, want map[vaxbook.Code]int) {
	tb.Helper()
	got := map[vaxbook.Code]int{}
	for _, c := range codes {
		got[c]++
	}
	if !maps.Equal(got, want) {
		tb.Errorf("outcomes %v, want %v (\"\" is success)", got, want)
	}
}

var concurrencyTests = []storeTest{
	{"80 sign-ins of 10 persons racing, each twice on one of 40 devices, all stored", func(t *testing.T, s vaxbook.Store) {
		const persons, devices = 10, 40
		// Goroutine i signs person i%10 in on device i%40: persons and devices both
		// recur, in orders that differ between goroutines, so batches running at once
		// upsert the same rows.
		errs := make([]error, 2*devices)
		race(2*devices, func(i int) {
			p := vaxbook.Person{Key: fmt.Sprintf("k-%d", i%persons), Name: "김민준", Birth: vaxbook.MustDate("1981-07-12"), PhoneEnc: []byte{byte(i)}}
			errs[i] = signInOne(t.Context(), s, p, signedIn(fmt.Sprintf("d-%02d", i%devices), p.Key, "phone", sessionAt))
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("sign-in %d: %v", i, err)
			}
		}
		for d := range devices {
			// Both sign-ins on device d were of person d%10 (i and i+40 agree mod 10).
			wantSession(t, s, signedIn(fmt.Sprintf("d-%02d", d), fmt.Sprintf("k-%d", d%persons), "phone", sessionAt), sessionAt)
		}
		for k := range persons {
			if p, err := s.Person(t.Context(), fmt.Sprintf("k-%d", k)); err != nil || len(p.PhoneEnc) != 1 || int(p.PhoneEnc[0])%persons != k {
				t.Errorf("Person(k-%d) = %+v, %v; want one of its own sign-ins' phones", k, p, err)
			}
		}
	}},
	{"200 persons racing for one share of 50 book exactly 50", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 500) // 50 per group
		ps := f.mustPersons(t, 200, func(int) int { return 2 })
		reqs := make([]vaxbook.BookRequest, len(ps))
		for i, p := range ps {
			reqs[i] = f.req(p, siteC, day1)
		}
		codes, _ := raceBook(t, s, reqs)
		wantCounts(t, codes, map[vaxbook.Code]int{"": 50, vaxbook.CodeShareFull: 150})
		if got := booked(f.mustShares(t, siteC, day1)); got != [vaxbook.Groups]int{2: 50} {
			t.Errorf("booked per group %v, want 50 in group 2 only", got)
		}
		f.mustAuditActive(t, 50)
	}},
	{"one person racing from 50 devices books once", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		var sites []vaxbook.Site
		var caps []vaxbook.Capacity
		for i := range 50 {
			id := int64(100 + i)
			sites = append(sites, vaxbook.Site{ID: id, Name: fmt.Sprintf("의원 %d", id), Province: "대구광역시", District: "중구", Kind: "clinic"})
			caps = append(caps, vaxbook.Capacity{SiteID: id, Date: day1, Quantity: 10})
		}
		mustPutSites(t, s, sites...)
		if err := s.SetCapacities(t.Context(), f.c.ID, caps); err != nil {
			t.Fatalf("SetCapacities: %v", err)
		}
		p := f.mustPerson(t, 1, 2)
		reqs := make([]vaxbook.BookRequest, len(sites))
		for i, site := range sites {
			reqs[i] = f.req(p, site.ID, day1)
		}
		codes, rs := raceBook(t, s, reqs)
		wantCounts(t, codes, map[vaxbook.Code]int{"": 1, vaxbook.CodeAlreadyBooked: 49})
		for i, c := range codes {
			if c == "" {
				wantReservation(t, "the winner's active reservation", f.mustActive(t, p.Key), rs[i])
			}
		}
		f.mustAuditActive(t, 1)
	}},
	{"300 pooled persons of every group take exactly the 100 places", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 100) // ten shares of 10
		ps := f.mustPersons(t, 300, func(i int) int { return i % 10 })
		reqs := make([]vaxbook.BookRequest, len(ps))
		for i, p := range ps {
			reqs[i] = f.pooledReq(p, siteC, day1)
		}
		codes, _ := raceBook(t, s, reqs)
		wantCounts(t, codes, map[vaxbook.Code]int{"": 100, vaxbook.CodeShareFull: 200})
		shares := f.mustShares(t, siteC, day1)
		if booked(shares) != capacities(shares) {
			t.Errorf("booked per group %v, want every share full %v", booked(shares), capacities(shares))
		}
		f.mustAuditActive(t, 100)
	}},
	{"concurrent batches never overbook or double book", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 50)
		ps := f.mustPersons(t, 70, func(i int) int { return i % 10 })
		// Batch k asks for persons 10k … 10k+19, so each person but the first and last
		// ten is in two batches racing each other.
		const batches, size = 6, 20
		reqs := make([][]vaxbook.BookRequest, batches)
		res := make([][]vaxbook.BookResult, batches)
		for k := range reqs {
			for _, p := range ps[10*k : 10*k+size] {
				reqs[k] = append(reqs[k], f.pooledReq(p, siteC, day1))
			}
		}
		race(batches, func(k int) { res[k] = s.Book(t.Context(), reqs[k]) })
		wins := map[string]int{}
		var already []string
		for k := range res {
			if len(res[k]) != size {
				t.Fatalf("batch %d: %d results for %d requests", k, len(res[k]), size)
			}
			for i, r := range res[k] {
				req := reqs[k][i]
				switch vaxbook.ErrorCode(r.Err) {
				case "":
					wins[req.PersonKey]++
					wantReservation(t, fmt.Sprintf("batch %d result %d", k, i), r.Reservation, reservationFor(r.Reservation.ID, req, r.Reservation.Group))
				case vaxbook.CodeAlreadyBooked:
					already = append(already, req.PersonKey)
				case vaxbook.CodeShareFull:
				default:
					t.Errorf("batch %d result %d (%s): %v", k, i, req.PersonKey, r.Err)
				}
			}
		}
		total := 0
		for key, n := range wins {
			total += n
			if n > 1 {
				t.Errorf("%s booked %d times", key, n)
			}
		}
		if total != 50 {
			t.Errorf("%d bookings succeeded, want the 50 places", total)
		}
		for _, key := range already {
			if wins[key] != 1 {
				t.Errorf("%s refused as already booked but holds no booking from the batches", key)
			}
		}
		f.mustAuditActive(t, 50)
	}},
	{"concurrent changes and cancels keep every count", testChangeCancelStorm},
}
