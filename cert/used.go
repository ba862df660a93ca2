package cert

import (
	"context"
	"time"
)

// UsedChallenges records spent challenges, which makes a stateless challenge single-use.
// It has an in-process implementation (inmem.UsedChallenges); a shared one (Redis: SET NX with a
// time to live of until−now) is needed when several instances serve one population.
type UsedChallenges interface {
	// Use marks the challenge id spent and reports whether this call was the first to
	// do so. The mark must last at least until `until`, after which the challenge
	// expires anyway; now is the service clock's instant, so an implementation whose
	// store has its own clock (Redis) keeps the mark for until−now. It must be atomic:
	// of two calls at once with one id exactly one sees first == true.
	Use(ctx context.Context, id string, now, until time.Time) (first bool, err error)
}
