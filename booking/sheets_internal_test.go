package booking

import (
	"testing"
	"time"

	"vaxbook"
)

// A skipped ID is asked for again until it appears or HoleTTL passes, and a place
// that appears late comes off the copy like any other; a place no longer held, or of
// a campaign without a copy, changes nothing, and a share never shows less than none.
func TestFeedHolesAndPlaces(t *testing.T) {
	d := vaxbook.MustDate("2021-08-26")
	s := NewSheets(nil, SheetsConfig{}, nil)
	s.started, s.after = true, 10
	s.loaded[1] = &sheet{
		lines: []vaxbook.SheetLine{vaxbook.LineOf(vaxbook.SiteShares{Site: vaxbook.Site{ID: 7}, Shares: []vaxbook.Share{
			{SiteID: 7, Date: d, Group: 1, Capacity: 5, Booked: 0},
			{SiteID: 7, Date: d, Group: 2, Capacity: 5, Booked: 4},
			{SiteID: 7, Date: d.AddDays(1), Group: 2, Capacity: 5, Booked: 0},
		}})},
		index: map[int64]int{7: 0},
	}
	booked := func() []int { // group 1 and 2 on d, group 2 the day after
		days := s.loaded[1].lines[0].Days
		return []int{int(days[0].Booked[1]), int(days[0].Booked[2]), int(days[1].Booked[2])}
	}
	t0 := time.Now()
	place := func(id int64, group int, holds bool) vaxbook.PlaceTaken {
		return vaxbook.PlaceTaken{ID: id, CampaignID: 1, SiteID: 7, Date: d, Group: group, Holds: holds}
	}
	s.take([]vaxbook.PlaceTaken{place(12, 1, true), place(15, 2, false)}, t0)
	if s.after != 15 || len(s.holes) != 3 || !s.holes[11].Equal(t0) || !s.holes[13].Equal(t0) || !s.holes[14].Equal(t0) {
		t.Fatalf("after 12 and 15: after %d, holes %v; want 15 and 11, 13, 14", s.after, s.holes)
	}
	if got := booked(); got[0] != 1 || got[1] != 4 || got[2] != 0 {
		t.Errorf("booked %v, want [1 4 0]: 12 held a place of group 1, 15 none", got)
	}
	s.take([]vaxbook.PlaceTaken{place(13, 2, true), place(14, 2, true)}, t0.Add(time.Second))
	if _, ok := s.holes[13]; ok || len(s.holes) != 1 {
		t.Errorf("holes %v after 13 and 14 appeared, want only 11", s.holes)
	}
	if got := booked(); got[1] != 5 {
		t.Errorf("group 2 booked %d, want 5: the late 13 counts, 14 finds the share full", got[1])
	}
	s.take([]vaxbook.PlaceTaken{{ID: 16, CampaignID: 2, SiteID: 7, Date: d, Group: 1, Holds: true}}, t0)
	if got := booked(); got[0] != 1 {
		t.Errorf("a place of a campaign without a copy changed this one: %v", got)
	}
	if got := s.asked(t0.Add(time.Second)); len(got) != 1 || got[0] != 11 {
		t.Errorf("asked again %v, want [11]", got)
	}
	if got := s.asked(t0.Add(s.cfg.HoleTTL)); len(got) != 0 || len(s.holes) != 0 {
		t.Errorf("asked again %v, holes %v after HoleTTL; want none", got, s.holes)
	}
}
