// Package metrics exports what operators watch during a surge as Prometheus metrics:
// HTTP latency by route pattern, bookings by outcome, the waiting room, the
// verification lines, the group committer and the database pool.
//
// The package only collects: it reads the other packages through small callbacks
// registered by package app, so none of them depends on Prometheus. Callback-fed
// metrics are read at scrape time, so an unscraped process pays nothing for them.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"vaxbook"
)

// namespace prefixes every metric name.
const namespace = "vaxbook"

// Metrics is one process's registry and its own collectors. It is safe for
// concurrent use.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	bookings *prometheus.CounterVec
}

// New returns a registry holding the Go runtime and process collectors, the request
// latency histogram and the bookings counter. Callback collectors are added with the
// Register methods.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "http_request_duration_seconds",
		Help: "Latency of HTTP requests by route pattern (never the raw path, which would make a series per id) and status code.",
		// From 1 ms to 10 s: the booking goal is a p99 under 100 ms, and the slowest
		// legitimate calls wait up to 10 s in a verification line.
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "code"})
	m.bookings = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "bookings_total",
		Help: "Booking attempts by outcome: booked, or the problem code that refused them.",
	}, []string{"outcome"})
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.bookings,
	)
	return m
}

// Registry returns the registry, for collectors this package does not know.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format, for /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Outcome names the outcome of a booking call: "booked" when err is nil, else the
// problem code of err (a small fixed set, so the label stays bounded).
func Outcome(err error) string {
	if err == nil {
		return "booked"
	}
	return string(vaxbook.ErrorCode(err))
}

// ObserveBooking counts one booking attempt with its outcome (see Outcome).
func (m *Metrics) ObserveBooking(outcome string) {
	m.bookings.WithLabelValues(outcome).Inc()
}

// Wrap measures every request through next, labelled by the ServeMux pattern that
// matched it. ServeMux sets Request.Pattern on the request it was given, so next must
// be (or hand the same *http.Request to) a ServeMux: a middleware in between that
// clones the request (r.WithContext) hides the pattern, and such requests are labelled
// "unmatched" rather than by their raw path.
func (m *Metrics) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, strconv.Itoa(rec.status)).Observe(time.Since(start).Seconds())
	})
}

// recorder remembers the status written through it.
type recorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer (flush, deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
