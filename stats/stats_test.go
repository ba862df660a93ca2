package stats_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/stats"
)

func TestComputeMatchesTheAnnouncedRate(t *testing.T) {
	// Ages 60–74 in 2021: 7.32 million eligible, 80.6 % booked (SPEC, earlier rounds).
	c := vaxbook.BookingCounts{
		Eligible: []vaxbook.Eligible{{BirthYear: 1955, Group: 1, Province: "서울특별시", Count: 7_320_000}},
		Cells:    []vaxbook.BookingCount{{BirthYear: 1955, Group: 1, Province: "서울특별시", Booked: 5_900_000, NoShow: 3}},
	}
	r := stats.Compute(1, 2021, c)
	if r.Rates[0].Percent != 80.6 || r.NoShows != 3 {
		t.Errorf("campaign rate %.1f %%, no-shows %d; want 80.6 %% and 3", r.Rates[0].Percent, r.NoShows)
	}
	if got := stats.AgeBand(1955, 2021); got != "60-69" {
		t.Errorf("AgeBand(1955, 2021) = %s, want 60-69", got)
	}
}

func TestBookingsWithoutEligibleCountHaveNoRate(t *testing.T) {
	r := stats.Compute(1, 2021, vaxbook.BookingCounts{
		Cells: []vaxbook.BookingCount{{BirthYear: 1985, Group: 2, Province: "제주특별자치도", Booked: 2}},
	})
	for _, x := range r.Rates {
		if x.Percent != 0 || x.Booked != 2 {
			t.Errorf("rate %+v, want 2 booked at 0 %%", x)
		}
	}
}

func TestReportAsJSONAndCSV(t *testing.T) {
	hour := vaxbook.MustDate("2021-08-12").At(20, 0)
	r := stats.Compute(7, 2021, vaxbook.BookingCounts{
		Eligible:      []vaxbook.Eligible{{BirthYear: 1985, Group: 2, Province: "서울특별시", Count: 3}},
		Cells:         []vaxbook.BookingCount{{BirthYear: 1985, Group: 2, Province: "서울특별시", Booked: 2}},
		Hourly:        []vaxbook.HourCount{{Hour: hour, Bookings: 2}},
		Cancellations: 1,
	})
	var b strings.Builder
	if err := stats.WriteCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	want := `section,dimension,key,eligible,booked,no_show,percent
rate,campaign,all,3,2,0,66.6
rate,group,2,3,2,0,66.6
rate,province,서울특별시,3,2,0,66.6
rate,age_band,30-39,3,2,0,66.6
hourly,hour,` + hour.Format(time.RFC3339) + `,,2,,
total,cancellations,all,,1,,
total,no_shows,all,,0,,
`
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant\n%s", b.String(), want)
	}
	js, err := json.Marshal(r)
	if err != nil || !strings.Contains(string(js), `"percent":66.6`) {
		t.Errorf("JSON %s, %v", js, err)
	}
}
