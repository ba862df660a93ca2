package vaxbook

import (
	"context"
	"time"
)

// Limiter counts events per key in a sliding window: it allows at most a fixed number of
// events per key within the window. Every bound of the service uses it — code sends per
// device and number, verifications, searches and bookings per person and address, staff
// logins, waiting-room joins. It has in-process implementations (inmem.Limiter, exact;
// inmem.SketchLimiter, fixed memory) and a shared one (redis.Limiter).
type Limiter interface {
	// Allow records an event for key at now if fewer than the limit happened in the
	// window before now, and returns true. Otherwise it records nothing and returns
	// false and the instant the oldest counted event leaves the window.
	Allow(ctx context.Context, key string, now time.Time) (ok bool, retryAt time.Time, err error)
}
