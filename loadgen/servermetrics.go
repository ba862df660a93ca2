package loadgen

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// requestHistogram is the server's latency histogram by route pattern and status
// (metrics.Metrics.Wrap).
const requestHistogram = "vaxbook_http_request_duration_seconds"

// serverReading is what one read of the servers' /metrics gives: their CPU seconds and
// their request latency histograms by route, summed over instances and status codes.
type serverReading struct {
	cpuS   float64
	routes map[string]*bucketCounts
}

// bucketCounts is one cumulative histogram: counts[i] requests took at most bounds[i]
// seconds; the last bound is +Inf.
type bucketCounts struct {
	bounds []float64
	counts []uint64
}

// ServerStep is one route's latency as the server measured it (from the request's
// arrival at the handler to its answer), during the run only. The quantiles are
// interpolated within the server's histogram buckets (1 ms … 10 s), as Prometheus's
// histogram_quantile does, so they are as coarse as the buckets.
type ServerStep struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	// AboveTop counts requests slower than the highest finite bucket (10 s): a
	// quantile among them is reported as that bound, and means at least that.
	AboveTop int64   `json:"above_top_bucket,omitempty"`
	TopMS    float64 `json:"top_bucket_ms,omitempty"`
}

// serverSteps names the routes a booking goes through by the load generator's step,
// and the two composite steps the goals speak of: verify is the route that ends each
// method (the sign-in), book the booking itself.
var serverSteps = map[string][]string{
	"join":           {"POST /api/v1/queue/join"},
	"status":         {"GET /api/v1/queue/status"},
	"claim":          {"POST /api/v1/queue/claim"},
	"methods":        {"GET /api/v1/identity/methods"},
	"phone_start":    {"POST /api/v1/identity/phone/start"},
	"phone_confirm":  {"POST /api/v1/identity/phone/confirm"},
	"oidc_start":     {"GET /api/v1/identity/oidc/{provider}/start"},
	"oidc_callback":  {"GET /api/v1/identity/oidc/{provider}/callback"},
	"cert_challenge": {"POST /api/v1/identity/cert/challenge"},
	"cert_verify":    {"POST /api/v1/identity/cert/verify"},
	"verify": {"POST /api/v1/identity/phone/confirm", "GET /api/v1/identity/oidc/{provider}/callback",
		"POST /api/v1/identity/cert/verify"},
	"search": {"GET /api/v1/campaigns/{id}/sites"},
	"book":   {"POST /api/v1/campaigns/{id}/reservation"},
	"change": {"PUT /api/v1/campaigns/{id}/reservation"},
	"cancel": {"DELETE /api/v1/campaigns/{id}/reservation"},
	// Requests no route matched, or whose pattern a middleware hid: should stay 0.
	"unmatched": {"unmatched"},
}

// readServers reads every server's /metrics; false when one cannot be read or does not
// publish its CPU time.
func readServers(ctx context.Context, c *client, servers []string, token string) (serverReading, bool) {
	sum := serverReading{routes: map[string]*bucketCounts{}}
	for _, base := range servers {
		r, err := readServer(ctx, c, base, token)
		if err != nil {
			return sum, false
		}
		sum.cpuS += r.cpuS
		for route, h := range r.routes {
			sum.routes[route] = sum.routes[route].add(h)
		}
	}
	return sum, true
}

// readServer reads one server's /metrics.
func readServer(ctx context.Context, c *client, base, token string) (serverReading, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimSuffix(base, "/")+"/metrics", nil)
	if err != nil {
		return serverReading{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return serverReading{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return serverReading{}, fmt.Errorf("%s/metrics: %s", base, resp.Status)
	}
	return parseServerMetrics(resp.Body)
}

// parseServerMetrics reads process_cpu_seconds_total and the request histograms from
// the Prometheus text format.
func parseServerMetrics(r io.Reader) (serverReading, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return serverReading{}, fmt.Errorf("parse /metrics: %w", err)
	}
	out := serverReading{routes: map[string]*bucketCounts{}}
	cpu, ok := fams["process_cpu_seconds_total"]
	if !ok || len(cpu.GetMetric()) == 0 {
		return out, fmt.Errorf("/metrics has no process_cpu_seconds_total")
	}
	out.cpuS = cpu.GetMetric()[0].GetCounter().GetValue()
	if h, ok := fams[requestHistogram]; ok {
		for _, m := range h.GetMetric() {
			route := label(m, "route")
			out.routes[route] = out.routes[route].add(fromProm(m.GetHistogram()))
		}
	}
	return out, nil
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// fromProm converts a Prometheus histogram, whose +Inf bucket is implied by its count.
func fromProm(h *dto.Histogram) *bucketCounts {
	b := &bucketCounts{}
	for _, bk := range h.GetBucket() {
		if math.IsInf(bk.GetUpperBound(), 1) {
			continue
		}
		b.bounds = append(b.bounds, bk.GetUpperBound())
		b.counts = append(b.counts, bk.GetCumulativeCount())
	}
	b.bounds = append(b.bounds, math.Inf(1))
	b.counts = append(b.counts, h.GetSampleCount())
	return b
}

// add returns the sum of b and o; either may be nil. Histograms of one server share
// their bounds; if two differ the first's are kept and o's counts are added by bound.
func (b *bucketCounts) add(o *bucketCounts) *bucketCounts {
	if o == nil {
		return b
	}
	if b == nil {
		return &bucketCounts{bounds: slices.Clone(o.bounds), counts: slices.Clone(o.counts)}
	}
	out := &bucketCounts{bounds: slices.Clone(b.bounds), counts: slices.Clone(b.counts)}
	for i, bound := range out.bounds {
		out.counts[i] += o.atMost(bound)
	}
	return out
}

// sub returns b minus an earlier reading of the same histogram (nil: nothing before).
func (b *bucketCounts) sub(before *bucketCounts) *bucketCounts {
	out := &bucketCounts{bounds: slices.Clone(b.bounds), counts: slices.Clone(b.counts)}
	if before == nil {
		return out
	}
	for i, bound := range out.bounds {
		out.counts[i] -= min(out.counts[i], before.atMost(bound))
	}
	return out
}

// atMost is the cumulative count at bound (0 for a nil histogram).
func (b *bucketCounts) atMost(bound float64) uint64 {
	if b == nil {
		return 0
	}
	i, found := slices.BinarySearch(b.bounds, bound)
	if found {
		return b.counts[i]
	}
	if i == 0 {
		return 0
	}
	return b.counts[i-1]
}

func (b *bucketCounts) total() uint64 {
	if b == nil || len(b.counts) == 0 {
		return 0
	}
	return b.counts[len(b.counts)-1]
}

// quantile returns the q-quantile (0–1) in seconds, interpolated linearly inside the
// bucket that holds it as Prometheus's histogram_quantile does; in the +Inf bucket it
// is the highest finite bound.
func (b *bucketCounts) quantile(q float64) float64 {
	n := b.total()
	if n == 0 {
		return 0
	}
	rank := q * float64(n)
	lower, below := 0.0, uint64(0)
	for i, bound := range b.bounds {
		c := b.counts[i]
		if float64(c) >= rank {
			if math.IsInf(bound, 1) {
				return lower
			}
			in := c - below
			if in == 0 {
				return bound
			}
			return lower + (bound-lower)*(rank-float64(below))/float64(in)
		}
		lower, below = bound, c
	}
	return lower
}

// serverStepsBetween returns the server-side latency of each step during the run.
func serverStepsBetween(before, after serverReading) map[string]ServerStep {
	out := map[string]ServerStep{}
	for step, routes := range serverSteps {
		var h *bucketCounts
		for _, r := range routes {
			if a := after.routes[r]; a != nil {
				h = h.add(a.sub(before.routes[r]))
			}
		}
		if h.total() == 0 {
			continue
		}
		st := ServerStep{
			Count: int64(h.total()),
			P50:   round(h.quantile(.50) * 1000), P95: round(h.quantile(.95) * 1000), P99: round(h.quantile(.99) * 1000),
		}
		if n := len(h.bounds); n >= 2 {
			st.AboveTop = int64(h.counts[n-1] - h.counts[n-2])
			if st.AboveTop > 0 {
				st.TopMS = round(h.bounds[n-2] * 1000)
			}
		}
		out[step] = st
	}
	return out
}
