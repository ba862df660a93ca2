package storetest

import (
	"fmt"
	"slices"
	"testing"

	"vaxbook"
)

// The sites the search tests add to the fixture's. Sites 4 to 7 have names in which a
// LIKE pattern would see wildcards; site 8 has no capacity; site 9 has capacity only in
// another campaign.
func searchSites() []vaxbook.Site {
	site := func(id int64, name string) vaxbook.Site {
		return vaxbook.Site{ID: id, Name: name, Province: "서울특별시", District: "강남구", Address: "서울 강남구", Kind: "clinic", Phone: fmt.Sprintf("02-555-01%02d", id)}
	}
	return []vaxbook.Site{
		site(4, "100% Clinic"), site(5, "100X Clinic"), site(6, "A_B Clinic"), site(7, "AxB Clinic"),
		site(8, "No Capacity Clinic"), site(9, "Other Campaign Clinic"),
	}
}

// mustSearchFixture stores the fixture and the search sites with their capacities and
// returns a query of group 2 over day1 and day2 that the tests narrow, and the ID of the
// other campaign.
func mustSearchFixture(tb testing.TB, s vaxbook.Store) (fixture, vaxbook.SiteQuery, int64) {
	tb.Helper()
	f := mustFixture(tb, s)
	mustPutSites(tb, s, searchSites()...)
	caps := []vaxbook.Capacity{
		{SiteID: siteA, Date: day1, Quantity: 25}, {SiteID: siteA, Date: day2, Quantity: 20},
		{SiteID: siteB, Date: day1, Quantity: 10}, {SiteID: siteC, Date: day1, Quantity: 10},
	}
	for id := int64(4); id <= 7; id++ {
		caps = append(caps, vaxbook.Capacity{SiteID: id, Date: day1, Quantity: 10})
	}
	if err := s.SetCapacities(tb.Context(), f.c.ID, caps); err != nil {
		tb.Fatalf("SetCapacities: %v", err)
	}
	other := mustCampaign(tb, s, campaign2021())
	if err := s.SetCapacities(tb.Context(), other.ID, []vaxbook.Capacity{{SiteID: 9, Date: day1, Quantity: 10}}); err != nil {
		tb.Fatalf("SetCapacities(other campaign): %v", err)
	}
	return f, vaxbook.SiteQuery{CampaignID: f.c.ID, From: day1, To: day2, Group: 2, Limit: 50}, other.ID
}

// mustSearch runs q and checks that the sites come by increasing ID.
func mustSearch(tb testing.TB, s vaxbook.Store, q vaxbook.SiteQuery) []vaxbook.SiteAvailability {
	tb.Helper()
	got, err := s.SearchSites(tb.Context(), q)
	if err != nil {
		tb.Fatalf("SearchSites(%+v): %v", q, err)
	}
	if !slices.IsSortedFunc(got, func(a, b vaxbook.SiteAvailability) int { return int(a.ID - b.ID) }) {
		tb.Errorf("SearchSites(%+v) not ordered by id: %v", q, siteIDs(got))
	}
	return got
}

func siteIDs(sites []vaxbook.SiteAvailability) []int64 {
	ids := []int64{}
	for _, s := range sites {
		ids = append(ids, s.ID)
	}
	return ids
}

// remaining returns the places reported per date for the site, a date not reported
// counting as none.
func remaining(sites []vaxbook.SiteAvailability, siteID int64) map[vaxbook.Date]int {
	m := map[vaxbook.Date]int{}
	for _, s := range sites {
		if s.ID == siteID {
			for _, d := range s.Dates {
				m[d.Date] += d.Remaining
			}
		}
	}
	return m
}

var searchTests = []storeTest{
	{"results carry the site's phone", func(t *testing.T, s vaxbook.Store) {
		_, q, _ := mustSearchFixture(t, s)
		q.Name = "A_B"
		got := mustSearch(t, s, q)
		if len(got) != 1 || got[0].Phone != "02-555-0106" {
			t.Fatalf("search = %+v, want site 6 with its phone 02-555-0106", got)
		}
	}},
	{"filters and pages", func(t *testing.T, s vaxbook.Store) {
		_, base, other := mustSearchFixture(t, s)
		tests := []struct {
			name string
			edit func(q *vaxbook.SiteQuery)
			want []int64
		}{
			{"no filter returns every site with shares by id", func(q *vaxbook.SiteQuery) {}, []int64{1, 2, 3, 4, 5, 6, 7}},
			{"province matches exactly", func(q *vaxbook.SiteQuery) { q.Province = "부산광역시" }, []int64{3}},
			{"district narrows the province", func(q *vaxbook.SiteQuery) { q.Province, q.District = "서울특별시", "마포구" }, []int64{2}},
			{"name matches a substring", func(q *vaxbook.SiteQuery) { q.Name = "연세" }, []int64{1, 3}},
			{"percent in a name is literal", func(q *vaxbook.SiteQuery) { q.Name = "100%" }, []int64{4}},
			{"underscore in a name is literal", func(q *vaxbook.SiteQuery) { q.Name = "A_B" }, []int64{6}},
			{"limit bounds the page", func(q *vaxbook.SiteQuery) { q.Limit = 2 }, []int64{1, 2}},
			{"after id gives the next page", func(q *vaxbook.SiteQuery) { q.Limit, q.AfterID = 2, 2 }, []int64{3, 4}},
			{"after the last id is empty", func(q *vaxbook.SiteQuery) { q.AfterID = 7 }, []int64{}},
			{"a campaign sees only the sites it has shares at", func(q *vaxbook.SiteQuery) { q.CampaignID = -1 }, []int64{9}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				q := base
				tt.edit(&q)
				if q.CampaignID == -1 {
					q.CampaignID = other
				}
				if got := siteIDs(mustSearch(t, s, q)); !slices.Equal(got, tt.want) {
					t.Errorf("SearchSites(%+v) = sites %v, want %v", q, got, tt.want)
				}
			})
		}
	}},
	{"only dates from From to To are reported", func(t *testing.T, s vaxbook.Store) {
		_, q, _ := mustSearchFixture(t, s)
		q.From = day2
		got := mustSearch(t, s, q)
		for _, site := range got {
			for _, d := range site.Dates {
				if d.Date != day2 {
					t.Errorf("site %d: %s reported for a search of %s only", site.ID, d.Date, day2)
				}
			}
		}
		if r := remaining(got, siteA); r[day2] != 2 {
			t.Errorf("site A on %s: %d remaining for group 2, want 2", day2, r[day2])
		}
	}},
	{"remaining counts the own share in rotation and the pool in the open period", func(t *testing.T, s vaxbook.Store) {
		f, base, _ := mustSearchFixture(t, s)
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, day1))
		// Site A: 25 on day1 (groups 9, 0, 1, 2, 3 get 3, the others 2), 20 on day2 (2 each).
		tests := []struct {
			name   string
			group  int
			pooled bool
			want   map[vaxbook.Date]int
		}{
			{"own share less the booking", 2, false, map[vaxbook.Date]int{day1: 2, day2: 2}},
			{"another group's untouched share", 9, false, map[vaxbook.Date]int{day1: 3, day2: 2}},
			{"a smaller share", 5, false, map[vaxbook.Date]int{day1: 2, day2: 2}},
			{"the pool of every share", 5, true, map[vaxbook.Date]int{day1: 24, day2: 20}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				q := base
				q.Group, q.Pooled, q.Province, q.District = tt.group, tt.pooled, "서울특별시", "강남구"
				got := remaining(mustSearch(t, s, q), siteA)
				if got[day1] != tt.want[day1] || got[day2] != tt.want[day2] {
					t.Errorf("site A remaining for group %d pooled %v = %v, want %v", tt.group, tt.pooled, got, tt.want)
				}
			})
		}
	}},
}
