package queue

import (
	"math"
	"slices"
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
	// WindowGain sizes the admission window: this many times the people an unhurried
	// flow holds (the rate × the shortest recent stay in it). Negative turns the window
	// off.
	WindowGain float64
}

// DefaultControlConfig returns a verification p95 of 500 ms and a booking p99 of 300 ms
// (what the service promises the admitted, measured at the server), 1 %, +20/s or +10 %
// (whichever is more), ×0.7 at most every 3 s, within [10, 5000]/s, and a window of
// 1.3 times the people an unhurried flow holds. The old system served about 2M
// bookings an hour (≈ 550/s), so 5000/s leaves ample headroom. A fixed step alone took
// minutes to climb from a low rate to a machine's capacity while the whole day's group
// waited: growing by a share climbs from 500/s to 3000/s in about 20 healthy seconds,
// and the cuts still halve an overshoot within four seconds. The window binds once
// people stay 1.3 times as long as when nothing queued, as BBR bounds the data in
// flight by the bandwidth-delay product: at a gain of 2 (BBR's) a saturated 2-core
// machine held twice the unhurried flow, and the seconds it took to drain kept a
// 200,000-resident line's booking p99 near 400 ms; at 1.3 it stayed under 250 ms, and
// 20,000 residents went as fast.
func DefaultControlConfig() ControlConfig {
	return ControlConfig{VerifyTarget: 500 * time.Millisecond, BookTarget: 300 * time.Millisecond,
		MaxErrors: 0.01, Step: 20, Grow: 0.1, Cut: 0.7, Settle: 3, Min: 10, Max: 5000, WindowGain: 1.3}
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
	// Head and Pruned are the counters' totals of people admitted and pruned, read at
	// At. From one tick to the next, those admitted and those active before, less
	// those active now and those pruned, are the people who finished: counted from
	// every instance's requests alike, and including the wait between a person's turn
	// and their claim, which no one request shows.
	Head, Pruned uint64
	At           time.Time
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
	held               uint64 // the last Load's Held
	prev               Load   // the last tick's, to count who finished since
	// stays are how long people stayed in the flow in the last recent healthy, steady
	// seconds, and finishes the finish rates of the last recent seconds in which the
	// line, not the arrivals or the window, limited them.
	stays    ring[time.Duration]
	finishes ring[float64]
}

// ring keeps the last recent values of a measure; a zero is none.
type ring[T float64 | time.Duration] struct {
	v    [recent]T
	next int
}

func (r *ring[T]) add(x T) {
	r.v[r.next] = x
	r.next = (r.next + 1) % recent
}

// least returns the smallest value kept, 0 with none.
func (r *ring[T]) least() T {
	var m T
	for _, x := range r.v {
		if x > 0 && (m == 0 || x < m) {
			m = x
		}
	}
	return m
}

// recent is how many seconds the window's stay is the shortest of and the rate's
// ceiling the best finish rate of: long enough to span a cut and the seconds after it,
// short enough to follow a downstream that changed (as BBR keeps the shortest round
// trip and the best delivery rate of about ten round trips). minFinished is the fewest
// people who must finish in a second for it to teach anything, so that a quiet
// second's few residents do not set the window. The rate grows only while it is less
// than finishHeadroom above the best finish rate: enough to lead the finish rate,
// which trails it by a stay while the line climbs, and no more.
const (
	recent         = 10
	minFinished    = 3
	finishHeadroom = 0.1
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

// Window returns the admission window for rate: WindowGain times the people an
// unhurried flow holds (the rate × the shortest stay of the last recent healthy,
// steady seconds), plus the places held by people who left without booking, at least
// 1; 0 (no window) until such a second has seen people finish, or with the window off.
// The stay is measured, not assumed: by Little's law, the people in the flow (those
// active, less those who left and hold a place) over those finishing a second, from
// the shared counters. It includes the wait between a person's turn and their claim
// (a page polling every second or two), which the time from claim to booking left
// out: at 20:00 people stayed 330–370 ms while claim to booking took 150–177 ms, so a
// window of twice the latter was full in every second. The shortest stay, not the
// usual one: a saturated machine lengthens every stay by its queueing while answers
// are still fast enough to count as healthy, and a window that learnt them grew from
// 186 to 517 ms of flow in ten seconds and held the queue it should have bounded.
// Those who leave hold their place for Idle after their last request, so the places they hold now are about the people pruned in the
// last Idle (Little's law with a stay of Idle), read from the counters' samples so that
// every lease holder sees the same count from its first tick: without them, a window of a few hundred
// was filled by people who gave up once a group's shares ran out (about 20 a second ×
// 30 s), and admission fell by half while the downstream idled. A count, rather than a
// rate × Idle, adds no more than were pruned when a tick's admissions are pruned
// together. They are not multiplied by the gain: most put no load on the downstream
// (a resident silent for over Idle who comes back is counted again as active, and
// for up to Idle also here — an excess the rate still bounds). Measuring the
// stay, rather than fixing it, fits the window to the people in line: a load
// generator books within a second of its turn, a resident typing codes in minutes.
func (c *Controller) Window(rate float64) int {
	c.mu.Lock()
	stay, held := c.stays.least(), c.held
	c.mu.Unlock()
	if stay <= 0 || c.cfg.WindowGain <= 0 {
		return 0
	}
	return max(int(math.Ceil(c.cfg.WindowGain*rate*stay.Seconds()+float64(held))), 1)
}

// learn counts, from the counters' totals since the last tick, the people who
// finished, and keeps their rate when the line limited it and how long people stayed
// when the second was healthy and steady. A finish rate counts only when people waited
// and neither the window nor the active bound was full: otherwise it says how many
// came, or how wide the window was (BBR leaves such samples out), not how many the
// downstream serves. A stay counts only when the admitted and the finished are within
// a quarter of each other: while a line opens or drains, Little's law does not hold
// from one second to the next. Totals going back (a counters' restore) and quiet
// seconds teach nothing. Call with c.mu held.
func (c *Controller) learn(l Load, healthy bool) {
	p := c.prev
	c.prev = l
	dt := l.At.Sub(p.At).Seconds()
	if p.At.IsZero() || dt <= 0 || l.Head < p.Head || l.Pruned < p.Pruned {
		return
	}
	admitted := float64(l.Head - p.Head)
	finished := admitted + float64(p.Active) - float64(l.Active) - float64(l.Pruned-p.Pruned)
	if finished < minFinished {
		return
	}
	full := (l.Window > 0 && l.Active >= l.Window) || (l.MaxActive > 0 && l.Active >= l.MaxActive)
	if l.Waiting > 0 && !full {
		c.finishes.add(finished / dt)
	}
	inside := float64(p.Active+l.Active)/2 - float64(l.Held)
	steady := admitted <= 1.25*finished && finished <= 1.25*admitted
	if healthy && steady && inside > 0 {
		c.stays.add(time.Duration(inside / (finished / dt) * float64(time.Second)))
	}
}

// Tick returns the rate for the next second from the current one and forgets the
// observations. The rate rises only while people wait and the active bound is not
// reached (otherwise more rate would admit nobody), and falls whenever the downstream
// is unhealthy. A second without calls keeps the rate: nothing was learned, and growing
// then would carry the rate to its maximum while admission is held before an opening
// (or while the downstream is stalled), so the opening would be let in at full speed.
//
// Three rules keep the rate near what the machine serves instead of swinging across it.
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
// slowly (the places of those who gave up are added by Window itself). Last, the rate
// grows only while it leads the best recent finish rate by less than finishHeadroom:
// latency shows a saturated downstream late, and a 200,000-resident line saw the rate
// climb by a tenth a second to 1,400/s while about 1,050 a second finished, until a
// second of slow bookings brought the cut; what finishes shows it at once.
func (c *Controller) Tick(rate float64, l Load) float64 {
	c.mu.Lock()
	n := c.n[Verification] + c.n[Booking]
	verify, book := c.percentile(Verification, 95), c.percentile(Booking, 99)
	failing := float64(c.failed) >= c.cfg.MaxErrors*float64(n)
	healthy := n == 0 || (verify < c.cfg.VerifyTarget && book < c.cfg.BookTarget && !failing)
	easy := verify < c.cfg.VerifyTarget/2 && book < c.cfg.BookTarget/2
	c.hist, c.n, c.failed = [steps][buckets + 1]uint32{}, [steps]int{}, 0
	c.learn(l, n > 0 && healthy)
	best := slices.Max(c.finishes.v[:])
	ahead := best > 0 && rate >= best*(1+finishHeadroom)
	c.held = l.Held
	settling := c.settle(n > 0, healthy)
	c.mu.Unlock()
	switch {
	case n == 0, settling: // nothing learned, or a cut still to show: keep the rate
	case !healthy:
		rate *= c.cfg.Cut
	case ahead: // the rate already leads what finishes by the headroom: keep it
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
