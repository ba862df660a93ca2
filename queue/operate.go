package queue

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"vaxbook"
)

// leaseTTL is how long the controller lease lasts; the leader renews it every second.
const leaseTTL = 3 * time.Second

// Run advances the queue every Tick and, on the one instance holding the lease, runs
// the controller every second, until ctx is done. Every instance runs it: Advance is
// atomic and computes from time, so instances never admit twice.
func (r *Room) Run(ctx context.Context) error {
	tick := time.NewTicker(r.cfg.Tick)
	defer tick.Stop()
	var lastControl time.Time
	for {
		now := r.cfg.Clock.Now()
		if _, err := r.Advance(ctx, now); err != nil && ctx.Err() == nil {
			r.cfg.Log.Error("queue advance", "err", err)
		}
		if now.Sub(lastControl) >= time.Second {
			lastControl = now
			if err := r.Control(ctx, now); err != nil && ctx.Err() == nil {
				r.cfg.Log.Error("queue control", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// Advance brings the queue to now and keeps the snapshot that Status reads. Run calls
// it; tests call it to step a manual clock.
func (r *Room) Advance(ctx context.Context, now time.Time) (State, error) {
	held, _ := r.held(now)
	p := AdvanceParams{
		MaxActive: r.bound(r.state.Load()), Hold: held, Idle: r.cfg.Idle, Openings: r.dueOpenings(now),
		Samples: int(r.cfg.ClaimWindow/time.Second) + 60, MaxStep: 2 * time.Second,
	}
	var s State
	err := r.retry(ctx, now, func() (err error) {
		s, err = r.cfg.Counters.Advance(ctx, now, p)
		return err
	})
	if err != nil {
		return State{}, fmt.Errorf("advance queue: %w", err)
	}
	r.state.Store(&s)
	r.waiters.release(s.Head)
	return s, nil
}

// bound returns the most admitted people who may be active at once: MaxActive, and
// while the controller sets the rate, its admission window (from the last state seen,
// so every instance applies the same). The window is what clocks admission by
// completions: the people let in leave it when they book, so when the downstream slows
// and they take longer, nobody more is let in until some finish — at once, whatever
// the rate says. A rate alone is corrected only after the slowness shows, by which
// time seconds of admissions are on their way. An operator's rate is not bounded by
// it: they asked for so many a second.
func (r *Room) bound(s *State) int {
	if s == nil || !s.Auto || s.Window <= 0 {
		return r.cfg.MaxActive
	}
	if r.cfg.MaxActive > 0 {
		return min(s.Window, r.cfg.MaxActive)
	}
	return s.Window
}

// Control runs one step of the controller if this instance holds the lease and the
// rate is automatic.
func (r *Room) Control(ctx context.Context, now time.Time) error {
	lead, err := r.cfg.Counters.TryLead(ctx, r.cfg.Instance, now, leaseTTL)
	if err != nil || !lead {
		return err
	}
	s, err := r.snapshot(ctx, now)
	if err != nil {
		return err
	}
	rate := r.ctrl.Tick(s.Rate, Load{Waiting: s.Waiting(), Active: s.Active, MaxActive: r.cfg.MaxActive,
		Window: r.bound(&s), Held: s.PrunedOver(r.cfg.Idle), Head: s.Head, Pruned: s.Pruned, At: s.Last})
	window := r.ctrl.Window(rate)
	if !s.Auto || (rate == s.Rate && window == s.Window) {
		return nil
	}
	return r.retry(ctx, now, func() error { return r.cfg.Counters.AdjustRate(ctx, rate, window) })
}

// dueOpenings returns the openings of the last OpeningGrace, each with a fresh seed. The
// grace keeps an instance started long after an opening (or counters restored after a
// loss) from shuffling a line that has been in arrival order since.
func (r *Room) dueOpenings(now time.Time) []Opening {
	if !r.cfg.Shuffle {
		return nil
	}
	var os []Opening
	for _, w := range r.openings() {
		if !w.Opens.After(now) && now.Sub(w.Opens) <= r.cfg.OpeningGrace {
			o := Opening{At: w.Opens}
			rand.Read(o.Seed[:])
			os = append(os, o)
		}
	}
	return os
}

// recordOpenings advances the queue at once when an opening is due and the snapshot
// does not hold it yet, so that nobody who joins after the opening instant is shuffled
// with those who came before, whatever the phase of the ticker.
func (r *Room) recordOpenings(ctx context.Context, now time.Time) error {
	due := r.dueOpenings(now)
	if len(due) == 0 {
		return nil
	}
	s, err := r.snapshot(ctx, now)
	if err != nil {
		return err
	}
	for _, o := range due {
		recorded := false
		for _, have := range s.Openings {
			recorded = recorded || have.At.Equal(o.At.Truncate(time.Millisecond))
		}
		if !recorded {
			_, err := r.Advance(ctx, now)
			return err
		}
	}
	return nil
}

// snapshot returns the last state Advance saw, reading the counters if there is none.
func (r *Room) snapshot(ctx context.Context, now time.Time) (State, error) {
	if s := r.state.Load(); s != nil {
		return *s, nil
	}
	var s State
	err := r.retry(ctx, now, func() (err error) {
		s, err = r.cfg.Counters.State(ctx)
		return err
	})
	if err != nil {
		return State{}, fmt.Errorf("read queue: %w", err)
	}
	r.state.Store(&s)
	return s, nil
}

// retry runs op and, if the counters were lost, restores them from the last state this
// instance saw (or the configured start) and runs op once more. While any instance
// survives, a Redis restart thus costs at most the joins of the last tick.
func (r *Room) retry(ctx context.Context, now time.Time, op func() error) error {
	err := op()
	if !errors.Is(err, ErrLost) {
		return err
	}
	hint := State{Rate: r.cfg.Rate, Auto: r.cfg.Auto}
	if s := r.state.Load(); s != nil {
		hint = *s
	}
	if err := r.cfg.Counters.Restore(ctx, hint, now); err != nil {
		return err
	}
	if hint.Issued > 0 {
		r.cfg.Log.Warn("queue counters were lost and restored", "issued", hint.Issued, "head", hint.Head)
	}
	return op()
}

// SetRate sets a manual admission rate (per second) and stops the controller.
func (r *Room) SetRate(ctx context.Context, rate float64) error {
	if rate < 0 {
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "the rate must not be negative")
	}
	return r.changed(ctx, r.retry(ctx, r.cfg.Clock.Now(), func() error { return r.cfg.Counters.SetRate(ctx, rate, false) }))
}

// SetAuto hands the rate to the controller (on) or freezes it where it is (off).
func (r *Room) SetAuto(ctx context.Context, on bool) error {
	now := r.cfg.Clock.Now()
	return r.changed(ctx, r.retry(ctx, now, func() error {
		// The rate is read afresh: the snapshot may predate a SetRate just made (PUT
		// {"rate": R, "auto": false} calls both), and writing it back would undo it.
		s, err := r.cfg.Counters.State(ctx)
		if err != nil {
			return err
		}
		return r.cfg.Counters.SetRate(ctx, s.Rate, on)
	}))
}

// Pause stops admission; people keep their places.
func (r *Room) Pause(ctx context.Context) error { return r.setPaused(ctx, true) }

// Resume restarts admission after Pause.
func (r *Room) Resume(ctx context.Context) error { return r.setPaused(ctx, false) }

func (r *Room) setPaused(ctx context.Context, p bool) error {
	return r.changed(ctx, r.retry(ctx, r.cfg.Clock.Now(), func() error { return r.cfg.Counters.SetPaused(ctx, p) }))
}

// changed follows an operator's change (err its outcome): the state this instance
// serves is read afresh, so that the answer to the change, and this instance's next
// statuses, show the new state rather than the one the last tick saw. Other
// instances see it at their next tick.
func (r *Room) changed(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	s, err := r.cfg.Counters.State(ctx)
	if err != nil {
		return fmt.Errorf("read queue after a change: %w", err)
	}
	r.state.Store(&s)
	return nil
}
