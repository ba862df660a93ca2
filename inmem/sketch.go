package inmem

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"vaxbook"
)

// SketchLimiter is an in-process vaxbook.Limiter whose memory does not grow with the
// number of keys: Limiter keeps a list per key, which for 1.9 million devices
// joining within a minute is hundreds of megabytes. It counts events in a count-min
// sketch (two rows of saturating byte counters) for the current and the previous fixed
// window and estimates the sliding count as previous·(1 − elapsed share) + current.
// It may refuse a key that shares both counters with busy keys (rarely, when the width
// is well above the number of keys per window); it never allows more than the limit.
type SketchLimiter struct {
	limit  float64
	window int64 // ms
	width  uint64
	seed   maphash.Seed
	mu     sync.Mutex
	start  int64   // ms, start of the current window
	cur    []uint8 // 2 rows of width
	prev   []uint8
}

var _ vaxbook.Limiter = (*SketchLimiter)(nil)

// NewSketchLimiter returns a limiter allowing limit events per key within window, with
// width counters per row (memory: 4·width bytes). A width of 4× the keys expected per
// window keeps false refusals of a limit of 3 near one in a hundred thousand (limits
// of 1 need far more width).
func NewSketchLimiter(limit int, window time.Duration, width int) *SketchLimiter {
	width = max(width, 64)
	return &SketchLimiter{
		limit: float64(min(max(limit, 1), 255)), window: max(window.Milliseconds(), 1), width: uint64(width),
		seed: maphash.MakeSeed(), cur: make([]uint8, 2*width), prev: make([]uint8, 2*width),
	}
}

// Allow implements vaxbook.Limiter. The retry instant is when the estimate falls below
// the limit if nothing more happens.
func (l *SketchLimiter) Allow(_ context.Context, key string, now time.Time) (bool, time.Time, error) {
	h := maphash.String(l.seed, key)
	i, j := h%l.width, l.width+(h>>32)%l.width
	ms := now.UnixMilli()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(ms)
	cur := float64(min(l.cur[i], l.cur[j]))
	prev := float64(min(l.prev[i], l.prev[j]))
	elapsed := min(max(float64(ms-l.start)/float64(l.window), 0), 1)
	if prev*(1-elapsed)+cur < l.limit {
		l.cur[i] = min(l.cur[i]+1, 255)
		l.cur[j] = min(l.cur[j]+1, 255)
		return true, time.Time{}, nil
	}
	var at float64 // in windows from l.start
	if cur < l.limit {
		at = 1 - (l.limit-cur)/prev
	} else {
		at = 1 + 1 - l.limit/cur
	}
	return false, time.UnixMilli(l.start + int64(at*float64(l.window)) + 1).In(now.Location()), nil
}

// roll moves the windows to the one holding ms.
func (l *SketchLimiter) roll(ms int64) {
	start := ms - ms%l.window
	switch {
	case start <= l.start:
	case start == l.start+l.window:
		l.prev, l.cur = l.cur, l.prev
		clear(l.cur)
	default:
		clear(l.prev)
		clear(l.cur)
	}
	l.start = max(l.start, start)
}
