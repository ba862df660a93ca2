package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vaxbook/queue"
)

// TestEveryOperatorRouteRefusesEveryoneElse walks the routing table: a route under
// /api/v1/admin added without the operator check fails this test.
func TestEveryOperatorRouteRefusesEveryoneElse(t *testing.T) {
	signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	qc := queue.DefaultConfig()
	qc.Signer, qc.Counters = signer, queue.NewMemCounters()
	room, err := queue.New(qc)
	if err != nil {
		t.Fatal(err)
	}
	token := strings.Repeat("k", 40)
	s := New(Config{Room: room, OperatorToken: token})
	h := s.Handler()
	n := 0
	for _, rt := range s.routes() {
		if !strings.HasPrefix(rt.path, "/api/v1/admin") {
			continue
		}
		n++
		path := strings.NewReplacer("{id}", "1", "{kind}", "sites").Replace(rt.path)
		for _, auth := range []string{"", "Bearer " + strings.Repeat("x", 40), "Bearer " + token[:39], "Basic " + token} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(rt.method, path, strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: strings.Repeat("A", 43)})
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s %s with %q: %d, want 401", rt.method, path, auth, rec.Code)
			}
		}
	}
	if n < 8 {
		t.Errorf("only %d operator routes found; the table changed?", n)
	}
}
