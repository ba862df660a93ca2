package phone

import (
	"context"
	"sync"
	"time"
)

// Limiter counts events per key in a sliding window: it allows at most a fixed number
// of events per key within the window. The method uses it to bound code sends per device
// and per phone number. It has an in-process implementation (MemLimiter) and will get
// a Redis one.
type Limiter interface {
	// Allow records an event for key at now if fewer than the limit happened in the
	// window before now, and returns true. Otherwise it records nothing and returns
	// false and the instant the oldest counted event leaves the window.
	Allow(ctx context.Context, key string, now time.Time) (ok bool, retryAt time.Time, err error)
}

// MemLimiter is the in-process Limiter. It keeps, per key, the instants of at most
// limit recent events; keys whose events all left the window are swept lazily, when
// the map has doubled since the last sweep.
type MemLimiter struct {
	limit     int
	window    time.Duration
	mu        sync.Mutex
	events    map[string][]time.Time
	nextSweep int
}

var _ Limiter = (*MemLimiter)(nil)

// NewMemLimiter returns a limiter allowing limit events per key within window.
func NewMemLimiter(limit int, window time.Duration) *MemLimiter {
	return &MemLimiter{limit: limit, window: window, events: make(map[string][]time.Time), nextSweep: minSweep}
}

// Allow implements Limiter.
func (l *MemLimiter) Allow(_ context.Context, key string, now time.Time) (bool, time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ev := l.recent(l.events[key], now)
	if len(ev) >= l.limit {
		l.events[key] = ev
		return false, ev[0].Add(l.window), nil
	}
	l.events[key] = append(ev, now)
	if len(l.events) >= l.nextSweep {
		for k, ev := range l.events {
			if len(l.recent(ev, now)) == 0 {
				delete(l.events, k)
			}
		}
		l.nextSweep = max(2*len(l.events), minSweep)
	}
	return true, time.Time{}, nil
}

// recent returns the events of ev still within the window at now. Events are in the
// order recorded, so the expired ones are a prefix.
func (l *MemLimiter) recent(ev []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ev) && !now.Before(ev[i].Add(l.window)) {
		i++
	}
	return ev[i:]
}
