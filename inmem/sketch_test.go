package inmem_test

import (
	"fmt"
	"testing"
	"time"

	"vaxbook/inmem"
)

func TestSketchLimiter(t *testing.T) {
	ctx := t.Context()
	l := inmem.NewSketchLimiter(3, time.Minute, 1<<16)
	base := t0.Truncate(time.Minute)
	allow := func(key string, at time.Duration) (bool, time.Time) {
		t.Helper()
		ok, retry, err := l.Allow(ctx, key, base.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return ok, retry
	}
	t.Run("allows the limit, then refuses with a later retry instant", func(t *testing.T) {
		for i := range 3 {
			if ok, _ := allow("d1", time.Duration(i)*time.Second); !ok {
				t.Fatalf("event %d refused", i+1)
			}
		}
		ok, retry := allow("d1", 10*time.Second)
		if ok || !retry.After(base.Add(10*time.Second)) {
			t.Fatalf("fourth = %v, retry %v; want refused with a retry instant ahead", ok, retry)
		}
		if ok, _ := allow("d2", 10*time.Second); !ok {
			t.Error("another key was refused")
		}
		if ok, _ := allow("d1", retry.Sub(base)); !ok {
			t.Errorf("refused at the retry instant %v", retry)
		}
	})
	t.Run("the window slides: the previous minute weighs less as it recedes", func(t *testing.T) {
		if ok, _ := allow("d1", time.Minute+10*time.Second); ok {
			t.Error("allowed early in the next minute with 4 events in the last")
		}
		if ok, _ := allow("d1", 2*time.Minute+50*time.Second); !ok {
			t.Error("refused two minutes later")
		}
	})
	t.Run("false refusals are rare at a quarter load", func(t *testing.T) {
		l := inmem.NewSketchLimiter(3, time.Minute, 1<<16)
		refused := 0
		for i := range 1 << 14 {
			if ok, _, _ := l.Allow(ctx, fmt.Sprint("device-", i), base); !ok {
				refused++
			}
		}
		// A key is refused only if both its counters already hold 3 others' events:
		// about (P[Poisson(0.25) ≥ 3])² ≈ 5·10⁻⁶ of keys.
		if refused > 5 {
			t.Errorf("%d of 16384 distinct keys refused", refused)
		}
	})
}
