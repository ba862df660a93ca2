package loadgen

import (
	"math"
	"slices"
	"time"
)

// Step is the latency of one step of the flow, in milliseconds, from its scheduled
// start.
type Step struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// Result is what a run prints, as one JSON object.
type Result struct {
	Users     int     `json:"users"`
	Arrival   string  `json:"arrival"`
	Compress  float64 `json:"compress"`
	Group     int     `json:"group"`
	Pooled    bool    `json:"pooled"`
	ServerNow string  `json:"server_now"`
	Booked    int64   `json:"booked"`
	Changed   int64   `json:"changed"`
	Cancelled int64   `json:"cancelled"`
	// Failed counts residents who did not book; Errors counts every error by problem
	// code, including the ones a resident recovered from (share_full, then the next
	// place; an unavailable method, then the next) and failed changes of a booking.
	Failed        int64   `json:"failed"`
	Verifications int64   `json:"verifications"`
	DurationS     float64 `json:"duration_s"`
	BookingsPerS  float64 `json:"bookings_per_s"`
	OverallPerS   float64 `json:"bookings_per_s_overall"`
	MaxWaitS      float64 `json:"max_wait_s"`
	PollCapS      float64 `json:"poll_cap_s"`
	Polls         int64   `json:"polls"`
	PollsCapped   int64   `json:"polls_capped"`
	// JoinRetries counts joins tried again after the connection failed (a burst can
	// overflow the server's accept queue): the resident reloads the page, as one would.
	JoinRetries int64 `json:"join_retries"`
	// PollsPerBooking is waiting-room status polls per booking.
	PollsPerBooking float64 `json:"polls_per_booking"`
	// ThinkS is the mean think time between steps (0: none).
	ThinkS float64          `json:"think_s"`
	Steps  map[string]Step  `json:"steps"`
	Errors map[string]int64 `json:"errors"`
	// ErrorSamples holds one message per error code, to tell causes apart.
	ErrorSamples map[string]string `json:"error_samples,omitempty"`
	PeakHeapMB   float64           `json:"peak_heap_mb"`
	// CPU is every side's processor time during the run.
	CPU *CPU `json:"cpu,omitempty"`
	// ServerSteps are the steps' latencies as the servers measured them (their
	// /metrics histograms, read before and after the run), free of the load
	// generator's own queueing, which Steps include.
	ServerSteps map[string]ServerStep `json:"server_steps,omitempty"`
	// InvariantViolations is overbooked + double booked + counter drift from the
	// server's database after the run; -1 when no database was given.
	InvariantViolations int        `json:"invariant_violations"`
	Audit               *AuditJSON `json:"audit,omitempty"`
}

// AuditJSON is the database audit after the run.
type AuditJSON struct {
	Overbooked         int `json:"overbooked"`
	DoubleBooked       int `json:"double_booked"`
	CounterDrift       int `json:"counter_drift"`
	ActiveReservations int `json:"active_reservations"`
	BookedTotal        int `json:"booked_total"`
}

// result summarises the merged recorder.
func result(o Options, r *recorder, elapsed time.Duration, peakHeap uint64) Result {
	c := r.counts
	res := Result{
		Users: o.Users, Arrival: o.Arrival, Compress: o.Compress,
		Booked: c.booked, Changed: c.changed, Cancelled: c.cancelled, Failed: c.failed,
		Verifications: c.verifications, DurationS: round(elapsed.Seconds()),
		MaxWaitS: round(r.maxWait.Seconds()), PollCapS: o.PollCap.Seconds(), ThinkS: o.Think.Seconds(),
		Polls: c.polls, PollsCapped: c.pollsCapped, JoinRetries: c.joinRetries,
		Steps: map[string]Step{}, Errors: r.errors, ErrorSamples: r.samples, PeakHeapMB: round(float64(peakHeap) / (1 << 20)),
		InvariantViolations: -1,
	}
	if elapsed > 0 {
		res.OverallPerS = round(float64(c.booked) / elapsed.Seconds())
	}
	res.BookingsPerS = steadyRate(r.perSecond)
	if c.booked > 0 {
		res.PollsPerBooking = round(float64(c.polls) / float64(c.booked))
	}
	for i, name := range stepNames {
		h := r.steps[i]
		if h.TotalCount() == 0 {
			continue
		}
		res.Steps[name] = Step{Count: h.TotalCount(), P50: ms(h.ValueAtQuantile(50)), P95: ms(h.ValueAtQuantile(95)), P99: ms(h.ValueAtQuantile(99)), Max: ms(h.Max())}
	}
	return res
}

// steadyRate is the booking rate between the seconds in which the first 10 % and the
// first 90 % of bookings had completed: the middle of the run, without the ramp-up of
// the first admissions and the tail of the last stragglers.
func steadyRate(perSecond map[int64]int64) float64 {
	var total int64
	secs := make([]int64, 0, len(perSecond))
	for s, n := range perSecond {
		secs = append(secs, s)
		total += n
	}
	if total == 0 {
		return 0
	}
	slices.Sort(secs)
	lo, hi := int64(-1), int64(-1)
	var cum, inside int64
	for _, s := range secs {
		n := perSecond[s]
		if lo < 0 && float64(cum+n) >= 0.1*float64(total) {
			lo = s
		}
		if lo >= 0 && hi < 0 {
			inside += n
		}
		cum += n
		if hi < 0 && float64(cum) >= 0.9*float64(total) {
			hi = s
		}
	}
	return round(float64(inside) / float64(hi-lo+1))
}

func ms(us int64) float64 { return round(float64(us) / 1000) }

// round keeps three decimals, enough for milliseconds and rates.
func round(f float64) float64 { return math.Round(f*1000) / 1000 }
