package cert

import (
	"context"
	"sync"
	"time"
)

// gate shapes the CA check like a real provider's: a number of checks at once, a rate
// per second and a latency per check. It reads the system clock, not the service
// clock: it models throughput in real time, which --now does not shift.
type gate struct {
	latency  time.Duration
	slots    chan struct{} // nil: no concurrency limit
	interval time.Duration // 0: no rate limit

	mu   sync.Mutex
	next time.Time // the earliest start of the next check under the rate limit
}

func newGate(latency time.Duration, concurrent int, perSecond float64) *gate {
	g := &gate{latency: latency}
	if concurrent > 0 {
		g.slots = make(chan struct{}, concurrent)
	}
	if perSecond > 0 {
		g.interval = time.Duration(float64(time.Second) / perSecond)
	}
	return g
}

// enter waits for a slot, a turn under the rate and the latency, then returns the
// function that frees the slot. A check that cannot start before its context ends is
// ErrBusy, so that a resident waits no longer than their request allows and may switch
// to a less congested method (rule 8).
func (g *gate) enter(ctx context.Context) (release func(), err error) {
	release = func() {}
	if g.slots != nil {
		select {
		case g.slots <- struct{}{}:
			release = func() { <-g.slots }
		case <-ctx.Done():
			return nil, ErrBusy
		}
	}
	if g.interval > 0 {
		if err := g.pace(ctx); err != nil {
			release()
			return nil, err
		}
	}
	if g.latency > 0 {
		if err := sleep(ctx, time.Now().Add(g.latency)); err != nil {
			release()
			return nil, err
		}
	}
	return release, nil
}

// pace books the next start under the rate limit and waits for it. Starts are spaced
// evenly, without bursts, like a provider that throttles each request. A turn that
// would come after the context's deadline is refused at once rather than waited for.
func (g *gate) pace(ctx context.Context) error {
	g.mu.Lock()
	now := time.Now()
	at := g.next
	if at.Before(now) {
		at = now
	}
	if dl, ok := ctx.Deadline(); ok && at.After(dl) {
		g.mu.Unlock()
		return ErrBusy
	}
	g.next = at.Add(g.interval)
	g.mu.Unlock()
	return sleep(ctx, at)
}

// sleep waits until the instant, or returns ErrBusy if the context ends first.
func sleep(ctx context.Context, until time.Time) error {
	d := time.Until(until)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ErrBusy
	}
}
