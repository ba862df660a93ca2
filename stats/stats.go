// Package stats computes the booking statistics operators watch: the booking rate per
// campaign, rotation group, province and age band against the eligible population
// ("80.6 % of 7.32 million"), bookings per hour, cancellations and no-shows, as JSON
// for the dashboard and as CSV.
package stats

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"vaxbook"
)

// Rate is one line of the report: how many of how many eligible booked.
type Rate struct {
	Dimension string  `json:"dimension"` // "campaign", "group", "province" or "age_band"
	Key       string  `json:"key"`       // "all", "2", "서울특별시", "30-39"
	Eligible  int     `json:"eligible"`
	Booked    int     `json:"booked"`
	NoShow    int     `json:"no_show"`
	Percent   float64 `json:"percent"` // Booked/Eligible×100, one decimal; 0 without eligible
}

// Hour is the number of reservations made in one hour.
type Hour struct {
	Hour     time.Time `json:"hour"`
	Bookings int       `json:"bookings"`
}

// Report is the statistics of one campaign.
type Report struct {
	CampaignID    int64  `json:"campaign_id"`
	Rates         []Rate `json:"rates"`
	Hourly        []Hour `json:"hourly"`
	Cancellations int    `json:"cancellations"`
	NoShows       int    `json:"no_shows"`
}

// Load reads the aggregates of a campaign from the store and computes its report; the
// age bands are ages on the campaign's first vaccination day's year.
func Load(ctx context.Context, s vaxbook.Population, c vaxbook.Campaign) (Report, error) {
	counts, err := s.BookingCounts(ctx, c.ID)
	if err != nil {
		return Report{}, err
	}
	return Compute(c.ID, c.VaccinationFrom.Year, counts), nil
}

// AgeBand returns the ten-year band ("30-39") of a person born in birthYear, by the
// age reached in year, as the Korean rounds were announced.
func AgeBand(birthYear, year int) string {
	lo := (year - birthYear) / 10 * 10
	return fmt.Sprintf("%d-%d", lo, lo+9)
}

// Compute turns the raw counts into a report. Rates come in dimension order (campaign,
// group, province, age band) and by key within one.
func Compute(campaignID int64, year int, c vaxbook.BookingCounts) Report {
	type key struct{ dim, key string }
	acc := map[key]*Rate{}
	add := func(k key, eligible, booked, noShow int) {
		r := acc[k]
		if r == nil {
			r = &Rate{Dimension: k.dim, Key: k.key}
			acc[k] = r
		}
		r.Eligible += eligible
		r.Booked += booked
		r.NoShow += noShow
	}
	keys := func(birthYear, group int, province string) []key {
		return []key{{"campaign", "all"}, {"group", strconv.Itoa(group)},
			{"province", province}, {"age_band", AgeBand(birthYear, year)}}
	}
	// Empty lists, not nil ones: the report's JSON promises arrays.
	rep := Report{CampaignID: campaignID, Rates: []Rate{}, Hourly: []Hour{}}
	for _, e := range c.Eligible {
		for _, k := range keys(e.BirthYear, e.Group, e.Province) {
			add(k, e.Count, 0, 0)
		}
	}
	for _, b := range c.Cells {
		for _, k := range keys(b.BirthYear, b.Group, b.Province) {
			add(k, 0, b.Booked, b.NoShow)
		}
		rep.NoShows += b.NoShow
	}
	order := map[string]int{"campaign": 0, "group": 1, "province": 2, "age_band": 3}
	for _, k := range slices.SortedFunc(maps.Keys(acc), func(a, b key) int {
		return cmp.Or(cmp.Compare(order[a.dim], order[b.dim]), cmp.Compare(a.key, b.key))
	}) {
		r := acc[k]
		if r.Eligible > 0 {
			r.Percent = float64(r.Booked*1000/r.Eligible) / 10 // truncated, as announced: 80.6 %
		}
		rep.Rates = append(rep.Rates, *r)
	}
	for _, h := range c.Hourly {
		rep.Hourly = append(rep.Hourly, Hour(h))
	}
	rep.Cancellations = c.Cancellations
	return rep
}
