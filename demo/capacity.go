package demo

import (
	"math"
	"strings"
	"time"

	"vaxbook"
)

// Capacities returns the daily first-dose quantity of every site for each day it
// vaccinates in the campaign's vaccination range, ordered by site, then date.
//
// Centres vaccinate every day, 300–800 a day (most near 300–400). Clinics vaccinate
// Monday to Saturday, a morning only on Saturday (half the quantity): 10–30 a day for
// a clinic, which vaccinates besides its usual patients, and 50–100 for a small
// hospital (Name ending in "병원"). Each day varies ±20 % around the site's own level.
// With the default sites this gives about 13.6 million first-dose places over the 38
// days, the order of the 2021 round, where 16.21 million people were eligible and not
// all of them booked.
//
// A site's quantities depend only on the seed and the site's ID, name and kind.
func Capacities(sites []vaxbook.Site, c vaxbook.Campaign, seed int64) []vaxbook.Capacity {
	days := c.VaccinationFrom.DaysUntil(c.VaccinationTo) + 1
	if days <= 0 {
		return nil
	}
	caps := make([]vaxbook.Capacity, 0, len(sites)*days)
	for _, site := range sites {
		s := newStream(seed, kindCapacity, uint64(site.ID))
		centre := site.Kind == KindCentre
		var level float64
		switch {
		case centre:
			level = 300 + 500*math.Pow(s.float(), 4)
		case strings.HasSuffix(site.Name, "병원"):
			level = 50 + 50*s.float()
		default:
			level = 10 + 20*s.float()
		}
		for d := c.VaccinationFrom; !d.After(c.VaccinationTo); d = d.AddDays(1) {
			jitter := 0.8 + 0.4*s.float() // drawn every day, so a day's value is stable
			wd := d.At(12, 0).Weekday()
			if !centre && wd == time.Sunday {
				continue
			}
			q := level * jitter
			if !centre && wd == time.Saturday {
				q /= 2
			}
			caps = append(caps, vaxbook.Capacity{SiteID: site.ID, Date: d, Quantity: max(1, int(math.Round(q)))})
		}
	}
	return caps
}

// Places returns the sum of the quantities of caps.
func Places(caps []vaxbook.Capacity) int {
	total := 0
	for _, c := range caps {
		total += c.Quantity
	}
	return total
}
