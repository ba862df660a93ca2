package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"vaxbook"
	"vaxbook/queue"
)

// TestAWrongMethodOnAKnownRouteIs405WithAllow: the route exists, so the answer is 405
// naming the methods it takes, not 404 "no such page".
func TestAWrongMethodOnAKnownRouteIs405WithAllow(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		for _, tc := range []struct{ method, path, allow string }{
			{"PATCH", "/api/v1/campaigns", "GET, HEAD"},
			{"POST", "/api/v1/campaigns/1/eligibility", "GET, HEAD"},
			{"PATCH", "/api/v1/campaigns/1/reservation", "GET, HEAD, POST, PUT, DELETE"},
		} {
			req, _ := http.NewRequest(tc.method, h.srv.URL+tc.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var p struct{ Code string }
			json.NewDecoder(resp.Body).Decode(&p)
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != tc.allow || p.Code != "method_not_allowed" {
				t.Errorf("%s %s: %d Allow %q code %q, want 405 Allow %q method_not_allowed", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), p.Code, tc.allow)
			}
		}
		req, _ := http.NewRequest("GET", h.srv.URL+"/api/v1/no-such-route", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("an unknown route: %d, want 404", resp.StatusCode)
		}
	})
}

// TestOperatorChangesAnswerTheNewState: pause, resume and rate answer the queue as it
// is after the change, as the API document promises, not the last tick's snapshot.
func TestOperatorChangesAnswerTheNewState(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		var room *queue.Room
		h := newHarnessWith(t, s, withRoom(t, &room))
		if _, err := room.Advance(context.Background(), h.clock.Now()); err != nil {
			t.Fatal(err) // the tick caches a snapshot: the answers must not come from it
		}
		for _, tc := range []struct {
			method, path, body string
			key                string
			want               any
		}{
			{"POST", "/api/v1/admin/queue/pause", "", "paused", true},
			{"POST", "/api/v1/admin/queue/resume", "", "paused", false},
			{"PUT", "/api/v1/admin/queue/rate", `{"rate": 42, "auto": false}`, "rate", float64(42)},
			{"PUT", "/api/v1/admin/queue/rate", `{"auto": true}`, "auto", true},
		} {
			st, body := adminDo(t, h, tc.method, tc.path, "application/json", tc.body)
			if st != 200 || body[tc.key] != tc.want {
				t.Errorf("%s %s %s: %d %v, want %s = %v", tc.method, tc.path, strings.TrimSpace(tc.body), st, body, tc.key, tc.want)
			}
		}
	})
}
