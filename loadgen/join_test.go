package loadgen

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// A join whose connection is reset before any answer (a burst overflowing the server's
// accept queue) is tried again, as a resident reloads the page, and counted.
func TestAJoinWhoseConnectionFailsIsTriedAgain(t *testing.T) {
	var joins atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/queue/join", func(w http.ResponseWriter, r *http.Request) {
		if joins.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			conn.Close() // no answer at all
			return
		}
		w.Write([]byte(`{"admitted":true}`))
	})
	mux.HandleFunc("POST /api/v1/queue/claim", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"methods":[{"method":"phone","light":"green"}]}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tr := &http.Transport{DisableKeepAlives: true}
	a := &actor{g: &gen{statusPath: "/api/v1/queue/status"}, c: newClient(srv.URL, tr, 5*time.Second), rec: newRecorder(), rng: rand.New(rand.NewPCG(1, 1))}
	lights, err := a.enterQueue(t.Context(), time.Now())
	if err != nil {
		t.Fatalf("enterQueue: %v", err)
	}
	if len(lights) != 1 || joins.Load() != 2 || a.rec.counts.joinRetries != 1 {
		t.Fatalf("lights %v after %d joins and %d retries; want one light after 2 joins, 1 retry", lights, joins.Load(), a.rec.counts.joinRetries)
	}
}
