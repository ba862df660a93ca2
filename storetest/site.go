package storetest

import (
	"testing"

	"vaxbook"
)

var siteTests = []storeTest{
	{"site reads back as put", func(t *testing.T, s vaxbook.Store) {
		mustPutSites(t, s, fixtureSites()...)
		for _, want := range fixtureSites() {
			wantSite(t, s, want)
		}
	}},
	{"put sites updates by id and inserts new ones", func(t *testing.T, s vaxbook.Store) {
		mustPutSites(t, s, fixtureSites()...)
		renamed := fixtureSites()[0]
		renamed.Name, renamed.Address, renamed.Kind = "강남연세가정의학과의원", "서울 강남구 테헤란로 100", "centre"
		added := vaxbook.Site{ID: 40, Name: "제주한라의원", Province: "제주특별자치도", District: "제주시", Address: "제주 제주시 1", Kind: "clinic"}
		mustPutSites(t, s, renamed, added)
		wantSite(t, s, renamed)
		wantSite(t, s, added)
		wantSite(t, s, fixtureSites()[1])
	}},
	{"missing site is not_found", func(t *testing.T, s vaxbook.Store) {
		mustPutSites(t, s, fixtureSites()...)
		_, err := s.Site(t.Context(), 999)
		wantCode(t, "Site(999)", err, vaxbook.CodeNotFound)
	}},
}

// wantSite fails the test unless the store holds want under its ID.
func wantSite(tb testing.TB, s vaxbook.Store, want vaxbook.Site) {
	tb.Helper()
	got, err := s.Site(tb.Context(), want.ID)
	if err != nil {
		tb.Fatalf("Site(%d): %v", want.ID, err)
	}
	if got != want {
		tb.Errorf("Site(%d) = %+v, want %+v", want.ID, got, want)
	}
}

var capacityTests = []storeTest{
	{"capacity splits evenly with the remainder in booking order", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 25)
		want := [vaxbook.Groups]int{3, 3, 3, 3, 2, 2, 2, 2, 2, 3} // groups 9, 0, 1, 2, 3 get the 5 left over
		shares := f.mustShares(t, siteC, day1)
		if got := capacities(shares); got != want {
			t.Errorf("capacities of 25 = %v, want %v", got, want)
		}
		if got := booked(shares); sum(got) != 0 {
			t.Errorf("new shares booked %v, want none", got)
		}
	}},
	{"capacity splits by the campaign's weights", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		c := campaign2021()
		c.Weights = [vaxbook.Groups]int{3, 1, 1, 1, 1, 1, 1, 1, 1, 0}
		f.c = mustCampaign(t, s, c)
		f.mustCapacity(t, siteC, day1, 17)
		want := vaxbook.SplitShares(17, c.Weights, c.BookingOrder())
		if want != [vaxbook.Groups]int{5, 2, 2, 2, 2, 1, 1, 1, 1, 0} {
			t.Fatalf("SplitShares(17, %v) = %v; the domain changed, update this test", c.Weights, want)
		}
		if got := capacities(f.mustShares(t, siteC, day1)); got != want {
			t.Errorf("capacities of 17 by weights %v = %v, want %v", c.Weights, got, want)
		}
	}},
	{"capacities of several sites and dates are set in one call", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		caps := []vaxbook.Capacity{{SiteID: siteC, Date: day1, Quantity: 10}, {SiteID: siteC, Date: day2, Quantity: 20}, {SiteID: siteA, Date: day2, Quantity: 30}}
		if err := s.SetCapacities(t.Context(), f.c.ID, caps); err != nil {
			t.Fatalf("SetCapacities: %v", err)
		}
		for _, c := range caps {
			if got := sum(capacities(f.mustShares(t, c.SiteID, c.Date))); got != c.Quantity {
				t.Errorf("site %d on %s: shares add up to %d, want %d", c.SiteID, c.Date, got, c.Quantity)
			}
		}
	}},
	{"re-setting a capacity keeps what is booked", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 30)
		for i := range 3 {
			mustBook(t, s, f.req(f.mustPerson(t, i, 2), siteC, day1))
		}
		f.mustCapacity(t, siteC, day1, 60)
		shares := f.mustShares(t, siteC, day1)
		if shares[2].Capacity != 6 || shares[2].Booked != 3 {
			t.Errorf("group 2 after raising 30 → 60: capacity %d booked %d, want 6 and 3", shares[2].Capacity, shares[2].Booked)
		}
		f.mustCapacity(t, siteC, day1, 26) // group 2 gets 3: exactly what is booked
		shares = f.mustShares(t, siteC, day1)
		if shares[2].Capacity != 3 || shares[2].Booked != 3 {
			t.Errorf("group 2 after lowering to 26: capacity %d booked %d, want 3 and 3", shares[2].Capacity, shares[2].Booked)
		}
		f.mustAuditActive(t, 3)
	}},
	{"lowering a capacity below what is booked is a conflict and applies nothing", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 30)
		f.mustCapacity(t, siteB, day2, 10)
		for i := range 3 {
			mustBook(t, s, f.req(f.mustPerson(t, i, 2), siteC, day1))
		}
		caps := []vaxbook.Capacity{
			{SiteID: siteB, Date: day2, Quantity: 50}, // a valid change before the bad one
			{SiteID: siteA, Date: day2, Quantity: 10}, // a new one before the bad one
			{SiteID: siteC, Date: day1, Quantity: 20}, // group 2 would get 2 < 3 booked
		}
		err := s.SetCapacities(t.Context(), f.c.ID, caps)
		wantCode(t, "SetCapacities lowering below booked", err, vaxbook.CodeConflict)
		if got := sum(capacities(f.mustShares(t, siteB, day2))); got != 10 {
			t.Errorf("site B on day2 after the refused batch: %d places, want the 10 from before", got)
		}
		if got := sum(capacities(f.mustShares(t, siteA, day2))); got != 0 {
			t.Errorf("site A on day2 after the refused batch: %d places, want none", got)
		}
		shares := f.mustShares(t, siteC, day1)
		if sum(capacities(shares)) != 30 || shares[2].Booked != 3 {
			t.Errorf("site C on day1 after the refused batch: %v booked %v, want 30 places and 3 booked in group 2", capacities(shares), booked(shares))
		}
		_, err = bookOne(t, s, f.req(f.mustPerson(t, 9, 2), siteA, day2))
		wantCode(t, "Book at a capacity of the refused batch", err, vaxbook.CodeNotBookable)
		f.mustAuditActive(t, 3)
	}},
}
