package api_test

import (
	"strconv"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/inmem"
)

// wantLimited fails the test unless the answer is 429 rate_limited with a Retry-After
// of at least a second.
func wantLimited(t *testing.T, what string, c *client, st int, body map[string]any) {
	t.Helper()
	secs, err := strconv.Atoi(c.header.Get("Retry-After"))
	if st != 429 || code(body) != "rate_limited" || err != nil || secs < 1 {
		t.Fatalf("%s: %d %v (Retry-After %q), want 429 rate_limited with Retry-After", what, st, body, c.header.Get("Retry-After"))
	}
}

// TestExpensiveRoutesAreLimitedPerPersonByDefault: with no limits configured, the
// site search and the booking routes still bound one person's requests (60 searches
// and 20 booking requests a minute), and one person's limit does not touch another
// person at the same address.
func TestExpensiveRoutesAreLimitedPerPersonByDefault(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		base := "/api/v1/campaigns/" + itoa(h.campaignID)
		alice, bob := h.client(), h.client()
		alice.verify(h.resident(2, 0))
		bob.verify(h.resident(2, 1000))
		search := base + "/sites?limit=1&from=2021-09-01"
		for i := range api.DefaultSearchesPerPerson {
			if st, body := alice.do("GET", search, nil); st != 200 {
				t.Fatalf("search %d: %d %v", i+1, st, body)
			}
		}
		st, body := alice.do("GET", search, nil)
		wantLimited(t, "search past the person's limit", alice, st, body)
		if st, body := bob.do("GET", search, nil); st != 200 {
			t.Fatalf("another person's search at the same address: %d %v", st, body)
		}

		// Every booking request counts, refused or not: cancelling nothing is 404.
		for i := range api.DefaultBookingsPerPerson {
			if st, body := alice.do("DELETE", base+"/reservation", nil); st != 404 {
				t.Fatalf("cancel %d with no reservation: %d %v", i+1, st, body)
			}
		}
		place := map[string]any{"site_id": 1, "date": "2021-09-20"}
		for _, rq := range []struct{ method, what string }{
			{"DELETE", "cancel"}, {"POST", "book"}, {"PUT", "change"},
		} {
			st, body := alice.do(rq.method, base+"/reservation", place)
			wantLimited(t, rq.what+" past the person's booking limit", alice, st, body)
		}
		if a, err := s.Audit(t.Context(), h.campaignID); err != nil || a.ActiveReservations != 0 {
			t.Errorf("a refused request booked: %+v %v", a, err)
		}
		site, date := bob.firstSite()
		if st, body := bob.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date}); st != 201 {
			t.Errorf("another person books at the same address: %d %v", st, body)
		}
	})
}

// TestRouteLimitsCountPerAddressAndEndWithTheWindow: the address limit refuses requests
// without a verified session from that address until the window has moved on, while
// a verified resident at the same address goes on under their own limit: a script
// behind a carrier's NAT cannot lock its neighbours out.
func TestRouteLimitsCountPerAddressAndEndWithTheWindow(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarnessWith(t, s, func(c *api.Config, _ vaxbook.Clock) {
			c.Limits = api.RouteLimits{
				SearchPerAddr:    inmem.NewLimiter(3, time.Minute),
				BookingPerAddr:   inmem.NewLimiter(3, time.Minute),
				BookingPerPerson: inmem.NewLimiter(2, time.Minute),
			}
		})
		base := "/api/v1/campaigns/" + itoa(h.campaignID)
		anon, alice := h.client(), h.client()
		alice.verify(h.resident(2, 0))
		search := base + "/sites?limit=1"
		for i := range 3 {
			if st, body := anon.do("GET", search, nil); st != 200 {
				t.Fatalf("anonymous search %d: %d %v", i+1, st, body)
			}
		}
		st, body := anon.do("GET", search, nil)
		wantLimited(t, "an anonymous search from an address past its limit", anon, st, body)
		for i := range 3 {
			anon.do("POST", base+"/reservation", map[string]any{"site_id": 1, "date": "2021-09-20"})
			if i == 2 {
				st, body := anon.do("POST", base+"/reservation", map[string]any{"site_id": 1, "date": "2021-09-20"})
				wantLimited(t, "anonymous booking requests past the address's limit", anon, st, body)
			}
		}
		if st, body := alice.do("GET", search, nil); st != 200 {
			t.Fatalf("a verified search at an address whose anonymous budget is spent: %d %v", st, body)
		}
		site, date := alice.firstSite()
		if st, body := alice.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date}); st != 201 {
			t.Fatalf("book at an address whose anonymous budget is spent: %d %v", st, body)
		}
		if st, body := alice.do("DELETE", base+"/reservation", nil); st != 200 {
			t.Fatalf("cancel: %d %v", st, body)
		}
		st, body = alice.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date})
		wantLimited(t, "third booking request in a minute", alice, st, body)
		if got := alice.header.Get("Retry-After"); got != "60" {
			t.Errorf("Retry-After %q, want 60 (the first request leaves the window then)", got)
		}
		h.clock.Advance(time.Minute)
		if st, body := alice.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date}); st != 201 {
			t.Errorf("book once the window moved on: %d %v", st, body)
		}
		if st, body := anon.do("GET", search, nil); st != 200 {
			t.Errorf("anonymous search once the window moved on: %d %v", st, body)
		}
	})
}
