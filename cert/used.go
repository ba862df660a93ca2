package cert

import (
	"context"
	"sync"
	"time"
)

// UsedChallenges records spent challenges, which makes a stateless challenge single-use.
// It has an in-process implementation (MemUsed); a shared one (Redis: SET NX with a
// time to live of until−now) is needed when several instances serve one population.
type UsedChallenges interface {
	// Use marks the challenge id spent and reports whether this call was the first to
	// do so. The mark must last at least until `until`, after which the challenge
	// expires anyway; now is the service clock's instant, so an implementation whose
	// store has its own clock (Redis) keeps the mark for until−now. It must be atomic:
	// of two calls at once with one id exactly one sees first == true.
	Use(ctx context.Context, id string, now, until time.Time) (first bool, err error)
}

// MemUsed is the in-process UsedChallenges. Expired marks are swept lazily, when the
// map has doubled since the last sweep, so memory follows the challenges of the last
// few minutes without a goroutine to stop.
type MemUsed struct {
	mu        sync.Mutex
	m         map[string]time.Time // id → until
	nextSweep int
}

var _ UsedChallenges = (*MemUsed)(nil)

// minSweep is the map size below which sweeping is not worth it.
const minSweep = 1024

// NewMemUsed returns an empty in-process UsedChallenges.
func NewMemUsed() *MemUsed {
	return &MemUsed{m: make(map[string]time.Time), nextSweep: minSweep}
}

// Use implements UsedChallenges.
func (u *MemUsed) Use(_ context.Context, id string, now, until time.Time) (bool, error) {
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
func (u *MemUsed) Len() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.m)
}
