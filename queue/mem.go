package queue

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"

	"vaxbook"
)

// MemCounters are the in-process Counters of a single instance. Times are kept in
// milliseconds, as in Redis, so that both implementations agree to the millisecond.
type MemCounters struct {
	mu         sync.Mutex
	init       bool
	issued     uint64
	head       uint64
	carry      float64
	rate       float64
	window     int
	auto       bool
	paused     bool
	last       int64
	lastSample int64
	samples    []Sample
	openings   []Opening
	active     map[uint64]int64 // admitted order key → last seen, bounded by MaxActive
	pruned     uint64
	leader     string
	leaseUntil int64
}

var _ Counters = (*MemCounters)(nil)

// NewMemCounters returns empty counters; the Room restores them on first use.
func NewMemCounters() *MemCounters {
	return &MemCounters{active: make(map[uint64]int64)}
}

// Issue implements Counters.
func (c *MemCounters) Issue(_ context.Context, _ time.Time) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.init {
		return 0, ErrLost
	}
	c.issued++
	return c.issued, nil
}

// Advance implements Counters.
func (c *MemCounters) Advance(_ context.Context, now time.Time, p AdvanceParams) (State, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.init {
		return State{}, ErrLost
	}
	ms := now.UnixMilli()
	for _, o := range p.Openings {
		at := o.At.UnixMilli()
		if at > ms || slices.ContainsFunc(c.openings, func(r Opening) bool { return r.At.UnixMilli() == at }) {
			continue
		}
		lo := max(c.head, c.state().rangeHi())
		c.openings = append(c.openings, Opening{At: msTime(at), Lo: lo, Hi: max(c.issued, lo), Seed: o.Seed})
		slices.SortFunc(c.openings, func(a, b Opening) int { return a.At.Compare(b.At) })
	}
	for seq, seen := range c.active {
		if ms-seen > p.Idle.Milliseconds() {
			delete(c.active, seq)
			c.pruned++
		}
	}
	dt := float64(0)
	if c.last > 0 {
		dt = float64(min(max(ms-c.last, 0), p.MaxStep.Milliseconds()))
	}
	free := p.MaxActive - len(c.active)
	if !c.paused && !p.Hold && c.issued > c.head && (p.MaxActive == 0 || free > 0) {
		x := c.carry + c.rate*dt/1000
		adv := math.Floor(x)
		c.carry = x - adv
		if p.MaxActive > 0 {
			adv = min(adv, float64(free))
		}
		old := c.head
		c.head = min(c.head+uint64(adv), c.issued)
		for k := old + 1; k <= c.head; k++ {
			c.active[k] = max(c.active[k], ms)
		}
		if c.head == c.issued {
			c.carry = 0
		}
	} else {
		c.carry = 0
	}
	c.last = max(c.last, ms)
	if ms-c.lastSample >= 1000 {
		c.lastSample = ms
		c.samples = append(c.samples, Sample{At: msTime(ms), Head: c.head, Issued: c.issued, Pruned: c.pruned})
		if n := len(c.samples) - max(p.Samples, 1); n > 0 {
			c.samples = slices.Delete(c.samples, 0, n)
		}
	}
	return c.state(), nil
}

// State implements Counters.
func (c *MemCounters) State(context.Context) (State, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.init {
		return State{}, ErrLost
	}
	return c.state(), nil
}

func (c *MemCounters) state() State {
	return State{
		Issued: c.issued, Head: c.head, Carry: c.carry, Rate: c.rate, Window: c.window, Auto: c.auto,
		Paused: c.paused, Last: msTime(c.last), Active: len(c.active), Pruned: c.pruned,
		Samples: slices.Clone(c.samples), Openings: slices.Clone(c.openings),
	}
}

// Restore implements Counters.
func (c *MemCounters) Restore(_ context.Context, s State, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.init {
		return nil
	}
	c.init = true
	c.issued, c.head = s.Issued, min(s.Head, s.Issued)
	c.rate, c.auto, c.paused, c.window, c.pruned = s.Rate, s.Auto, s.Paused, 0, 0
	c.carry, c.last, c.lastSample, c.samples = 0, now.UnixMilli(), 0, nil
	c.openings = nil
	for _, o := range s.Openings {
		o.At = msTime(o.At.UnixMilli())
		c.openings = append(c.openings, o)
	}
	slices.SortFunc(c.openings, func(a, b Opening) int { return a.At.Compare(b.At) })
	return nil
}

// Raise implements Counters.
func (c *MemCounters) Raise(_ context.Context, issued, head uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.init {
		return ErrLost
	}
	c.issued = max(c.issued, issued)
	c.head = max(c.head, min(head, c.issued))
	return nil
}

// SetRate implements Counters.
func (c *MemCounters) SetRate(_ context.Context, rate float64, auto bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.init {
		return ErrLost
	}
	c.rate, c.auto, c.window = rate, auto, 0
	return nil
}

// AdjustRate implements Counters.
func (c *MemCounters) AdjustRate(_ context.Context, rate float64, window int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.init {
		return ErrLost
	}
	if c.auto {
		c.rate, c.window = rate, window
	}
	return nil
}

// SetPaused implements Counters.
func (c *MemCounters) SetPaused(_ context.Context, paused bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.init {
		return ErrLost
	}
	c.paused = paused
	return nil
}

// Touch implements Counters.
func (c *MemCounters) Touch(_ context.Context, key uint64, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active[key] = max(c.active[key], now.UnixMilli())
	return nil
}

// Done implements Counters.
func (c *MemCounters) Done(_ context.Context, key uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.active, key)
	return nil
}

// TryLead implements Counters.
func (c *MemCounters) TryLead(_ context.Context, instance string, now time.Time, ttl time.Duration) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ms := now.UnixMilli()
	if c.leader == instance || ms >= c.leaseUntil {
		c.leader, c.leaseUntil = instance, ms+ttl.Milliseconds()
		return true, nil
	}
	return false, nil
}

func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).In(vaxbook.Seoul)
}
