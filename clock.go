package vaxbook

import (
	"sync"
	"time"
)

// Clock tells the current instant. Every rule reads the time through a Clock so that the
// service can be started at any instant (--now) and tests can step through a booking day.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real time.
type SystemClock struct{}

// Now returns time.Now in Seoul.
func (SystemClock) Now() time.Time { return time.Now().In(Seoul) }

// OffsetClock starts at a chosen instant and then runs at real speed. It is what --now
// gives the service.
type OffsetClock struct {
	offset time.Duration
}

// NewOffsetClock returns a clock that reads start now and advances in real time.
func NewOffsetClock(start time.Time) *OffsetClock {
	return &OffsetClock{offset: start.Sub(time.Now())}
}

// Now returns the shifted current instant in Seoul.
func (c *OffsetClock) Now() time.Time { return time.Now().Add(c.offset).In(Seoul) }

// ManualClock is a clock that moves only when told to. It is safe for concurrent use and
// meant for tests.
type ManualClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewManualClock returns a clock stopped at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{t: t} }

// Now returns the clock's instant in Seoul.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t.In(Seoul)
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
