package redis_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vaxbook"

	"vaxbook/inmem"
	"vaxbook/redis"
	"vaxbook/redis/redistest"
)

// limiters returns every vaxbook.Limiter implementation with the same limit and window,
// so that one table checks the Redis limiter behaves as the in-process one.
func limiters(t *testing.T, limit int, window time.Duration) map[string]vaxbook.Limiter {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	rl, err := redis.NewLimiter(rdb, prefix, limit, window)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]vaxbook.Limiter{"mem": inmem.NewLimiter(limit, window), "redis": rl}
}

func TestLimiterConformance(t *testing.T) {
	type step struct {
		key     string
		at      time.Duration // after issued
		ok      bool
		retryAt time.Duration // after issued, when refused
	}
	cases := []struct {
		name  string
		limit int
		steps []step
	}{
		{"AllowsUpToTheLimitInTheWindow", 2, []step{
			{"k", 0, true, 0}, {"k", 3 * time.Minute, true, 0}, {"k", 4 * time.Minute, false, 10 * time.Minute},
		}},
		{"KeysAreIndependent", 1, []step{
			{"a", 0, true, 0}, {"b", 0, true, 0}, {"a", time.Minute, false, 10 * time.Minute},
		}},
		{"AllowedAgainWhenTheOldestLeavesAtExactlyTheWindow", 2, []step{
			{"k", 0, true, 0}, {"k", 3 * time.Minute, true, 0},
			{"k", 10*time.Minute - time.Nanosecond, false, 10 * time.Minute},
			{"k", 10 * time.Minute, true, 0},
		}},
		{"RefusalsAreNotCounted", 2, []step{
			{"k", 0, true, 0}, {"k", 3 * time.Minute, true, 0},
			{"k", 4 * time.Minute, false, 10 * time.Minute}, {"k", 5 * time.Minute, false, 10 * time.Minute},
			{"k", 10 * time.Minute, true, 0}, {"k", 11 * time.Minute, false, 13 * time.Minute},
		}},
		{"IdleKeyStartsAfresh", 1, []step{
			{"k", 0, true, 0}, {"k", 24 * time.Hour, true, 0}, {"k", 24*time.Hour + time.Second, false, 24*time.Hour + 10*time.Minute},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for impl, l := range limiters(t, c.limit, 10*time.Minute) {
				t.Run(impl, func(t *testing.T) {
					for i, s := range c.steps {
						ok, retryAt, err := l.Allow(t.Context(), s.key, issued.Add(s.at))
						if err != nil {
							t.Fatal(err)
						}
						if ok != s.ok || (!ok && !retryAt.Equal(issued.Add(s.retryAt))) {
							t.Fatalf("step %d (%s at +%v) = %v, %v; want %v, +%v", i, s.key, s.at, ok, retryAt.Sub(issued), s.ok, s.retryAt)
						}
					}
				})
			}
		})
	}
}

func TestLimiterParallelRequestsNeverExceedTheLimit(t *testing.T) {
	for impl, l := range limiters(t, 5, time.Minute) {
		t.Run(impl, func(t *testing.T) {
			var allowed atomic.Int32
			var wg sync.WaitGroup
			for range 100 {
				wg.Go(func() {
					ok, _, err := l.Allow(t.Context(), "k", issued)
					if err != nil {
						t.Error(err)
					}
					if ok {
						allowed.Add(1)
					}
				})
			}
			wg.Wait()
			if n := allowed.Load(); n != 5 {
				t.Fatalf("%d allowed, want 5", n)
			}
		})
	}
}

func TestLimiterRedisKeyExpiresWithTheWindow(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	l, err := redis.NewLimiter(rdb, prefix, 3, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := l.Allow(t.Context(), "k", issued); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ttl := rdb.PTTL(t.Context(), prefix+"limit:k").Val(); ttl <= 50*time.Second || ttl > time.Minute {
		t.Fatalf("PTTL = %v, want about 1m", ttl)
	}
	if _, err := redis.NewLimiter(rdb, prefix, 0, time.Minute); err == nil {
		t.Error("a limit of 0 was accepted")
	}
}
