package vaxbook

import "testing"

// Take counts a booking only in a share the line has and that has room; LineOf keeps a
// group's share of none apart from a group without a share.
func TestSheetLineTake(t *testing.T) {
	d := MustDate("2021-09-06")
	line := LineOf(SiteShares{Site: Site{ID: 1}, Shares: []Share{
		{SiteID: 1, Date: d, Group: 2, Capacity: 2, Booked: 1},
		{SiteID: 1, Date: d, Group: 3, Capacity: 0, Booked: 0},
		{SiteID: 1, Date: d.AddDays(2), Group: 2, Capacity: 1, Booked: 0},
	}})
	if len(line.Days) != 2 || line.Days[0].Has != 1<<2|1<<3 || line.Days[1].Has != 1<<2 {
		t.Fatalf("LineOf = %+v", line.Days)
	}
	for _, tt := range []struct {
		name  string
		date  Date
		group int
		want  bool
	}{
		{"a share with room", d, 2, true},
		{"the same share, now full", d, 2, false},
		{"a share of none", d, 3, false},
		{"a group without a share", d, 4, false},
		{"a date without shares", d.AddDays(1), 2, false},
		{"a later date", d.AddDays(2), 2, true},
		{"a group out of range", d.AddDays(2), Groups, false},
	} {
		if got := line.Take(tt.date, tt.group); got != tt.want {
			t.Errorf("%s: Take = %v, want %v", tt.name, got, tt.want)
		}
	}
	if line.Days[0].Booked[2] != 2 || line.Days[1].Booked[2] != 1 {
		t.Errorf("booked %v / %v after the takes", line.Days[0].Booked, line.Days[1].Booked)
	}
}
