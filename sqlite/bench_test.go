package sqlite

import (
	"testing"
	"time"

	"vaxbook"
)

// BenchmarkSetCapacities loads the demo's size: 12,100 sites × 38 vaccination dates ≈
// 460,000 capacities, 4.6 million share rows, in one call; then sets them all again,
// which takes the update path of the upsert.
func BenchmarkSetCapacities(b *testing.B) {
	const sites = 12100
	s := mustOpen(b)
	c := mustCampaign(b, s, 0)
	all := make([]vaxbook.Site, sites)
	for i := range all {
		all[i] = vaxbook.Site{ID: int64(i + 1), Name: "site"}
	}
	if err := s.PutSites(b.Context(), all); err != nil {
		b.Fatal(err)
	}
	var caps []vaxbook.Capacity
	for d := c.VaccinationFrom; !d.After(c.VaccinationTo); d = d.AddDays(1) {
		for i := range sites {
			caps = append(caps, vaxbook.Capacity{SiteID: int64(i + 1), Date: d, Quantity: 20 + i%50})
		}
	}
	b.Logf("%d capacities", len(caps))
	start := time.Now()
	if err := s.SetCapacities(b.Context(), c.ID, caps); err != nil {
		b.Fatal(err)
	}
	b.Logf("first load: %v", time.Since(start))
	for i := range caps {
		caps[i].Quantity++ // every share changes, so every row is updated
	}
	for b.Loop() {
		if err := s.SetCapacities(b.Context(), c.ID, caps); err != nil {
			b.Fatal(err)
		}
	}
}
