package storetest

import (
	"reflect"
	"testing"

	"vaxbook"
)

// mustSheet reads the campaign's whole sheet in pages of size.
func mustSheet(tb testing.TB, s vaxbook.Store, campaignID int64, size int) []vaxbook.SiteShares {
	tb.Helper()
	var sheet []vaxbook.SiteShares
	after := int64(0)
	for {
		page, err := s.ShareSheet(tb.Context(), campaignID, after, size)
		if err != nil {
			tb.Fatalf("ShareSheet(%d, %d, %d): %v", campaignID, after, size, err)
		}
		if len(page) == 0 {
			return sheet
		}
		if len(page) > size {
			tb.Fatalf("ShareSheet gave %d sites for a page of %d", len(page), size)
		}
		sheet = append(sheet, page...)
		after = page[len(page)-1].ID
	}
}

var sheetTests = []storeTest{
	{"the feed gives places taken after an ID and among those asked again", func(t *testing.T, s vaxbook.Store) {
		f, _, _ := mustSearchFixture(t, s)
		if last, err := s.LastReservationID(t.Context()); err != nil || last != 0 {
			t.Fatalf("LastReservationID of an empty store = %d, %v; want 0", last, err)
		}
		r1 := mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, day1))
		r2 := mustBook(t, s, f.req(f.mustPerson(t, 2, 5), siteA, day2))
		r3 := mustBook(t, s, f.req(f.mustPerson(t, 3, 2), siteB, day1))
		mustCancel(t, s, r2)
		if last, err := s.LastReservationID(t.Context()); err != nil || last != r3.ID {
			t.Errorf("LastReservationID = %d, %v; want %d", last, err, r3.ID)
		}
		taken := func(r vaxbook.Reservation, holds bool) vaxbook.PlaceTaken {
			return vaxbook.PlaceTaken{ID: r.ID, CampaignID: r.CampaignID, SiteID: r.SiteID, Date: r.Date, Group: r.Group, Holds: holds}
		}
		for _, tt := range []struct {
			name  string
			after int64
			also  []int64
			limit int
			want  []vaxbook.PlaceTaken
		}{
			{"all, a cancelled one no longer holding", 0, nil, 10, []vaxbook.PlaceTaken{taken(r1, true), taken(r2, false), taken(r3, true)}},
			{"after an ID", r2.ID, nil, 10, []vaxbook.PlaceTaken{taken(r3, true)}},
			{"after an ID and one asked again", r2.ID, []int64{r1.ID}, 10, []vaxbook.PlaceTaken{taken(r1, true), taken(r3, true)}},
			{"a limit keeps the lowest IDs", 0, nil, 2, []vaxbook.PlaceTaken{taken(r1, true), taken(r2, false)}},
			{"nothing after the last", r3.ID, []int64{r3.ID + 100}, 10, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.PlacesTaken(t.Context(), tt.after, tt.also, tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
					t.Errorf("PlacesTaken(%d, %v, %d) = %+v, want %+v", tt.after, tt.also, tt.limit, got, tt.want)
				}
			})
		}
	}},
	{"pages cover every site with shares, each with all its shares", func(t *testing.T, s vaxbook.Store) {
		f, _, other := mustSearchFixture(t, s)
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, day1))
		sheet := mustSheet(t, s, f.c.ID, 2)
		var ids []int64
		for _, line := range sheet {
			ids = append(ids, line.ID)
			var want []vaxbook.Share
			for _, d := range []vaxbook.Date{day1, day2} {
				shares, err := s.Shares(t.Context(), f.c.ID, line.ID, d)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, shares...)
			}
			if !reflect.DeepEqual(line.Shares, want) {
				t.Errorf("site %d: sheet shares %v, want %v", line.ID, line.Shares, want)
			}
		}
		if !reflect.DeepEqual(ids, []int64{1, 2, 3, 4, 5, 6, 7}) {
			t.Errorf("sheet sites %v, want 1…7 (8 has no shares, 9 is another campaign's)", ids)
		}
		if got := mustSheet(t, s, other, 100); len(got) != 1 || got[0].ID != 9 {
			t.Errorf("other campaign's sheet = %v, want site 9 alone", got)
		}
		if got := mustSheet(t, s, f.c.ID+other+1, 100); len(got) != 0 {
			t.Errorf("an unknown campaign's sheet has %d sites", len(got))
		}
	}},
	{"the sheet answers every search as the store does", func(t *testing.T, s vaxbook.Store) {
		f, base, _ := mustSearchFixture(t, s)
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, day1))
		mustBook(t, s, f.req(f.mustPerson(t, 2, 5), siteA, day2))
		mustBook(t, s, f.req(f.mustPerson(t, 3, 2), siteB, day1))
		var sheet []vaxbook.SheetLine
		for _, line := range mustSheet(t, s, f.c.ID, 3) {
			sheet = append(sheet, vaxbook.LineOf(line))
		}
		edits := map[string]func(q *vaxbook.SiteQuery){
			"as is":                 func(q *vaxbook.SiteQuery) {},
			"province":              func(q *vaxbook.SiteQuery) { q.Province = "부산광역시" },
			"district":              func(q *vaxbook.SiteQuery) { q.Province, q.District = "서울특별시", "마포구" },
			"name":                  func(q *vaxbook.SiteQuery) { q.Name = "연세" },
			"name with a percent":   func(q *vaxbook.SiteQuery) { q.Name = "100%" },
			"name with underscore":  func(q *vaxbook.SiteQuery) { q.Name = "A_B" },
			"name in another case":  func(q *vaxbook.SiteQuery) { q.Name = "axb clinic" },
			"limit":                 func(q *vaxbook.SiteQuery) { q.Limit = 2 },
			"no limit":              func(q *vaxbook.SiteQuery) { q.Limit = 0 },
			"a limit past the most": func(q *vaxbook.SiteQuery) { q.Limit = 1000 },
			"next page":             func(q *vaxbook.SiteQuery) { q.Limit, q.AfterID = 2, 2 },
			"past the last":         func(q *vaxbook.SiteQuery) { q.AfterID = 7 },
			"one date":              func(q *vaxbook.SiteQuery) { q.From = day2 },
			"up to a date":          func(q *vaxbook.SiteQuery) { q.To = day1 },
			"the campaign's dates":  func(q *vaxbook.SiteQuery) { q.From, q.To = vaxbook.Date{}, vaxbook.Date{} },
			"dates with no shares":  func(q *vaxbook.SiteQuery) { q.From, q.To = day2.AddDays(1), day2.AddDays(3) },
			"another group":         func(q *vaxbook.SiteQuery) { q.Group = 5 },
			"pooled":                func(q *vaxbook.SiteQuery) { q.Pooled = true },
			"pooled, one date":      func(q *vaxbook.SiteQuery) { q.Pooled, q.From = true, day2 },
		}
		for name, edit := range edits {
			t.Run(name, func(t *testing.T) {
				q := base
				edit(&q)
				want := mustSearch(t, s, q)
				got := vaxbook.SearchSheet(sheet, q, f.c.VaccinationFrom, f.c.VaccinationTo)
				if !sameAnswer(got, want) {
					t.Errorf("SearchSheet(%+v)\n = %+v\nSearchSites = %+v", q, got, want)
				}
			})
		}
	}},
}

// sameAnswer compares two search answers, a site without dates being the same whether
// its list is nil or empty.
func sameAnswer(a, b []vaxbook.SiteAvailability) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Site != b[i].Site || len(a[i].Dates) != len(b[i].Dates) ||
			(len(a[i].Dates) > 0 && !reflect.DeepEqual(a[i].Dates, b[i].Dates)) {
			return false
		}
	}
	return true
}
