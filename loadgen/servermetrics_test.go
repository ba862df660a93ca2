package loadgen

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vaxbook/metrics"
)

// scrape reads the metrics handler's exposition as the load generator does.
func scrape(t *testing.T, h http.Handler) serverReading {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	r, err := parseServerMetrics(rec.Body)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, rec.Body.String())
	}
	return r
}

// TestServerStepsCountOnlyTheRunsRequestsByRoute serves requests through the real
// metrics middleware and a ServeMux with the API's patterns, and checks that the delta
// of two scrapes counts exactly the requests between them, by step, over status codes.
func TestServerStepsCountOnlyTheRunsRequestsByRoute(t *testing.T) {
	m := metrics.New()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/campaigns/{id}/reservation", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("full") {
			w.WriteHeader(http.StatusConflict)
		}
	})
	mux.HandleFunc("POST /api/v1/identity/phone/confirm", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("GET /api/v1/identity/oidc/{provider}/callback", func(http.ResponseWriter, *http.Request) {})
	h := m.Wrap(mux)
	do := func(method, path string, n int) {
		for range n {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, path, nil))
		}
	}
	do("POST", "/api/v1/campaigns/1/reservation", 5) // before the run: not counted
	// scrape fails without process_cpu_seconds_total, the server's CPU.
	before := scrape(t, m.Handler())
	do("POST", "/api/v1/campaigns/1/reservation", 7)
	do("POST", "/api/v1/campaigns/1/reservation?full", 3)
	do("POST", "/api/v1/identity/phone/confirm", 2)
	do("GET", "/api/v1/identity/oidc/kakao/callback", 4)
	after := scrape(t, m.Handler())

	steps := serverStepsBetween(before, after)
	want := map[string]int64{"book": 10, "phone_confirm": 2, "oidc_callback": 4, "verify": 6}
	for step, n := range want {
		if got := steps[step].Count; got != n {
			t.Errorf("%s: %d requests, want %d", step, got, n)
		}
	}
	for step := range steps {
		if _, ok := want[step]; !ok {
			t.Errorf("step %s reported, but no request of it was made during the run", step)
		}
	}
	if s := steps["book"]; s.AboveTop != 0 {
		t.Errorf("book: %d requests above the top bucket, want 0", s.AboveTop)
	}
	if s := steps["book"]; s.P99 <= 0 || s.P99 > 1 || s.P50 > s.P95 || s.P95 > s.P99 {
		t.Errorf("book quantiles %+v: want 0 < p50 ≤ p95 ≤ p99 ≤ 1 ms for an empty handler", s)
	}
}

// TestQuantileInterpolatesWithinTheBucket checks the histogram_quantile arithmetic.
func TestQuantileInterpolatesWithinTheBucket(t *testing.T) {
	inf := math.Inf(1)
	// 100 requests: 50 at most 10 ms, 40 in (10, 100] ms, 10 above the last bound.
	h := &bucketCounts{bounds: []float64{.01, .1, inf}, counts: []uint64{50, 90, 100}}
	for _, tc := range []struct {
		q, want float64
	}{
		{0.25, .005},           // halfway into the first bucket, from 0
		{0.5, .01},             // its top
		{0.7, .01 + .09*20/40}, // halfway into the second
		{0.95, .1},             // in +Inf: the highest finite bound
	} {
		if got := h.quantile(tc.q); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := (&bucketCounts{bounds: []float64{inf}, counts: []uint64{0}}).quantile(.5); got != 0 {
		t.Errorf("empty histogram quantile %v, want 0", got)
	}
}

func TestParseServerMetricsNeedsTheProcessCPU(t *testing.T) {
	_, err := parseServerMetrics(strings.NewReader("# TYPE x counter\nx 1\n"))
	if err == nil {
		t.Fatal("metrics without process_cpu_seconds_total were accepted")
	}
}
