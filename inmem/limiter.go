package inmem

import (
	"context"
	"sync"
	"time"

	"vaxbook"
)

// Limiter is the exact in-process vaxbook.Limiter. It keeps, per key, the instants of at most
// limit recent events; keys whose events all left the window are swept lazily, when
// the map has doubled since the last sweep.
type Limiter struct {
	limit     int
	window    time.Duration
	mu        sync.Mutex
	events    map[string][]time.Time
	nextSweep int
}

var _ vaxbook.Limiter = (*Limiter)(nil)

// NewLimiter returns a limiter allowing limit events per key within window.
func NewLimiter(limit int, window time.Duration) *Limiter {
	return &Limiter{limit: limit, window: window, events: make(map[string][]time.Time), nextSweep: minSweep}
}

// Allow implements Limiter.
func (l *Limiter) Allow(_ context.Context, key string, now time.Time) (bool, time.Time, error) {
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
func (l *Limiter) recent(ev []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ev) && !now.Before(ev[i].Add(l.window)) {
		i++
	}
	return ev[i:]
}
