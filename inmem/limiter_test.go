package inmem_test

import (
	"fmt"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/inmem"
)

// t0 is the seed's opening instant, 2021-08-12 20:00 in Seoul.
var t0 = time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)

func TestLimiterSlidingWindow(t *testing.T) {
	l := inmem.NewLimiter(2, 10*time.Minute)
	allow := func(key string, at time.Duration) (bool, time.Time) {
		t.Helper()
		ok, retry, err := l.Allow(t.Context(), key, t0.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return ok, retry
	}
	if ok, _ := allow("k", 0); !ok {
		t.Fatal("first refused")
	}
	if ok, _ := allow("k", 3*time.Minute); !ok {
		t.Fatal("second refused")
	}
	if ok, retry := allow("k", 4*time.Minute); ok || !retry.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("third = %v, %v; want refused until +10m", ok, retry)
	}
	if ok, _ := allow("other", 4*time.Minute); !ok {
		t.Fatal("keys are not independent")
	}
	if ok, _ := allow("k", 10*time.Minute); !ok {
		t.Fatal("refused after the first left the window")
	}
	if ok, retry := allow("k", 11*time.Minute); ok || !retry.Equal(t0.Add(13*time.Minute)) {
		t.Fatalf("= %v, %v; want refused until +13m (refusals are not counted)", ok, retry)
	}
}

func TestLimiterForgetsIdleKeys(t *testing.T) {
	l := inmem.NewLimiter(1, time.Minute)
	for i := range 100_000 {
		if ok, _, _ := l.Allow(t.Context(), fmt.Sprint(i), t0.Add(time.Duration(i)*time.Millisecond)); !ok {
			t.Fatalf("key %d refused", i)
		}
	}
	if n := l.Len(); n > 2*60_000+1024 {
		t.Errorf("limiter holds %d keys; want about the last minute's 60,000", n)
	}
}
