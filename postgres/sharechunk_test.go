package postgres_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"vaxbook"
)

// TestSetCapacitiesMergesChunksOfNewChangedAndUnchangedShares loads more quantities
// than one chunk holds, in shuffled order, over shares of which some exist with the same
// capacity, some with another and some not at all, and checks every share and the
// booked count kept.
func TestSetCapacitiesMergesChunksOfNewChangedAndUnchangedShares(t *testing.T) {
	s, c := mustSetup(t, 10)
	if r := s.Book(t.Context(), []vaxbook.BookRequest{request(c, "p1", 9, false)})[0]; r.Err != nil {
		t.Fatalf("Book: %v", r.Err)
	}
	const sites, dates = 700, 30 // 21,000 quantities: more than one chunk of 20,000
	ss := make([]vaxbook.Site, sites)
	for i := range ss {
		ss[i] = vaxbook.Site{ID: int64(i + 1), Name: fmt.Sprintf("site %d", i+1), Province: "서울특별시", District: "종로구", Kind: "clinic"}
	}
	if err := s.PutSites(t.Context(), ss); err != nil {
		t.Fatal(err)
	}
	quantity := func(site, d int, pass int) int {
		if pass == 1 && site%3 == 0 {
			return 20 + d // changed in the second pass
		}
		return 10 + d
	}
	var caps []vaxbook.Capacity
	for pass := range 2 {
		caps = caps[:0]
		for site := 1; site <= sites; site++ {
			if pass == 0 && site%2 == 0 {
				continue // missing until the second pass
			}
			for d := range dates {
				caps = append(caps, vaxbook.Capacity{SiteID: int64(site), Date: day.AddDays(d), Quantity: quantity(site, d, pass)})
			}
		}
		rand.Shuffle(len(caps), func(i, j int) { caps[i], caps[j] = caps[j], caps[i] })
		if err := s.SetCapacities(t.Context(), c.ID, caps); err != nil {
			t.Fatalf("pass %d: %v", pass+1, err)
		}
	}
	for _, site := range []int{1, 2, 3, 350, 699, 700} {
		for _, d := range []int{0, 17, dates - 1} {
			shares, err := s.Shares(t.Context(), c.ID, int64(site), day.AddDays(d))
			if err != nil {
				t.Fatal(err)
			}
			total, booked := 0, 0
			for _, sh := range shares {
				total, booked = total+sh.Capacity, booked+sh.Booked
			}
			if want := quantity(site, d, 1); len(shares) != vaxbook.Groups || total != want {
				t.Errorf("site %d on day %d: %d shares of %d places, want 10 of %d", site, d, len(shares), total, want)
			}
			if wantBooked := map[bool]int{true: 1}[site == 1 && d == 0]; booked != wantBooked {
				t.Errorf("site %d on day %d: %d booked, want %d", site, d, booked, wantBooked)
			}
		}
	}
	wantHealthy(t, s, c, 1)
}
