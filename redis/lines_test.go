package redis_test

import (
	"testing"
	"time"

	"vaxbook"
	"vaxbook/congestion"
	"vaxbook/congestion/congestiontest"
	"vaxbook/redis"
	"vaxbook/redis/redistest"
)

func TestLinesConformance(t *testing.T) {
	congestiontest.Run(t, func(t *testing.T, cfg map[string]congestion.MethodConfig, clock vaxbook.Clock) congestion.Line {
		rdb, prefix := redistest.Client(t)
		l, err := redis.NewLines(rdb, prefix, cfg, clock)
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}

// TestLinesCrashedHolderFreesItsSlotAfterTheLease checks that an instance that dies
// holding slots (it never releases) cannot keep the provider's capacity beyond Lease.
func TestLinesCrashedHolderFreesItsSlotAfterTheLease(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	cfg := map[string]congestion.MethodConfig{"phone": {MaxInFlight: 1, PerSecond: 1000, MaxWaiting: 1,
		MaxWait: 5 * time.Second, Lease: 300 * time.Millisecond}}
	crashed, err := redis.NewLines(rdb, prefix, cfg, vaxbook.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := crashed.Acquire(t.Context(), "phone"); err != nil { // never released
		t.Fatal(err)
	}
	survivor, _ := redis.NewLines(rdb, prefix, cfg, vaxbook.SystemClock{})
	began := time.Now()
	release, err := survivor.Acquire(t.Context(), "phone")
	if err != nil {
		t.Fatalf("the slot of the crashed holder never came back: %v", err)
	}
	release(true)
	if d := time.Since(began); d < 200*time.Millisecond {
		t.Errorf("admitted after %v, before the lease of 300ms ended", d)
	}
}

// TestLinesInstancesShareOneLine checks that two instances on one Redis see and obey
// one capacity.
func TestLinesInstancesShareOneLine(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	cfg := map[string]congestion.MethodConfig{"phone": {MaxInFlight: 1, PerSecond: 1000, MaxWaiting: 1,
		MaxWait: 100 * time.Millisecond}}
	a, _ := redis.NewLines(rdb, prefix, cfg, vaxbook.SystemClock{})
	b, _ := redis.NewLines(rdb, prefix, cfg, vaxbook.SystemClock{})
	release, err := a.Acquire(t.Context(), "phone")
	if err != nil {
		t.Fatal(err)
	}
	defer release(true)
	lights, err := b.Lights(t.Context(), time.Now())
	if err != nil || lights[0].InFlight != 1 {
		t.Fatalf("instance b sees %+v, %v; want 1 in flight", lights, err)
	}
	if _, err := b.Acquire(t.Context(), "phone"); vaxbook.ErrorCode(err) != vaxbook.CodeUnavailable {
		t.Fatalf("instance b took a slot held by a: %v", err)
	}
}
