package loadgen

import (
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// The steps of the flow whose latency is measured, in flow order.
var stepNames = []string{
	"join", "status", "claim", "methods", "phone_start", "sms", "phone_confirm",
	"oidc", "cert", "verify", "search", "book", "change", "cancel",
}

const (
	stepJoin = iota
	stepStatus
	stepClaim
	stepMethods
	stepPhoneStart
	stepSMS
	stepPhoneConfirm
	stepOIDC
	stepCert
	stepVerify
	stepSearch
	stepBook
	stepChange
	stepCancel
	numSteps
)

// Histogram range: 1 µs to 1 hour at 3 significant digits (about 0.1 % error); a
// longer sample is recorded as the maximum.
const (
	histMin    = 1
	histMax    = int64(time.Hour / time.Microsecond)
	histDigits = 3
)

// recorder holds one worker shard's measurements. Residents are short-lived goroutines,
// too many to own a histogram each (a 3-digit histogram over this range is about
// 250 kB), so they share a few shards, one mutex each, merged at the end.
type recorder struct {
	mu        sync.Mutex
	steps     [numSteps]*hdrhistogram.Histogram
	errors    map[string]int64
	samples   map[string]string // the first detail seen per code, to tell causes apart
	perSecond map[int64]int64   // bookings completed in each second since the start
	maxWait   time.Duration     // longest time from a confirmed join to admission
	counts    counts
}

// counts are the run's plain counters.
type counts struct {
	booked, changed, cancelled, failed, verifications, polls, pollsCapped, joinRetries int64
}

func newRecorder() *recorder {
	r := &recorder{errors: map[string]int64{}, samples: map[string]string{}, perSecond: map[int64]int64{}}
	for i := range r.steps {
		r.steps[i] = hdrhistogram.New(histMin, histMax, histDigits)
	}
	return r
}

// observe records a step that was due at due (its scheduled start, not the moment it
// actually started) and ended at end, so that delays caused by the load generator
// itself count as latency (no coordinated omission).
func (r *recorder) observe(step int, due, end time.Time) {
	us := min(max(end.Sub(due).Microseconds(), histMin), histMax)
	r.mu.Lock()
	r.steps[step].RecordValue(us)
	r.mu.Unlock()
}

// fail counts an error by its problem code.
func (r *recorder) fail(err error) {
	code := codeOf(err)
	r.mu.Lock()
	r.errors[code]++
	if _, ok := r.samples[code]; !ok {
		r.samples[code] = err.Error()
	}
	r.mu.Unlock()
}

// update applies f to the counters under the lock.
func (r *recorder) update(f func(c *counts)) {
	r.mu.Lock()
	f(&r.counts)
	r.mu.Unlock()
}

// booked counts a booking completed at offset since the start of the run.
func (r *recorder) booked(offset time.Duration) {
	r.mu.Lock()
	r.counts.booked++
	r.perSecond[int64(offset/time.Second)]++
	r.mu.Unlock()
}

// waited notes a time spent waiting for admission.
func (r *recorder) waited(d time.Duration) {
	r.mu.Lock()
	r.maxWait = max(r.maxWait, d)
	r.mu.Unlock()
}

// merge adds o into r. o must no longer be written to.
func (r *recorder) merge(o *recorder) {
	for i := range r.steps {
		r.steps[i].Merge(o.steps[i])
	}
	for k, v := range o.errors {
		r.errors[k] += v
	}
	for k, v := range o.samples {
		if _, ok := r.samples[k]; !ok {
			r.samples[k] = v
		}
	}
	for k, v := range o.perSecond {
		r.perSecond[k] += v
	}
	r.maxWait = max(r.maxWait, o.maxWait)
	c, oc := &r.counts, o.counts
	c.booked += oc.booked
	c.changed += oc.changed
	c.cancelled += oc.cancelled
	c.failed += oc.failed
	c.verifications += oc.verifications
	c.polls += oc.polls
	c.pollsCapped += oc.pollsCapped
	c.joinRetries += oc.joinRetries
}
