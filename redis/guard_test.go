package redis_test

import (
	"crypto/rand"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/guardtest"
	"vaxbook/inmem"
	"vaxbook/redis"
	"vaxbook/redis/redistest"
)

func TestGuardConformance(t *testing.T) {
	guardtest.Run(t, func(t *testing.T) vaxbook.Guard {
		rdb, prefix := redistest.Client(t)
		return redis.NewGuard(rdb, prefix)
	})
}

// TestGuardRefusesLikeInmem checks that residents read the same refusal, word for word
// and with the same RetryAt, whichever deployment serves them.
func TestGuardRefusesLikeInmem(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	guards := map[string]vaxbook.Guard{"inmem": inmem.NewGuard(), "redis": redis.NewGuard(rdb, prefix)}
	t0 := time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)
	cases := []struct {
		name   string
		device string
		after  time.Duration
	}{
		{"other device locked", "phone", 3 * time.Minute},
		{"same device too soon", "pc", 9 * time.Minute},
		{"allowed at the end of the window", "phone", vaxbook.VerifyWindow},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := "guard-" + rand.Text()
			got := map[string]string{}
			for name, g := range guards {
				if err := g.Complete(t.Context(), p, "pc", t0); err != nil {
					t.Fatalf("%s: first Complete: %v", name, err)
				}
				err := g.Complete(t.Context(), p, c.device, t0.Add(c.after))
				got[name] = describe(err)
			}
			if got["inmem"] != got["redis"] {
				t.Fatalf("inmem refused with %q, redis with %q", got["inmem"], got["redis"])
			}
		})
	}
}

// TestGuardKeyExpiresWithWindow checks that memory is bounded: the person's key carries
// an expiry of SessionTTL: the owner is kept as long as its session.
func TestGuardKeyExpiresWithSession(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	g := redis.NewGuard(rdb, prefix)
	if err := g.Complete(t.Context(), "p", "pc", time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)); err != nil {
		t.Fatal(err)
	}
	ttl, err := rdb.PTTL(t.Context(), prefix+"guard:p").Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= vaxbook.SessionTTL-time.Minute || ttl > vaxbook.SessionTTL {
		t.Fatalf("PTTL = %v, want about %v", ttl, vaxbook.SessionTTL)
	}
}
