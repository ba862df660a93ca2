package api_test

import (
	"context"
	"testing"
	"time"

	"vaxbook"
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
