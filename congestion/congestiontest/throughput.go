package congestiontest

import (
	"testing"
	"time"

	"vaxbook"
	"vaxbook/congestion"
)

// testThroughput checks the estimate: completions (release(true)) over the last
// congestion.Window measure the throughput, failed ones do not count, the wait is the
// line divided by it, and the configured rate stands in when nothing completed.
func testThroughput(t *testing.T, open Opener) {
	cfg := congestion.MethodConfig{MaxInFlight: 10, PerSecond: 50, MaxWaiting: 20, MaxWait: 30 * time.Second}
	clock := vaxbook.NewManualClock(t0)
	l := open(t, methods(cfg), clock)
	if x := light(t, l, "phone", clock.Now()); x.PerSecond != 50 || x.WaitSeconds != 0 || x.Color != congestion.Green {
		t.Fatalf("idle method = %+v; want the configured 50/s, no wait, green", x)
	}
	for range 20 {
		mustAcquire(t, l, "phone")(true)
	}
	for range 5 {
		mustAcquire(t, l, "phone")(false) // the provider failed: no throughput
	}
	if x := light(t, l, "phone", clock.Now()); x.PerSecond != 2 {
		t.Fatalf("after 20 completions = %+v; want 20 per 10 s = 2/s", x)
	}
	if x := light(t, l, "kakao", clock.Now()); x.PerSecond != 50 {
		t.Fatalf("kakao = %+v; another method's completions counted", x)
	}

	t.Run("WaitIsTheLineOverTheMeasuredThroughput", func(t *testing.T) {
		var holders []func(bool)
		for range 10 {
			holders = append(holders, mustAcquire(t, l, "phone"))
		}
		var line []<-chan error
		for range 4 {
			line = append(line, acquireAsync(t.Context(), l, "phone", nil))
		}
		x := waitLight(t, l, "phone", "4 waiting", waiting(4))
		if x = light(t, l, "phone", clock.Now()); x.WaitSeconds != 2 || x.Color != congestion.Green {
			t.Errorf("4 waiting at 2/s = %+v; want 2 s, green (yellow from 3 s)", x)
		}
		for range 4 {
			line = append(line, acquireAsync(t.Context(), l, "phone", nil))
		}
		waitLight(t, l, "phone", "8 waiting", waiting(8))
		if x = light(t, l, "phone", clock.Now()); x.WaitSeconds != 4 || x.Color != congestion.Yellow {
			t.Errorf("8 waiting at 2/s = %+v; want 4 s, yellow", x)
		}
		for _, r := range holders {
			r(false)
		}
		for _, done := range line {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("CompletionsLeaveTheWindow", func(t *testing.T) {
		clock.Advance(congestion.Window - time.Second)
		if x := light(t, l, "phone", clock.Now()); x.PerSecond < 2 {
			t.Fatalf("9 s later = %+v; want the completions still counted", x)
		}
		clock.Advance(2 * time.Second)
		if x := light(t, l, "phone", clock.Now()); x.PerSecond != 50 {
			t.Fatalf("11 s later = %+v; want the configured rate again", x)
		}
	})
}

// testPacing checks PerSecond: after a burst of one second's worth, starts go at the
// configured rate, however many slots are free.
func testPacing(t *testing.T, open Opener) {
	cfg := congestion.MethodConfig{MaxInFlight: 100, PerSecond: 50, MaxWait: 30 * time.Second}
	l := open(t, methods(cfg), vaxbook.NewManualClock(t0))
	began := time.Now()
	for range 100 {
		mustAcquire(t, l, "phone")(true)
	}
	// 50 at once, then 50 more at 50/s: about 1 s.
	if d := time.Since(began); d < 800*time.Millisecond || d > 5*time.Second {
		t.Fatalf("100 starts at 50/s took %v; want about 1 s", d)
	}
}

// testMethods checks that every configured method has a light, in name order, and that
// a method nobody configured is invalid input rather than a busy line.
func testMethods(t *testing.T, open Opener) {
	cfg := congestion.MethodConfig{MaxInFlight: 1, PerSecond: 1}
	l := open(t, methods(cfg), vaxbook.NewManualClock(t0))
	lights, err := l.Lights(t.Context(), t0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, x := range lights {
		names = append(names, x.Method)
		if x.Color != congestion.Green || x.Capacity != 1 || x.Thresholds.YellowAt != 3 || x.Thresholds.RedAt != 10 {
			t.Errorf("idle %s = %+v; want green with the default thresholds 3 s and 10 s", x.Method, x)
		}
	}
	if want := []string{"certificate", "kakao", "phone"}; !equal(names, want) {
		t.Fatalf("lights for %v; want %v", names, want)
	}
	if _, err := l.Acquire(t.Context(), "fax"); vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
		t.Fatalf("Acquire(fax) = %v; want %s", err, vaxbook.CodeInvalidInput)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
