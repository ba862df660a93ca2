package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/queue"
)

const operatorToken = "operator-token-for-tests-0123456789abcdef"

// withRoom puts a waiting room with in-process counters in front of the API and
// returns it through room.
func withRoom(t *testing.T, room **queue.Room) func(*api.Config, vaxbook.Clock) {
	return func(cfg *api.Config, clock vaxbook.Clock) {
		signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: []byte(strings.Repeat("k", 32))})
		if err != nil {
			t.Fatal(err)
		}
		qc := queue.DefaultConfig()
		qc.Signer, qc.Counters, qc.Clock, qc.Auto, qc.Rate = signer, queue.NewMemCounters(), clock, false, 100
		r, err := queue.New(qc)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Room, cfg.OperatorToken, *room = r, operatorToken, r
	}
}

func TestVerificationAndBookingNeedTheWaitingRoomsPass(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		var room *queue.Room
		h := newHarnessWith(t, s, withRoom(t, &room))
		c := h.client()
		r := h.resident(2, 0)
		if st, body := c.startPhone(r); st != 401 || code(body) != "pass_required" {
			t.Fatalf("verification without a pass: %d %v, want 401 pass_required", st, body)
		}
		// The first join only notes the device; a cookie-less client never gets further.
		if st, body := c.do("POST", "/api/v1/queue/join", nil); st != 202 || body["joined"] != false {
			t.Fatalf("first join: %d %v, want 202 without a place", st, body)
		}
		if st, body := h.client().do("POST", "/api/v1/queue/join", nil); st != 202 {
			t.Fatalf("a cookie-less client: %d %v, want 202", st, body)
		}
		h.clock.Advance(time.Second)
		st, body := c.do("POST", "/api/v1/queue/join", nil)
		if st != 200 || body["position"] != float64(1) || body["admitted"] != false {
			t.Fatalf("confirming join: %d %v, want position 1", st, body)
		}
		if st, again := c.do("POST", "/api/v1/queue/join", nil); st != 200 || again["position"] != float64(1) || again["kept"] != true {
			t.Errorf("joining again from the same device: %d %v, want the same place", st, again)
		}
		if st, body := c.do("POST", "/api/v1/queue/claim", nil); st == 200 {
			t.Errorf("claim before admission: %d %v", st, body)
		}
		h.clock.Advance(time.Second)
		if _, err := room.Advance(context.Background(), h.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if st, body := c.do("GET", "/api/v1/queue/status", nil); st != 200 || body["admitted"] != true {
			t.Fatalf("status after admission: %d %v", st, body)
		}
		if st, body := c.do("POST", "/api/v1/queue/claim", nil); st != 200 {
			t.Fatalf("claim: %d %v", st, body)
		}
		c.verify(r)
		site, date := c.firstSite()
		active := func() int {
			t.Helper()
			st, err := room.Advance(context.Background(), h.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			return st.Active
		}
		if st, body := c.do("POST", "/api/v1/campaigns/"+itoa(h.campaignID)+"/reservation", map[string]any{"site_id": site, "date": "1999-01-01"}); st < 400 || st >= 500 {
			t.Fatalf("booking a date outside the campaign: %d %v, want a refusal", st, body)
		}
		if n := active(); n != 1 {
			t.Errorf("after a refused booking: %d active, want 1: they still hold their place in the window", n)
		}
		if st, body := c.do("POST", "/api/v1/campaigns/"+itoa(h.campaignID)+"/reservation", map[string]any{"site_id": site, "date": date}); st != 201 {
			t.Errorf("booking with a pass: %d %v", st, body)
		}
		if n := active(); n != 0 {
			t.Errorf("after booking: %d active, want 0: their place in the window goes to the next in line", n)
		}
		if st, body := c.do("DELETE", "/api/v1/campaigns/"+itoa(h.campaignID)+"/reservation", nil); st >= 300 {
			t.Fatalf("cancelling: %d %v", st, body)
		}
		if n := active(); n != 0 {
			t.Errorf("after cancelling: %d active, want 0: the pass check counted them again, the answer takes them out", n)
		}
		// Another device cannot use this device's pass: a copied pass cookie is refused.
		thief := h.client()
		req, _ := http.NewRequest("POST", h.srv.URL+"/api/v1/identity/phone/start", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		for _, ck := range c.http.Jar.Cookies(req.URL) {
			if ck.Name == "vb_pass" {
				req.AddCookie(ck)
			}
		}
		resp, err := thief.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 && resp.StatusCode != 403 {
			t.Errorf("a copied pass on another device: %d, want 401 or 403", resp.StatusCode)
		}
	})
}

func TestOperatorRoutesNeedTheOperatorToken(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		var room *queue.Room
		h := newHarnessWith(t, s, withRoom(t, &room))
		for _, tc := range []struct{ name, auth string }{
			{"no credentials", ""},
			{"wrong token", "Bearer " + strings.Repeat("x", len(operatorToken))},
			{"token without scheme", operatorToken},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req, _ := http.NewRequest("POST", h.srv.URL+"/api/v1/admin/queue/pause", nil)
				if tc.auth != "" {
					req.Header.Set("Authorization", tc.auth)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 401 {
					t.Errorf("status %d, want 401", resp.StatusCode)
				}
				if st, _ := room.Snapshot(context.Background()); st.Paused {
					t.Error("refused request paused the queue")
				}
			})
		}
		req, _ := http.NewRequest("POST", h.srv.URL+"/api/v1/admin/queue/pause", nil)
		req.Header.Set("Authorization", "Bearer "+operatorToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("pause with the token: %v %v", resp.StatusCode, err)
		}
		resp.Body.Close()
		if _, err := room.Advance(context.Background(), h.clock.Now()); err != nil {
			t.Fatal(err)
		}
		c := h.client()
		c.do("POST", "/api/v1/queue/join", nil)
		h.clock.Advance(time.Second)
		if st, body := c.do("POST", "/api/v1/queue/join", nil); st != 200 || body["paused"] != true {
			t.Errorf("waiting while paused: %d %v, want paused", st, body)
		}
	})
}
