package cert

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// gate shapes the CA check like a real provider's: a number of checks at once, a rate
// per second and a latency per check. It reads the system clock, not the service
// clock: it models throughput in real time, which --now does not shift.
type gate struct {
	latency time.Duration
	slots   chan struct{} // nil: no concurrency limit
	// pace spaces starts evenly (a burst of one), like a provider that throttles each
	// request; nil: no rate limit.
	pace *rate.Limiter
}

func newGate(latency time.Duration, concurrent int, perSecond float64) *gate {
	g := &gate{latency: latency}
	if concurrent > 0 {
		g.slots = make(chan struct{}, concurrent)
	}
	if perSecond > 0 {
		g.pace = rate.NewLimiter(rate.Limit(perSecond), 1)
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
	// Wait refuses at once a turn that would come after the context's deadline.
	if g.pace != nil && g.pace.Wait(ctx) != nil {
		release()
		return nil, ErrBusy
	}
	if g.latency > 0 {
		if err := sleep(ctx, time.Now().Add(g.latency)); err != nil {
			release()
			return nil, err
		}
	}
	return release, nil
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
