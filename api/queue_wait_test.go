package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/queue"
)

// A status request that offers to wait is answered when the turn comes, not at the
// next poll; a wait the API does not take is refused with invalid_input.
func TestStatusThatWaitsIsAnsweredWhenTheTurnComes(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		var room *queue.Room
		h := newHarnessWith(t, s, withRoom(t, &room))
		c := h.client()
		c.do("POST", "/api/v1/queue/join", nil)
		h.clock.Advance(time.Second)
		if st, body := c.do("POST", "/api/v1/queue/join", nil); st != 200 || body["admitted"] != false {
			t.Fatalf("confirming join: %d %v, want a place", st, body)
		}
		for _, bad := range []string{"x", "-1", "61", "1.5", "20s"} {
			if st, body := c.do("GET", "/api/v1/queue/status?wait="+bad, nil); st != 400 || code(body) != "invalid_input" {
				t.Errorf("wait=%s: %d %v, want 400 invalid_input", bad, st, body)
			}
		}
		answer := make(chan map[string]any, 1)
		go func() {
			_, body := c.do("GET", "/api/v1/queue/status?wait=20", nil)
			answer <- body
		}()
		waitFor(t, func() bool { st, _ := room.Snapshot(context.Background()); return st.Awaiting == 1 })
		h.clock.Advance(time.Second)
		if _, err := room.Advance(context.Background(), h.clock.Now()); err != nil {
			t.Fatal(err)
		}
		select {
		case body := <-answer:
			if body["admitted"] != true {
				t.Fatalf("held status after admission: %v, want admitted", body)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the held status was not answered when the line reached it")
		}
		if st, _ := room.Snapshot(context.Background()); st.Awaiting != 0 {
			t.Errorf("%d answers still held after the answer", st.Awaiting)
		}
	})
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 10 s")
}

// The server's read timeout (15 s in app) is shorter than a hold (20 s). Were its
// deadline still set during the handler, net/http would cancel the request's context
// when it fired, ending the hold early and cancelling the connection's next requests;
// net/http clears it once a request without a body is read, and this holds us to it.
func TestHeldStatusOutlivesTheReadTimeout(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		var room *queue.Room
		h := newHarnessWith(t, s, withRoom(t, &room))
		srv := httptest.NewUnstartedServer(api.New(h.cfg).Handler())
		srv.Config.ReadTimeout = 300 * time.Millisecond
		srv.Start()
		defer srv.Close()
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		do := func(method, path string) int {
			req, _ := http.NewRequest(method, srv.URL+path, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		do("POST", "/api/v1/queue/join")
		h.clock.Advance(time.Second)
		if st := do("POST", "/api/v1/queue/join"); st != 200 {
			t.Fatalf("confirming join: %d", st)
		}
		start := time.Now()
		if st := do("GET", "/api/v1/queue/status?wait=1"); st != 200 {
			t.Fatalf("held status: %d", st)
		}
		if took := time.Since(start); took < 900*time.Millisecond {
			t.Errorf("held status answered after %v, want the whole second asked for (read timeout 300 ms)", took)
		}
		if st := do("POST", "/api/v1/queue/claim"); st != 409 {
			t.Errorf("claim on the same connection before the turn: %d, want 409", st)
		}
	})
}
