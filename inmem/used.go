package inmem

import (
	"context"
	"sync"
	"time"
)

// UsedChallenges is the in-process cert.UsedChallenges. Expired marks are swept lazily, when the
// map has doubled since the last sweep, so memory follows the challenges of the last
// few minutes without a goroutine to stop.
type UsedChallenges struct {
	mu        sync.Mutex
	m         map[string]time.Time // id → until
	nextSweep int
}

// NewUsedChallenges returns an empty in-process UsedChallenges.
func NewUsedChallenges() *UsedChallenges {
	return &UsedChallenges{m: make(map[string]time.Time), nextSweep: minSweep}
}

// Use implements cert.UsedChallenges.
func (u *UsedChallenges) Use(_ context.Context, id string, now, until time.Time) (bool, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	// A mark that has outlived its challenge no longer counts, so a sweep that has
	// not run yet changes nothing.
	if t, ok := u.m[id]; ok && now.Before(t) {
		return false, nil
	}
	u.m[id] = until
	if len(u.m) >= u.nextSweep {
		for k, t := range u.m {
			if !now.Before(t) {
				delete(u.m, k)
			}
		}
		u.nextSweep = max(2*len(u.m), minSweep)
	}
	return true, nil
}

// Len returns the number of marks held, swept or not, for tests and metrics.
func (u *UsedChallenges) Len() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.m)
}
