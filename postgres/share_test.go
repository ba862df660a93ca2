package postgres_test

import (
	"testing"

	"vaxbook"
)

// TestSetCapacitiesAppliesAllOrNothing checks the bulk load's two refusals: a quantity
// below what is booked, and a site not stored. Neither may leave a share behind.
func TestSetCapacitiesAppliesAllOrNothing(t *testing.T) {
	s, c := mustSetup(t, 20)
	for _, p := range []string{"p1", "p2"} {
		if r := s.Book(t.Context(), []vaxbook.BookRequest{request(c, p, 9, false)})[0]; r.Err != nil {
			t.Fatalf("Book: %v", r.Err)
		}
	}
	// 10 leaves group 9 one place (it is first in booking order), and two are booked.
	err := s.SetCapacities(t.Context(), c.ID, []vaxbook.Capacity{
		{SiteID: siteB.ID, Date: day, Quantity: 50}, {SiteID: siteA.ID, Date: day, Quantity: 10}})
	wantCode(t, "SetCapacities below booked", err, vaxbook.CodeConflict)

	err = s.SetCapacities(t.Context(), c.ID, []vaxbook.Capacity{
		{SiteID: siteB.ID, Date: day, Quantity: 50}, {SiteID: 99, Date: day, Quantity: 10}})
	wantCode(t, "SetCapacities of an unknown site", err, vaxbook.CodeNotFound)

	if sh, _ := s.Shares(t.Context(), c.ID, siteB.ID, day); len(sh) != 0 {
		t.Errorf("refused SetCapacities left %d shares at site B", len(sh))
	}
	wantHealthy(t, s, c, 2)
}
