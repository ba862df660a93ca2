package api_test

import (
	"testing"

	"vaxbook"
)

// TestAResidentCannotReachAnothersReservation: the reservation routes act on the
// session's own person only, so a second resident sees, changes and cancels nothing of
// the first's.
func TestAResidentCannotReachAnothersReservation(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		base := "/api/v1/campaigns/" + itoa(h.campaignID)
		alice, bob := h.client(), h.client()
		alice.verify(h.resident(2, 0))
		bob.verify(h.resident(2, 1000))
		site, date := alice.firstSite()
		st, mine := alice.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date})
		if st != 201 {
			t.Fatalf("alice books: %d %v", st, mine)
		}
		if st, body := bob.do("GET", base+"/reservation", nil); st != 404 || code(body) != "no_reservation" {
			t.Errorf("bob reads: %d %v, want his own (none)", st, body)
		}
		if st, _ := bob.do("DELETE", base+"/reservation", nil); st != 404 {
			t.Errorf("bob cancels: %d, want 404", st)
		}
		if st, _ := bob.do("PUT", base+"/reservation", map[string]any{"site_id": site, "date": "2021-09-20"}); st != 404 {
			t.Errorf("bob changes: %d, want 404", st)
		}
		if st, got := alice.do("GET", base+"/reservation", nil); st != 200 || got["id"] != mine["id"] || got["status"] != "booked" {
			t.Errorf("alice's reservation after bob's attempts: %d %v", st, got)
		}
	})
}
