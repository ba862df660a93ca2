package queue

import (
	"math/rand/v2"
	"time"
)

// measuredRate returns the admissions per second over the samples of the last window.
// It is meaningful only when the line never ran empty in that window: otherwise the head
// was held back by arrivals, not by admission, and the rate says nothing about a wait.
func measuredRate(samples []Sample, window time.Duration) (float64, bool) {
	if len(samples) < 2 {
		return 0, false
	}
	last := samples[len(samples)-1]
	i := len(samples) - 2
	for i > 0 && last.At.Sub(samples[i-1].At) <= window {
		i--
	}
	for _, s := range samples[i:] {
		if s.Head >= s.Issued {
			return 0, false
		}
	}
	dt := last.At.Sub(samples[i].At).Seconds()
	if dt <= 0 {
		return 0, false
	}
	return float64(last.Head-samples[i].Head) / dt, true
}

// rateFor returns the rate a wait is estimated from: measured over the last 30 s, or
// over all samples if the head stood still for 30 s (admission stopped by the active
// bound), or else the configured rate.
func rateFor(s State) float64 {
	if r, ok := measuredRate(s.Samples, 30*time.Second); ok && r > 0 {
		return r
	}
	if r, ok := measuredRate(s.Samples, 24*time.Hour); ok && r > 0 {
		return r
	}
	return s.Rate
}

// passedAt returns when the head first reached key: the first sample at or past it
// (at most a second after the fact, in the person's favour), or now if no sample shows
// it yet. After a loss the samples restart, so an old admission gets a fresh window:
// generous, never unfair to others.
func passedAt(samples []Sample, key uint64, now time.Time) time.Time {
	for _, s := range samples {
		if s.Head >= key {
			return s.At
		}
	}
	return now
}

// waitRange returns the honest range of a wait for pos people at rate r: the rate may
// run 25 % faster or slower than measured.
func waitRange(pos uint64, r float64) (lo, hi time.Duration) {
	if r <= 0 {
		return 0, 0
	}
	secs := float64(pos) / r
	return seconds(secs / 1.25), seconds(secs / 0.8)
}

// pollAfter returns how long a client should wait before asking again: half the
// earliest it may be admitted, clamped, with ±20 % jitter so that clients do not
// synchronise. max must stay below the claim window so that nobody sleeps through
// their turn. Half, not less: a turn that comes while the client sleeps waits for it
// within the claim window, and every poll is a request at the busiest time (a fifth
// made 7 polls a booking in a 20,000-resident burst, half makes about 4).
func pollAfter(earliest, lo, hi time.Duration) time.Duration {
	d := min(max(earliest/2, lo), hi)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

func seconds(s float64) time.Duration {
	const maxSecs = float64(1<<63-1) / float64(time.Second)
	return time.Duration(min(s, maxSecs) * float64(time.Second))
}
