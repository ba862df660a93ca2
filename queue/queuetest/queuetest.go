// Package queuetest is the conformance suite of queue.Counters: every implementation
// (in-process and Redis) must give the same answers, so that a Room behaves the same
// on one instance or many.
package queuetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/queue"
)

// t0 is an hour before the first rotation opening of 2021.
var t0 = time.Date(2021, 8, 9, 19, 0, 0, 0, vaxbook.Seoul)

// params are the AdvanceParams of most cases: no active bound, 30 s idle.
var params = queue.AdvanceParams{Idle: 30 * time.Second, Samples: 100, MaxStep: 10 * time.Second}

// Run runs the suite. open must return empty counters of their own (never restored).
func Run(t *testing.T, open func(t *testing.T) queue.Counters) {
	for name, test := range map[string]func(t *testing.T, c queue.Counters){
		"empty counters answer lost until restored":                     lostUntilRestored,
		"sequence numbers are unique and consecutive":                   uniqueSeqs,
		"the head moves by rate times time, keeping fractions":          rateWithCarry,
		"advancing twice at one instant or earlier admits nobody":       idempotent,
		"the head never passes the last ticket issued":                  headBoundedByIssued,
		"paused or held admits nobody and banks nothing":                pausedAndHeld,
		"a gap admits at most MaxStep worth":                            maxStep,
		"the active bound stops admission until idle people are pruned": activeBound,
		"an opening records the waiting range once, first seed wins":    openingOnce,
		"samples are a second apart and trimmed":                        samples,
		"restore brings back lost counters and leaves live ones":        restore,
		"raise lifts issued and head but not head past issued":          raise,
		"the controller adjusts the rate only in auto mode":             adjust,
		"touch keeps the latest instant":                                touchLatest,
		"done frees the place at once":                                  doneFreesAPlace,
		"the idle timeout counts whom it prunes":                        prunedCounted,
		"the controller lease is exclusive, renewable and expires":      lease,
	} {
		t.Run(name, func(t *testing.T) { test(t, open(t)) })
	}
}

func mustRestore(t *testing.T, c queue.Counters, s queue.State) {
	t.Helper()
	if err := c.Restore(t.Context(), s, t0); err != nil {
		t.Fatalf("Restore: %v", err)
	}
}

func mustAdvance(t *testing.T, c queue.Counters, at time.Duration, p queue.AdvanceParams) queue.State {
	t.Helper()
	s, err := c.Advance(t.Context(), t0.Add(at), p)
	if err != nil {
		t.Fatalf("Advance(+%v): %v", at, err)
	}
	return s
}

func mustIssue(t *testing.T, c queue.Counters, n int) uint64 {
	t.Helper()
	var seq uint64
	for range n {
		var err error
		if seq, err = c.Issue(t.Context(), t0); err != nil {
			t.Fatalf("Issue: %v", err)
		}
	}
	return seq
}

func lostUntilRestored(t *testing.T, c queue.Counters) {
	ctx := t.Context()
	_, errIssue := c.Issue(ctx, t0)
	_, errAdvance := c.Advance(ctx, t0, params)
	_, errState := c.State(ctx)
	for name, err := range map[string]error{
		"Issue": errIssue, "Advance": errAdvance, "State": errState,
		"Raise": c.Raise(ctx, 5, 1), "SetRate": c.SetRate(ctx, 1, false),
		"AdjustRate": c.AdjustRate(ctx, 1, 0), "SetPaused": c.SetPaused(ctx, true),
	} {
		if !errors.Is(err, queue.ErrLost) {
			t.Errorf("%s on empty counters = %v, want ErrLost", name, err)
		}
	}
	mustRestore(t, c, queue.State{Rate: 7})
	if seq := mustIssue(t, c, 1); seq != 1 {
		t.Errorf("first seq = %d, want 1", seq)
	}
	if s, err := c.State(ctx); err != nil || s.Rate != 7 || s.Issued != 1 {
		t.Errorf("State = %+v, %v; want rate 7, issued 1", s, err)
	}
}

func uniqueSeqs(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{})
	var mu sync.Mutex
	var got []uint64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				seq, err := c.Issue(t.Context(), t0)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, seq)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(got)
	for i, seq := range got {
		if seq != uint64(i+1) {
			t.Fatalf("seqs = %v…, want 1…400 each once", got[:i+1])
		}
	}
}

func rateWithCarry(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{Rate: 2})
	mustIssue(t, c, 100)
	for _, step := range []struct {
		at   time.Duration
		head uint64
	}{{0, 0}, {250 * time.Millisecond, 0}, {500 * time.Millisecond, 1}, {1750 * time.Millisecond, 3}, {3 * time.Second, 6}} {
		if s := mustAdvance(t, c, step.at, params); s.Head != step.head {
			t.Errorf("head at +%v = %d, want %d", step.at, s.Head, step.head)
		}
	}
}

func idempotent(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{Rate: 10})
	mustIssue(t, c, 100)
	mustAdvance(t, c, time.Second, params)
	for _, at := range []time.Duration{time.Second, time.Second, 500 * time.Millisecond} {
		if s := mustAdvance(t, c, at, params); s.Head != 10 {
			t.Errorf("head after a repeat at +%v = %d, want 10", at, s.Head)
		}
	}
	if s := mustAdvance(t, c, 2*time.Second, params); s.Head != 20 {
		t.Errorf("head at +2s = %d, want 20 (an earlier instant must not move last back)", s.Head)
	}
}

func headBoundedByIssued(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{Rate: 100})
	mustIssue(t, c, 3)
	if s := mustAdvance(t, c, time.Second, params); s.Head != 3 || s.Carry != 0 {
		t.Fatalf("head = %d carry %v, want 3 and no banked admissions", s.Head, s.Carry)
	}
	mustIssue(t, c, 5)
	if s := mustAdvance(t, c, time.Second+10*time.Millisecond, params); s.Head != 4 {
		t.Errorf("head 10 ms after new arrivals = %d, want 4 (no burst from the empty time)", s.Head)
	}
}

func pausedAndHeld(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{Rate: 10})
	mustIssue(t, c, 100)
	if err := c.SetPaused(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	if s := mustAdvance(t, c, 5*time.Second, params); s.Head != 0 || !s.Paused {
		t.Fatalf("paused: head %d paused %v, want 0 true", s.Head, s.Paused)
	}
	if err := c.SetPaused(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if s := mustAdvance(t, c, 6*time.Second, params); s.Head != 10 {
		t.Fatalf("a second after resuming: head %d, want 10", s.Head)
	}
	held := params
	held.Hold = true
	if s := mustAdvance(t, c, 8*time.Second, held); s.Head != 10 {
		t.Fatalf("held: head %d, want 10", s.Head)
	}
	if s := mustAdvance(t, c, 9*time.Second, params); s.Head != 20 {
		t.Errorf("a second after the hold: head %d, want 20", s.Head)
	}
}

func maxStep(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{Rate: 10})
	mustIssue(t, c, 1000)
	p := params
	p.MaxStep = 2 * time.Second
	if s := mustAdvance(t, c, time.Hour, p); s.Head != 20 {
		t.Errorf("head after an hour without ticks = %d, want 20", s.Head)
	}
}
