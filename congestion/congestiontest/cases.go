package congestiontest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/congestion"
)

// testSaturation is the rule of the issue: the lights follow the real load. One method
// is saturated by holders and a growing line; its light turns yellow, then red, while
// the others stay green; when the load goes, it turns green again.
func testSaturation(t *testing.T, open Opener) {
	cfg := congestion.MethodConfig{MaxInFlight: 2, PerSecond: 100, MaxWaiting: 10, MaxWait: 30 * time.Second,
		Thresholds: congestion.Thresholds{YellowAt: 0.03, RedAt: 1}}
	l := open(t, methods(cfg), vaxbook.NewManualClock(t0))
	holders := []func(bool){mustAcquire(t, l, "phone"), mustAcquire(t, l, "phone")}
	var line []<-chan error
	join := func(n int) {
		for range n {
			line = append(line, acquireAsync(t.Context(), l, "phone", nil))
		}
		waitLight(t, l, "phone", "the line", waiting(len(line)))
	}

	join(4) // 4 waiting / 100 per s = 0.04 s
	phone := light(t, l, "phone", t0)
	if phone.Color != congestion.Yellow || phone.InFlight != 2 || phone.WaitSeconds != 0.04 {
		t.Fatalf("phone with 2 in flight and 4 waiting = %+v; want yellow, 0.04 s", phone)
	}
	join(6) // the line is full
	if phone = light(t, l, "phone", t0); phone.Color != congestion.Red {
		t.Fatalf("phone with a full line = %+v; want red", phone)
	}
	for _, m := range []string{"certificate", "kakao"} {
		if x := light(t, l, m, t0); x.Color != congestion.Green || x.InFlight != 0 || x.Waiting != 0 {
			t.Errorf("%s while phone is saturated = %+v; want green and idle", m, x)
		}
	}
	release := mustAcquire(t, l, "kakao") // other methods still admit at once
	release(true)

	for _, r := range holders {
		r(true)
	}
	for i, done := range line {
		if err := <-done; err != nil {
			t.Fatalf("waiter %d: %v", i, err)
		}
	}
	phone = waitLight(t, l, "phone", "an empty line", waiting(0))
	if phone.Color != congestion.Green || phone.InFlight != 0 {
		t.Fatalf("phone after the load = %+v; want green and idle", phone)
	}
}

// testCapacity checks that MaxInFlight holds under contention: 100 goroutines, 5 slots.
func testCapacity(t *testing.T, open Opener) {
	cfg := congestion.MethodConfig{MaxInFlight: 5, PerSecond: 10_000, MaxWaiting: 100, MaxWait: 30 * time.Second}
	l := open(t, methods(cfg), vaxbook.NewManualClock(t0))
	var inside, peak atomic.Int32
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			release, err := l.Acquire(t.Context(), "phone")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(time.Millisecond)
			inside.Add(-1)
			release(true)
		})
	}
	wg.Wait()
	if p := peak.Load(); p > 5 || p < 1 {
		t.Fatalf("peak of %d verifications in flight; want 1..5", p)
	}
	if x := light(t, l, "phone", t0); x.InFlight != 0 || x.Waiting != 0 {
		t.Fatalf("after all released = %+v; want idle", x)
	}
}

// testOrder checks that the line is first come, first served.
func testOrder(t *testing.T, open Opener) {
	cfg := congestion.MethodConfig{MaxInFlight: 1, PerSecond: 1000, MaxWaiting: 10, MaxWait: 30 * time.Second}
	l := open(t, methods(cfg), vaxbook.NewManualClock(t0))
	holder := mustAcquire(t, l, "phone")
	var mu sync.Mutex
	var order, want []int
	var line []<-chan error
	for i := range 5 {
		line = append(line, acquireAsync(t.Context(), l, "phone", func() {
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
		}))
		waitLight(t, l, "phone", "the new waiter", waiting(i+1))
		want = append(want, i)
	}
	holder(true)
	for _, done := range line {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(order, want) {
		t.Fatalf("admitted in order %v; want %v", order, want)
	}
}

// testReuse checks that a released slot serves the next start at once, and that a
// second release of the same slot does not free another.
func testReuse(t *testing.T, open Opener) {
	cfg := congestion.MethodConfig{MaxInFlight: 1, PerSecond: 1000, MaxWaiting: 1, MaxWait: 50 * time.Millisecond}
	l := open(t, methods(cfg), vaxbook.NewManualClock(t0))
	for range 3 {
		release := mustAcquire(t, l, "phone")
		release(true)
		release(true)
	}
	a := mustAcquire(t, l, "phone")
	defer a(true)
	if x := light(t, l, "phone", t0); x.InFlight != 1 {
		t.Fatalf("after double releases and one hold = %+v; want 1 in flight", x)
	}
	if _, err := l.Acquire(t.Context(), "phone"); err == nil {
		t.Fatal("a second start got the only slot: a double release freed two")
	}
}

// testRefusals checks both bounds of the line: a start finding it full is refused at
// once, and a start waiting MaxWait is refused then, both as CodeUnavailable.
func testRefusals(t *testing.T, open Opener) {
	cfg := congestion.MethodConfig{MaxInFlight: 1, PerSecond: 1000, MaxWaiting: 1, MaxWait: 200 * time.Millisecond}
	l := open(t, methods(cfg), vaxbook.NewManualClock(t0))
	holder := mustAcquire(t, l, "phone")
	defer holder(true)

	start := time.Now()
	waiter := acquireAsync(t.Context(), l, "phone", nil)
	waitLight(t, l, "phone", "the waiter", waiting(1))
	t.Run("FullLineRefusesAtOnce", func(t *testing.T) {
		began := time.Now()
		_, err := l.Acquire(t.Context(), "phone")
		wantUnavailable(t, err, t0)
		if d := time.Since(began); d > 100*time.Millisecond {
			t.Errorf("refusal took %v; a full line must refuse at once", d)
		}
	})
	t.Run("WaitBeyondMaxWaitIsRefused", func(t *testing.T) {
		wantUnavailable(t, <-waiter, t0)
		if d := time.Since(start); d < 150*time.Millisecond || d > 3*time.Second {
			t.Errorf("refused after %v; want about MaxWait (200ms)", d)
		}
		waitLight(t, l, "phone", "an empty line", waiting(0))
	})
}

// testCancel checks that a start whose request ends leaves the line at once and never
// takes a slot later.
func testCancel(t *testing.T, open Opener) {
	cfg := congestion.MethodConfig{MaxInFlight: 1, PerSecond: 1000, MaxWaiting: 5, MaxWait: 30 * time.Second}
	l := open(t, methods(cfg), vaxbook.NewManualClock(t0))
	holder := mustAcquire(t, l, "phone")
	ctx, cancel := context.WithCancel(t.Context())
	waiter := acquireAsync(ctx, l, "phone", nil)
	waitLight(t, l, "phone", "the waiter", waiting(1))
	cancel()
	if err := <-waiter; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Acquire = %v; want context.Canceled", err)
	}
	if x := light(t, l, "phone", t0); x.Waiting != 0 {
		t.Fatalf("after cancel = %+v; want nobody waiting", x)
	}
	holder(true)
	release := mustAcquire(t, l, "phone") // the slot went to nobody else
	release(true)
	if x := light(t, l, "phone", t0); x.InFlight != 0 {
		t.Fatalf("after all released = %+v; want idle", x)
	}
}
