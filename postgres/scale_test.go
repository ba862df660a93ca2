package postgres_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/postgres/pgtest"
)

// TestSetCapacitiesNationalScale loads the demo's capacity (14,000 sites × 33 dates ≈
// 460,000 quantities, 4.6 million shares) three times: into empty shares, unchanged over
// them, and changed over them. It takes about a minute, so it runs only with
// VAXBOOK_TEST_SCALE=1.
func TestSetCapacitiesNationalScale(t *testing.T) {
	if os.Getenv("VAXBOOK_TEST_SCALE") != "1" {
		t.Skip("set VAXBOOK_TEST_SCALE=1 to load 460,000 capacities")
	}
	s := pgtest.OpenStore(t)
	c := vaxbook.Campaign{Name: "scale", CohortFrom: vaxbook.MustDate("1972-01-01"),
		CohortTo: vaxbook.MustDate("2003-12-31"), VaccinationFrom: vaxbook.MustDate("2021-08-26"),
		VaccinationTo: vaxbook.MustDate("2021-10-02"), SecondDoseDays: 42, Weights: vaxbook.EqualWeights()}
	if err := s.CreateCampaign(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
	const sites, dates = 14_000, 33
	ss := make([]vaxbook.Site, sites)
	for i := range ss {
		ss[i] = vaxbook.Site{ID: int64(i + 1), Name: fmt.Sprintf("site %d", i+1), Province: "서울특별시", District: "종로구", Kind: "clinic"}
	}
	if err := s.PutSites(t.Context(), ss); err != nil {
		t.Fatal(err)
	}
	caps := make([]vaxbook.Capacity, 0, sites*dates)
	for _, st := range ss {
		for d := range dates {
			caps = append(caps, vaxbook.Capacity{SiteID: st.ID, Date: c.VaccinationFrom.AddDays(d), Quantity: 100 + d})
		}
	}
	for _, pass := range []struct {
		name  string
		delta int
	}{{"into empty shares", 0}, {"unchanged", 0}, {"all changed", 1}} {
		for i := range caps {
			caps[i].Quantity += pass.delta
		}
		start := time.Now()
		if err := s.SetCapacities(t.Context(), c.ID, caps); err != nil {
			t.Fatalf("%s: %v", pass.name, err)
		}
		t.Logf("SetCapacities of %d capacities, %s: %v", len(caps), pass.name, time.Since(start))
	}
}
