package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"vaxbook"
	"vaxbook/batch"
	"vaxbook/congestion"
	"vaxbook/queue"
)

// scrape serves /metrics through m.Handler over real HTTP and returns the text.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestRequestsAreLabelledByRoutePatternNeverByRawPath(t *testing.T) {
	m := New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/campaigns/{id}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /api/v1/campaigns/{id}/reservation", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusConflict)
	})
	srv := httptest.NewServer(m.Wrap(mux))
	defer srv.Close()
	for _, path := range []string{"/api/v1/campaigns/1", "/api/v1/campaigns/2", "/api/v1/campaigns/31337"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, _ := http.Post(srv.URL+"/api/v1/campaigns/9/reservation", "application/json", nil)
	resp.Body.Close()
	resp, _ = http.Get(srv.URL + "/nowhere/12345")
	resp.Body.Close()

	text := scrape(t, m)
	for _, want := range []string{
		`vaxbook_http_request_duration_seconds_count{code="200",route="GET /api/v1/campaigns/{id}"} 3`,
		`vaxbook_http_request_duration_seconds_count{code="409",route="POST /api/v1/campaigns/{id}/reservation"} 1`,
		`vaxbook_http_request_duration_seconds_count{code="404",route="unmatched"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %s", want)
		}
	}
	for _, raw := range []string{"31337", "12345"} {
		if strings.Contains(text, raw) {
			t.Errorf("a raw path leaked into a label: %s", raw)
		}
	}
}

func TestBookingsAreCountedByOutcome(t *testing.T) {
	m := New()
	m.ObserveBooking(Outcome(nil))
	m.ObserveBooking(Outcome(nil))
	m.ObserveBooking(Outcome(vaxbook.Errorf(vaxbook.CodeShareFull, "full")))
	if got := testutil.ToFloat64(m.bookings.WithLabelValues("booked")); got != 2 {
		t.Errorf("booked = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.bookings.WithLabelValues("share_full")); got != 1 {
		t.Errorf("share_full = %v, want 1", got)
	}
}

func TestCallbackCollectorsExportQueueLinesAndBatches(t *testing.T) {
	m := New()
	m.RegisterQueue(func(context.Context) (queue.Stats, error) {
		return queue.Stats{Issued: 100, Head: 40, Waiting: 60, Active: 7, MaxActive: 20000, Rate: 500, Measured: 480, Auto: true}, nil
	})
	m.RegisterLines(func(context.Context) ([]congestion.Light, error) {
		return []congestion.Light{
			{Method: "phone", Color: congestion.Red, WaitSeconds: 12, InFlight: 200, Waiting: 900, Capacity: 200, PerSecond: 450},
			{Method: "kakao", Color: congestion.Green, Capacity: 200, PerSecond: 500},
		}, nil
	})
	m.RegisterBatch(func() batch.Stats {
		return batch.Stats{Batches: 3, Requests: 10, SizeBounds: []float64{1, 2, 4, 8}, SizeCounts: []uint64{1, 1, 2, 3}, Failed: 1}
	})
	m.RegisterSignInBatch(func() batch.Stats {
		return batch.Stats{Batches: 2, Requests: 7, SizeBounds: []float64{1, 2, 4, 8}, SizeCounts: []uint64{0, 0, 1, 2}, Dropped: 2}
	})
	text := scrape(t, m)
	for _, want := range []string{
		"vaxbook_queue_waiting 60",
		"vaxbook_queue_admitted_total 40",
		"vaxbook_queue_admission_rate 500",
		"vaxbook_queue_admission_rate_measured 480",
		`vaxbook_identity_light{color="red",method="phone"} 1`,
		`vaxbook_identity_light{color="green",method="phone"} 0`,
		`vaxbook_identity_light{color="green",method="kakao"} 1`,
		`vaxbook_identity_waiting{method="phone"} 900`,
		`vaxbook_batch_size_bucket{le="4"} 2`,
		`vaxbook_batch_size_bucket{le="+Inf"} 3`,
		"vaxbook_batch_size_sum 10",
		"vaxbook_batch_failed_total 1",
		`vaxbook_signin_batch_size_bucket{le="4"} 1`,
		"vaxbook_signin_batch_size_sum 7",
		"vaxbook_signin_batch_dropped_total 2",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("missing %q", want)
		}
	}
	if n, err := testutil.GatherAndCount(m.Registry(), "vaxbook_identity_light"); err != nil || n != 6 {
		t.Errorf("identity_light series = %d, %v; want 6 (3 colours × 2 methods)", n, err)
	}
}

func TestFailedCallbackExportsNothingRatherThanZero(t *testing.T) {
	m := New()
	m.RegisterQueue(func(context.Context) (queue.Stats, error) { return queue.Stats{}, errors.New("redis down") })
	if n, err := testutil.GatherAndCount(m.Registry(), "vaxbook_queue_waiting"); err != nil || n != 0 {
		t.Errorf("queue_waiting series = %d, %v; want none while the snapshot fails", n, err)
	}
}

func TestMetricsPassLint(t *testing.T) {
	m := New()
	m.ObserveBooking("booked")
	m.RegisterBatch(func() batch.Stats { return batch.Stats{} })
	problems, err := testutil.GatherAndLint(m.Registry())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "vaxbook_") {
			t.Errorf("lint %s: %s", p.Metric, p.Text)
		}
	}
}

func TestPprofServesTheIndex(t *testing.T) {
	rec := httptest.NewRecorder()
	Pprof().ServeHTTP(rec, httptest.NewRequest("GET", "/debug/pprof/", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "goroutine") {
		t.Errorf("pprof index: %d", rec.Code)
	}
}
