package redis_test

import (
	"bytes"
	"crypto/rand"
	"slices"
	"sync"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/inmem"
	"vaxbook/phone"
	"vaxbook/redis"
	"vaxbook/redis/redistest"
)

// challengeStores returns every phone.Challenges implementation, so that one table of
// cases checks that the Redis store behaves as the in-process one.
func challengeStores(t *testing.T) map[string]phone.Challenges {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	return map[string]phone.Challenges{
		"mem":          inmem.NewChallenges(),
		"redis plain":  redis.NewChallenges(rdb, prefix+"plain:", nil),
		"redis sealed": redis.NewChallenges(rdb, prefix+"sealed:", mustSealer(t)),
	}
}

func mustSealer(tb testing.TB) *identity.Sealer {
	tb.Helper()
	s, err := identity.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

var issued = time.Date(2021, 8, 12, 20, 0, 5, 123456789, vaxbook.Seoul)

func pending(name string) phone.Pending {
	return phone.Pending{
		CodeMAC:   []byte("mac-of-" + name),
		Identity:  identity.Identity{CI: "ci-" + name, Name: name, Birth: vaxbook.NewDate(1981, 7, 12), Phone: "01012345678", Foreign: true},
		PersonKey: "pk-" + name,
		IssuedAt:  issued,
		ExpiresAt: issued.Add(3 * time.Minute),
	}
}

func TestChallengesConformance(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, s phone.Challenges, dev string)
	}{
		{"MissingChallengeIsNotFound", func(t *testing.T, s phone.Challenges, dev string) {
			wantNone(t, s, dev)
			if _, ok, err := s.Attempt(t.Context(), dev); ok || err != nil {
				t.Fatalf("Attempt on nothing = %v, %v; want none", ok, err)
			}
			wantNone(t, s, dev) // Attempt must not create a record
		}},
		{"GetReturnsTheRecordWithoutCounting", func(t *testing.T, s phone.Challenges, dev string) {
			mustPut(t, s, dev, pending("kim"))
			wantPending(t, get(t, s, dev), pending("kim"), 0)
			wantPending(t, get(t, s, dev), pending("kim"), 0)
		}},
		{"AttemptCountsUpAndReturnsTheWholeRecord", func(t *testing.T, s phone.Challenges, dev string) {
			mustPut(t, s, dev, pending("kim"))
			for want := 1; want <= 3; want++ {
				p, ok, err := s.Attempt(t.Context(), dev)
				if err != nil || !ok {
					t.Fatalf("Attempt = %v, %v", ok, err)
				}
				wantPending(t, p, pending("kim"), want)
			}
			wantPending(t, get(t, s, dev), pending("kim"), 3)
		}},
		{"PutReplacesTheChallengeAndItsCount", func(t *testing.T, s phone.Challenges, dev string) {
			mustPut(t, s, dev, pending("kim"))
			s.Attempt(t.Context(), dev)
			mustPut(t, s, dev, pending("lee"))
			wantPending(t, get(t, s, dev), pending("lee"), 0)
		}},
		{"DeleteRemovesAndIsIdempotent", func(t *testing.T, s phone.Challenges, dev string) {
			mustPut(t, s, dev, pending("kim"))
			for range 2 {
				if err := s.Delete(t.Context(), dev); err != nil {
					t.Fatal(err)
				}
				wantNone(t, s, dev)
			}
		}},
		{"DevicesAreIndependent", func(t *testing.T, s phone.Challenges, dev string) {
			mustPut(t, s, dev, pending("kim"))
			mustPut(t, s, dev+"-other", pending("lee"))
			s.Attempt(t.Context(), dev+"-other")
			wantPending(t, get(t, s, dev), pending("kim"), 0)
		}},
		{"ParallelAttemptsEachGetTheirOwnCount", func(t *testing.T, s phone.Challenges, dev string) {
			mustPut(t, s, dev, pending("kim"))
			const n = 50
			counts := make([]int, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					p, _, err := s.Attempt(t.Context(), dev)
					if err != nil {
						t.Error(err)
					}
					counts[i] = p.Attempts
				})
			}
			wg.Wait()
			slices.Sort(counts)
			for i, c := range counts {
				if c != i+1 {
					t.Fatalf("attempt counts %v; want 1..%d each once", counts, n)
				}
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for impl, s := range challengeStores(t) {
				t.Run(impl, func(t *testing.T) { c.run(t, s, "dev-"+rand.Text()) })
			}
		})
	}
}

func TestChallengesRedisAtRest(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	s := redis.NewChallenges(rdb, prefix, mustSealer(t))
	mustPut(t, s, "dev", pending("kim"))
	t.Run("IdentityIsSealed", func(t *testing.T) {
		raw, err := rdb.HGet(t.Context(), prefix+"challenge:dev", "rec").Bytes()
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"kim", "01012345678", "ci-kim", "pk-kim"} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("stored record shows %q", secret)
			}
		}
	})
	t.Run("KeyExpiresWithTheCode", func(t *testing.T) {
		ttl := rdb.PTTL(t.Context(), prefix+"challenge:dev").Val()
		if ttl <= 2*time.Minute || ttl > 3*time.Minute {
			t.Fatalf("PTTL = %v, want about 3m", ttl)
		}
	})
	t.Run("RecordMovedToAnotherDeviceDoesNotLoad", func(t *testing.T) {
		if err := rdb.Copy(t.Context(), prefix+"challenge:dev", prefix+"challenge:thief", 0, false).Err(); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.Attempt(t.Context(), "thief"); ok || err == nil {
			t.Fatalf("Attempt on a moved record = %v, %v; want an error", ok, err)
		}
	})
}

func mustPut(t *testing.T, s phone.Challenges, dev string, p phone.Pending) {
	t.Helper()
	if err := s.Put(t.Context(), dev, p); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, s phone.Challenges, dev string) phone.Pending {
	t.Helper()
	p, ok, err := s.Get(t.Context(), dev)
	if err != nil || !ok {
		t.Fatalf("Get = %v, %v; want the challenge", ok, err)
	}
	return p
}

func wantNone(t *testing.T, s phone.Challenges, dev string) {
	t.Helper()
	if _, ok, err := s.Get(t.Context(), dev); ok || err != nil {
		t.Fatalf("Get = %v, %v; want none", ok, err)
	}
}

func wantPending(t *testing.T, got, want phone.Pending, attempts int) {
	t.Helper()
	want.Attempts = attempts
	if !bytes.Equal(got.CodeMAC, want.CodeMAC) || got.Identity != want.Identity || got.PersonKey != want.PersonKey ||
		!got.IssuedAt.Equal(want.IssuedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) || got.Attempts != want.Attempts {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}
