// Package bench measures the booking engine against a real store: the group-commit
// path (package batch) and, in the same run, the same number of bookings one
// transaction each. `vaxbook bench booking` prints its result as JSON.
package bench

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"vaxbook"
	"vaxbook/batch"
)

// BookingOptions shapes a booking benchmark. Zero fields take the defaults.
type BookingOptions struct {
	// Bookings is the number of requests of each phase (default 100,000).
	Bookings int
	// Concurrency is the number of callers booking at once, in both phases (default 512):
	// residents whose requests arrive together.
	Concurrency int
	// Sites and Dates shape each phase's places: Sites sites (default 2,000), each
	// vaccinating on Dates days (default 10), with a quarter more places than requests.
	Sites, Dates int
	// Repeats is the fraction of requests that repeat an earlier person's (default 0.01),
	// so that the one-booking-per-person rule is exercised under load.
	Repeats float64
	// Batch configures the group committer.
	Batch batch.Config
	// Engine names the store in the result (default: its Go type).
	Engine string
}

func (o BookingOptions) withDefaults() BookingOptions {
	if o.Bookings <= 0 {
		o.Bookings = 100_000
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 512
	}
	if o.Sites <= 0 {
		o.Sites = 2_000
	}
	if o.Dates <= 0 {
		o.Dates = 10
	}
	if o.Repeats < 0 || o.Repeats >= 1 {
		o.Repeats = 0
	} else if o.Repeats == 0 {
		o.Repeats = 0.01
	}
	if o.Batch.MaxBatch <= 0 {
		o.Batch.MaxBatch = batch.DefaultMaxBatch
	}
	if o.Batch.MaxWait <= 0 {
		o.Batch.MaxWait = batch.DefaultMaxWait
	}
	if o.Batch.Flushers <= 0 {
		o.Batch.Flushers = batch.DefaultFlushers
	}
	return o
}

// BookingResult is what a booking benchmark measured. Rates count successful bookings
// (a reservation given) per second of wall time; latencies are per request, from the
// call to its answer, on the group-commit path unless named baseline.
type BookingResult struct {
	Engine      string  `json:"engine"`
	CampaignID  int64   `json:"campaign_id"`
	Sites       int     `json:"sites"`
	Persons     int     `json:"persons"`
	Bookings    int     `json:"bookings"` // requests per phase
	Concurrency int     `json:"concurrency"`
	MaxBatch    int     `json:"max_batch"`
	MaxWaitMs   float64 `json:"max_wait_ms"`
	Flushers    int     `json:"flushers"`

	BookingsPerS float64 `json:"bookings_per_s"`
	RequestsPerS float64 `json:"requests_per_s"`
	BaselinePerS float64 `json:"baseline_per_s"`
	Ratio        float64 `json:"ratio"`
	P50Ms        float64 `json:"p50_ms"`
	P99Ms        float64 `json:"p99_ms"`
	MaxMs        float64 `json:"max_ms"`
	BaselineP50  float64 `json:"baseline_p50_ms"`
	BaselineP99  float64 `json:"baseline_p99_ms"`
	MeanBatch    float64 `json:"mean_batch"`
	DurationS    float64 `json:"duration_s"`
	BaselineS    float64 `json:"baseline_duration_s"`

	// Outcomes counts the error codes of each phase ("ok" for a booking).
	Outcomes         map[string]int `json:"outcomes"`
	BaselineOutcomes map[string]int `json:"baseline_outcomes"`

	// Overbooked and DoubleBooked are counted from the database afterwards (Audit of the
	// whole benchmark campaign), as is CounterDrift; all must be zero.
	Overbooked   int `json:"overbooked"`
	DoubleBooked int `json:"double_booked"`
	CounterDrift int `json:"counter_drift"`
	Active       int `json:"active_reservations"`
}

// Booking prepares a campaign of its own with sites, capacity and verified persons in
// store, then books opts.Bookings requests with opts.Concurrency callers one
// transaction each (the baseline), then as many other requests, on other sites and for
// other persons, through a batch.Committer, and audits the campaign. The baseline runs
// first so that the group commit meets the larger tables. The campaign and its rows are
// left in the database for inspection.
func Booking(ctx context.Context, store vaxbook.Store, opts BookingOptions) (BookingResult, error) {
	o := opts.withDefaults()
	r := BookingResult{
		Engine: o.Engine, Sites: 2 * o.Sites, Persons: 2 * o.Bookings, Bookings: o.Bookings,
		Concurrency: o.Concurrency, MaxBatch: o.Batch.MaxBatch, Flushers: o.Batch.Flushers,
		MaxWaitMs: ms(o.Batch.MaxWait),
	}
	if r.Engine == "" {
		r.Engine = fmt.Sprintf("%T", store)
	}
	c, plans, err := prepare(ctx, store, o)
	r.CampaignID = c.ID
	if err != nil {
		return r, err
	}

	base := run(ctx, store, plans[0], o.Concurrency)
	r.BaselinePerS, r.BaselineS = base.rate(), base.took.Seconds()
	r.BaselineP50, r.BaselineP99 = base.quantile(0.50), base.quantile(0.99)
	r.BaselineOutcomes = base.outcomes

	committer := batch.New(store, o.Batch)
	grouped := run(ctx, committer, plans[1], o.Concurrency)
	committer.Close()
	st := committer.Stats()
	r.BookingsPerS, r.DurationS = grouped.rate(), grouped.took.Seconds()
	r.RequestsPerS = math.Round(float64(len(plans[1])) / grouped.took.Seconds())
	r.P50Ms, r.P99Ms, r.MaxMs = grouped.quantile(0.50), grouped.quantile(0.99), grouped.quantile(1)
	r.Outcomes = grouped.outcomes
	if st.Batches > 0 {
		r.MeanBatch = round(float64(st.Requests) / float64(st.Batches))
	}
	if r.BaselinePerS > 0 {
		r.Ratio = round(r.BookingsPerS / r.BaselinePerS)
	}

	a, err := store.Audit(ctx, c.ID)
	if err != nil {
		return r, fmt.Errorf("audit: %w", err)
	}
	r.Overbooked, r.DoubleBooked, r.CounterDrift, r.Active = a.Overbooked, a.DoubleBooked, a.CounterDrift, a.ActiveReservations
	if want := base.outcomes["ok"] + grouped.outcomes["ok"]; a.ActiveReservations != want {
		return r, fmt.Errorf("audit finds %d active reservations, the benchmark was given %d", a.ActiveReservations, want)
	}
	return r, nil
}

// phase is what one run measured.
type phase struct {
	took      time.Duration
	latencies []time.Duration // sorted
	outcomes  map[string]int
}

func (p phase) rate() float64 {
	return math.Round(float64(p.outcomes["ok"]) / p.took.Seconds())
}

// quantile returns the q-quantile of the latencies in milliseconds (nearest rank).
func (p phase) quantile(q float64) float64 {
	if len(p.latencies) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(p.latencies)))) - 1
	return ms(p.latencies[max(0, min(i, len(p.latencies)-1))])
}

// booker is the part of a store or committer the benchmark calls.
type booker interface {
	Book(ctx context.Context, reqs []vaxbook.BookRequest) []vaxbook.BookResult
}

// run books reqs one per call with n callers (a closed loop: each caller sends its next
// request when the last is answered) and records every request's latency. The
// latencies are kept whole and sorted, which for a few hundred thousand requests is
// cheaper than a histogram library and exact.
func run(ctx context.Context, b booker, reqs []vaxbook.BookRequest, n int) phase {
	lat := make([]time.Duration, len(reqs))
	codes := make([]vaxbook.Code, len(reqs))
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range n {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) || ctx.Err() != nil {
					return
				}
				t := time.Now()
				res := b.Book(ctx, reqs[i:i+1])
				lat[i], codes[i] = time.Since(t), vaxbook.ErrorCode(res[0].Err)
			}
		})
	}
	wg.Wait()
	p := phase{took: time.Since(start), outcomes: map[string]int{}}
	for i, c := range codes {
		if lat[i] == 0 {
			continue // not sent: ctx ended
		}
		if c == "" {
			c = "ok"
		}
		p.outcomes[string(c)]++
		p.latencies = append(p.latencies, lat[i])
	}
	slices.Sort(p.latencies)
	return p
}

func ms(d time.Duration) float64 { return round(float64(d) / float64(time.Millisecond)) }

func round(x float64) float64 { return math.Round(x*100) / 100 }
