package storetest

import (
	"testing"

	"vaxbook"
)

var campaignTests = []storeTest{
	{"campaign reads back as created", func(t *testing.T, s vaxbook.Store) {
		want := mustCampaign(t, s, campaign2021())
		got, err := s.Campaign(t.Context(), want.ID)
		if err != nil {
			t.Fatalf("Campaign(%d): %v", want.ID, err)
		}
		wantCampaign(t, got, want)
		if got.BookingOrder() != [vaxbook.Groups]int{9, 0, 1, 2, 3, 4, 5, 6, 7, 8} {
			t.Errorf("booking order after read back = %v, want 9, 0, 1, …, 8", got.BookingOrder())
		}
	}},
	{"campaign keeps custom weights", func(t *testing.T, s vaxbook.Store) {
		c := campaign2021()
		c.Weights = [vaxbook.Groups]int{3, 1, 4, 1, 5, 9, 2, 6, 5, 0}
		want := mustCampaign(t, s, c)
		got, err := s.Campaign(t.Context(), want.ID)
		if err != nil {
			t.Fatalf("Campaign(%d): %v", want.ID, err)
		}
		wantCampaign(t, got, want)
	}},
	{"campaigns are listed by id", func(t *testing.T, s vaxbook.Store) {
		first := mustCampaign(t, s, campaign2021())
		c := campaign2021()
		c.Name = "2021 만 50~59세"
		c.CohortFrom, c.CohortTo = vaxbook.MustDate("1962-01-01"), vaxbook.MustDate("1971-12-31")
		c.Windows = c.Windows[len(c.Windows)-1:]
		second := mustCampaign(t, s, c)
		if first.ID == second.ID {
			t.Fatalf("two campaigns got the same ID %d", first.ID)
		}
		got, err := s.Campaigns(t.Context())
		if err != nil {
			t.Fatalf("Campaigns: %v", err)
		}
		if len(got) != 2 {
			t.Fatalf("Campaigns returned %d campaigns, want 2", len(got))
		}
		want := []vaxbook.Campaign{first, second}
		if first.ID > second.ID {
			want[0], want[1] = second, first
		}
		for i := range want {
			wantCampaign(t, got[i], want[i])
		}
	}},
	{"missing campaign is not_found", func(t *testing.T, s vaxbook.Store) {
		c := mustCampaign(t, s, campaign2021())
		_, err := s.Campaign(t.Context(), c.ID+1000)
		wantCode(t, "Campaign(missing)", err, vaxbook.CodeNotFound)
	}},
	{"no campaigns is an empty list", func(t *testing.T, s vaxbook.Store) {
		got, err := s.Campaigns(t.Context())
		if err != nil || len(got) != 0 {
			t.Fatalf("Campaigns on an empty store = %v, %v; want none, nil", got, err)
		}
	}},
}

// wantCampaign fails the test unless got equals want, windows in the order they were
// created and instants compared with Equal.
func wantCampaign(tb testing.TB, got, want vaxbook.Campaign) {
	tb.Helper()
	gotW, wantW := got.Windows, want.Windows
	got.Windows, want.Windows = nil, nil
	if got.ID != want.ID || got.Name != want.Name ||
		got.CohortFrom != want.CohortFrom || got.CohortTo != want.CohortTo ||
		got.VaccinationFrom != want.VaccinationFrom || got.VaccinationTo != want.VaccinationTo ||
		got.SecondDoseDays != want.SecondDoseDays || got.Weights != want.Weights {
		tb.Errorf("campaign:\n got  %+v\n want %+v", got, want)
	}
	if len(gotW) != len(wantW) {
		tb.Fatalf("campaign %d: %d windows, want %d", want.ID, len(gotW), len(wantW))
	}
	for i, w := range wantW {
		g := gotW[i]
		if g.Group != w.Group || !g.Opens.Equal(w.Opens) || !g.Closes.Equal(w.Closes) {
			tb.Errorf("campaign %d window %d = {%d %v %v}, want {%d %v %v}",
				want.ID, i, g.Group, g.Opens, g.Closes, w.Group, w.Opens, w.Closes)
		}
	}
}
