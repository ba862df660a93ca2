package queue

import (
	"math"
	"sync"
	"time"
)

// Step names what an observed downstream call was, since each kind is held to its own
// percentile: a resident waits through a verification once, but a slow booking is the
// one that loses them a place.
type Step int

// The steps the controller tells apart.
const (
	Verification Step = iota // judged by its p95
	Booking                  // judged by its p99
	steps
)

// ControlConfig tunes the admission controller.
type ControlConfig struct {
	VerifyTarget time.Duration // healthy while the verifications' p95 latency is below this
	BookTarget   time.Duration // and the bookings' p99 below this
	MaxErrors    float64       // and the share of failed calls below this
	Step         float64       // admissions/s added per healthy second, at least
	Grow         float64       // or this share of the rate, when that is more
	Cut          float64       // the rate is multiplied by this on an unhealthy second
	Settle       int           // a slowness that follows healthy seconds is cut at most every Settle ticks
	Min, Max     float64       // the rate stays within [Min, Max]
	// WindowGain sizes the admission window: this many times the people a healthy
	// flow holds (the rate × the usual time from claim to booking). Negative turns the
	// window off.
	WindowGain float64
}

// DefaultControlConfig returns a verification p95 of 500 ms and a booking p99 of 300 ms
// (what the service promises the admitted, measured at the server), 1 %, +20/s or +10 %
// (whichever is more), ×0.7 at most every 3 s, within [10, 5000]/s, and a window of
// twice the people a healthy flow holds. The old system served about 2M bookings an
// hour (≈ 550/s), so 5000/s leaves ample headroom. A fixed step alone took minutes to
// climb from a low rate to a machine's capacity while the whole day's group waited:
// growing by a share climbs from 500/s to 3000/s in about 20 healthy seconds, and the
// cuts still halve an overshoot within four seconds. A gain of 2 leaves a healthy flow
// unbounded (it holds half the window) and binds once the flow takes twice its usual
// time, as BBR bounds the data in flight at twice the bandwidth-delay product.
func DefaultControlConfig() ControlConfig {
	return ControlConfig{VerifyTarget: 500 * time.Millisecond, BookTarget: 300 * time.Millisecond,
		MaxErrors: 0.01, Step: 20, Grow: 0.1, Cut: 0.7, Settle: 3, Min: 10, Max: 5000, WindowGain: 2}
}

// Load is what the controller knows about the line when it decides.
type Load struct {
	Waiting   uint64
	Active    int
	MaxActive int
	Window    int // the admission window in force (0: none)
	// Held are the places held by people who left without booking: those the idle
	// timeout pruned over the last Idle (State.PrunedOver).
	Held uint64
}

// bucketWidth and buckets make a fixed histogram of latencies (10 ms resolution up to
// 5 s): memory stays constant whatever the request rate.
const (
	bucketWidth = 10 * time.Millisecond
	buckets     = 500
)

// Controller is the AIMD admission controller: it raises the rate by a step while
// verification and booking answer fast and without errors and cuts it sharply when
// they do not, like TCP congestion control. It is safe for concurrent use: Observe is
// called from request handlers, Tick once a second by the lease holder.
type Controller struct {
	cfg    ControlConfig
	mu     sync.Mutex
	hist   [steps][buckets + 1]uint32
	n      [steps]int
	failed int
	// settling counts down the ticks after a lagged cut during which the rate is
	// kept: neither cut again nor grown.
	settling int
	// lagged says that the present slowness began after healthy seconds: it comes
	// from people admitted while the downstream still looked healthy.
	lagged, wasHealthy bool
	// flows are this second's times from claim to booking (at most maxFlows), and
	// flow the usual one: a moving average of the healthy seconds' means.
	flows []time.Duration
	flow  time.Duration
	held  uint64 // the last Load's Held
}

// maxFlows bounds the flow times kept for one second; the first ones of the second
// are a fair sample of it. minFlows is the fewest a second needs to teach anything, so
// that one resident's booking in a quiet second does not move the usual flow by a
// quarter; it is small because the first healthy second of an opening has few
// bookings, and the window it learns is what bounds the rest of the start.
const (
	maxFlows = 4096
	minFlows = 3
)

// NewController returns a controller; zero fields of cfg take the defaults.
func NewController(cfg ControlConfig) *Controller {
	def := DefaultControlConfig()
	if cfg.VerifyTarget <= 0 {
		cfg.VerifyTarget = def.VerifyTarget
	}
	if cfg.BookTarget <= 0 {
		cfg.BookTarget = def.BookTarget
	}
	if cfg.MaxErrors <= 0 {
		cfg.MaxErrors = def.MaxErrors
	}
	if cfg.Step <= 0 {
		cfg.Step = def.Step
	}
	switch { // zero takes the default; a negative share turns growth by share off
	case cfg.Grow == 0:
		cfg.Grow = def.Grow
	case cfg.Grow < 0:
		cfg.Grow = 0
	}
	if cfg.Cut <= 0 || cfg.Cut >= 1 {
		cfg.Cut = def.Cut
	}
	if cfg.Settle <= 0 {
		cfg.Settle = def.Settle
	}
	if cfg.Max <= 0 {
		cfg.Max = def.Max
	}
	switch { // zero takes the default; negative turns the window off
	case cfg.WindowGain == 0:
		cfg.WindowGain = def.WindowGain
	case cfg.WindowGain < 0:
		cfg.WindowGain = 0
	}
	cfg.Min = min(max(cfg.Min, 0), cfg.Max)
	return &Controller{cfg: cfg}
}

// Observe records one downstream call (a verification or booking step) of an admitted
// person: which, how long it took and whether it failed for reasons of load (timeouts,
// 5xx), not because of the person's input.
func (c *Controller) Observe(step Step, latency time.Duration, failed bool) {
	b := min(max(int(latency/bucketWidth), 0), buckets)
	step = min(max(step, 0), steps-1)
	c.mu.Lock()
	c.hist[step][b]++
	c.n[step]++
	if failed {
		c.failed++
	}
	c.mu.Unlock()
}

// ObserveFlow records how long an admitted person took from claiming their pass to
// their booking.
func (c *Controller) ObserveFlow(d time.Duration) {
	c.mu.Lock()
	if len(c.flows) < maxFlows {
		c.flows = append(c.flows, d)
	}
	c.mu.Unlock()
}

// Window returns the admission window for rate: WindowGain times the people a healthy
// flow holds at that rate (rate × the usual flow time), plus the places held by people
// who left without booking, at least 1; 0 (no window) until a healthy second has seen
// bookings, or with the window off. Those who leave hold their place for Idle after
// their last request, so the places they hold now are about the people pruned in the
// last Idle (Little's law with a stay of Idle), read from the counters' samples so that
// every lease holder sees the same count from its first tick: without them, a window of a few hundred
// was filled by people who gave up once a group's shares ran out (about 20 a second ×
// 30 s), and admission fell by half while the downstream idled. A count, rather than a
// rate × Idle, adds no more than were pruned when a tick's admissions are pruned
// together. They are not multiplied by the gain: most put no load on the downstream
// (a resident silent for over Idle who comes back is counted again as active, and
// for up to Idle also here — an excess the rate still bounds). Measuring the
// flow, rather than fixing it, fits the window to the people in line: a load
// generator books within a second of its turn, a resident typing codes in minutes.
// Only healthy seconds with at least minFlows bookings teach it: in slow ones the flow
// is long because of the slowness the window is there to bound, and in quiet ones a
// few residents' timing would set it.
func (c *Controller) Window(rate float64) int {
	c.mu.Lock()
	flow, held := c.flow, c.held
	c.mu.Unlock()
	if flow <= 0 || c.cfg.WindowGain <= 0 {
		return 0
	}
	return max(int(math.Ceil(c.cfg.WindowGain*rate*flow.Seconds()+float64(held))), 1)
}

// learnFlow folds this second's mean flow into the usual one when the second was
// healthy, and forgets the second's flows. The mean, not the median: the people a
// flow holds are its rate times the mean time in it (Little's law), and the times are
// skewed — most residents verify once by a fast method, some twice or by a provider's
// four pages. At 20:00 the median stayed at 165 ms while the mean was 300–500 ms, so
// a window of twice the people by the median held fewer than the rate let in, and
// bound admission to two thirds of the rate in seconds the downstream was healthy.
// Call with c.mu held.
func (c *Controller) learnFlow(healthy bool) {
	if healthy && len(c.flows) >= minFlows {
		var sum time.Duration
		for _, f := range c.flows {
			sum += f
		}
		mean := sum / time.Duration(len(c.flows))
		if c.flow == 0 {
			c.flow = mean
		} else {
			c.flow += (mean - c.flow) / 4
		}
	}
	c.flows = c.flows[:0]
}

// Tick returns the rate for the next second from the current one and forgets the
// observations. The rate rises only while people wait and the active bound is not
// reached (otherwise more rate would admit nobody), and falls whenever the downstream
// is unhealthy. A second without calls keeps the rate: nothing was learned, and growing
// then would carry the rate to its maximum while admission is held before an opening
// (or while the downstream is stalled), so the opening would be let in at full speed.
//
// Two rules keep the rate near what the machine serves instead of swinging across it.
// The admitted reach verification and booking seconds after they are let in (they
// wake from a poll, claim, read the page), so a cut shows only when they have arrived:
// when the slowness began after healthy seconds, the rate is cut at most every Settle
// ticks (see settle) — cutting on every slow second of those admitted before the cut
// took a 20,000-resident burst from 906/s down to the minimum of 10/s in 12 s while the
// line still held 1,700 people. And the rate grows by a share only while the
// downstream answers in under half its targets; nearer them it grows by Step, so the
// overshoot made before the slow answers arrive stays small. While the admission window
// is full it grows by Step alone: the downstream looks healthy because the window holds
// it there, and growing by a share would widen the window by a tenth a second until it
// no longer held anything (a run grew the rate from 285/s to 2,100/s in 20 s that way);
// it still grows by Step, so that a window that holds a healthy downstream back widens
// slowly (the places of those who gave up are added by Window itself).
func (c *Controller) Tick(rate float64, l Load) float64 {
	c.mu.Lock()
	n := c.n[Verification] + c.n[Booking]
	verify, book := c.percentile(Verification, 95), c.percentile(Booking, 99)
	failing := float64(c.failed) >= c.cfg.MaxErrors*float64(n)
	healthy := n == 0 || (verify < c.cfg.VerifyTarget && book < c.cfg.BookTarget && !failing)
	easy := verify < c.cfg.VerifyTarget/2 && book < c.cfg.BookTarget/2
	c.hist, c.n, c.failed = [steps][buckets + 1]uint32{}, [steps]int{}, 0
	c.learnFlow(n > 0 && healthy)
	c.held = l.Held
	settling := c.settle(n > 0, healthy)
	c.mu.Unlock()
	switch {
	case n == 0, settling: // nothing learned, or a cut still to show: keep the rate
	case !healthy:
		rate *= c.cfg.Cut
	case l.Waiting > 0 && (l.MaxActive == 0 || l.Active < l.MaxActive):
		add := c.cfg.Step
		if easy && (l.Window == 0 || l.Active < l.Window) {
			add = max(add, rate*c.cfg.Grow)
		}
		rate += add
	}
	return min(max(rate, c.cfg.Min), c.cfg.Max)
}

// settle keeps the count of ticks after a cut and says whether this tick is one of
// them. A slowness that follows healthy seconds is lagged: people admitted while the
// downstream looked healthy are still arriving, and a cut shows only after them, so
// cuts are Settle ticks apart. A slowness from the first second (an opening let in at
// too high a starting rate) has nobody on the way and is cut every second. Call with
// c.mu held.
func (c *Controller) settle(calls, healthy bool) bool {
	settling := c.settling > 0
	if settling {
		c.settling--
	}
	if !calls {
		return settling
	}
	c.lagged = !healthy && (c.lagged || c.wasHealthy)
	c.wasHealthy = healthy
	if !healthy && !settling && c.lagged {
		c.settling = c.cfg.Settle - 1
	}
	return settling
}

// percentile returns the upper edge of the bucket holding the step's p-th percentile,
// 0 when the step had no calls.
func (c *Controller) percentile(step Step, p int) time.Duration {
	if c.n[step] == 0 {
		return 0
	}
	want := (c.n[step]*p + 99) / 100
	seen := 0
	for i, v := range c.hist[step] {
		seen += int(v)
		if seen >= want {
			return time.Duration(i+1) * bucketWidth
		}
	}
	return buckets * bucketWidth
}
