package signin_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/inmem"
	"vaxbook/redis"
	"vaxbook/redis/redistest"
	"vaxbook/signin"
	"vaxbook/storetest/engines"
)

// countingStore counts the session reads that reach the store.
type countingStore struct {
	vaxbook.Store
	reads atomic.Int64
}

func (c *countingStore) SessionPerson(ctx context.Context, idHash string, now time.Time) (vaxbook.Session, vaxbook.Person, error) {
	c.reads.Add(1)
	return c.Store.SessionPerson(ctx, idHash, now)
}

// Two instances keep sessions in memory over one store: a session read once is served
// from memory after, and a sign-out on one instance — or a new sign-in that ends the
// browser's previous session — ends it on the other too. Over the in-process bus (one
// instance's two services) and over Redis.
func TestCachedSessionsEndOnEveryInstance(t *testing.T) {
	buses := map[string]func(t *testing.T) (vaxbook.SessionEnds, vaxbook.SessionEnds){
		"inmem": func(t *testing.T) (vaxbook.SessionEnds, vaxbook.SessionEnds) {
			e := inmem.NewSessionEnds()
			return e, e
		},
		"redis": func(t *testing.T) (vaxbook.SessionEnds, vaxbook.SessionEnds) {
			rdb, prefix := redistest.Client(t)
			return redis.NewSessionEnds(rdb, prefix), redis.NewSessionEnds(rdb, prefix)
		},
	}
	for name, bus := range buses {
		t.Run(name, func(t *testing.T) {
			engines.Each(t, func(t *testing.T, s vaxbook.Store) {
				store := &countingStore{Store: s}
				endsA, endsB := bus(t)
				a, b := newFixture(t, store), newFixture(t, store)
				a.svc.CacheSessions(endsA)
				b.svc.CacheSessions(endsB)
				ctx, cancel := context.WithCancel(context.Background())
				t.Cleanup(cancel)
				go a.svc.RunCache(ctx, nil)
				go b.svc.RunCache(ctx, nil)
				eventually(t, "both caches listening", func() bool { return a.svc.CacheOn() && b.svc.CacheOn() })

				iss, err := a.svc.Complete(t.Context(), signin.Attempt{Device: "pc"}, proof(1), t0)
				if err != nil {
					t.Fatal(err)
				}
				read := func(svc *signin.Service, token string) error {
					_, p, err := svc.Session(t.Context(), token, t0)
					if err == nil && p.Key != "person-1" {
						t.Fatalf("session of %s, want person-1", p.Key)
					}
					return err
				}
				if err := read(a.svc, iss.Token); err != nil || store.reads.Load() != 0 {
					t.Fatalf("the signing-in instance: %v after %d store reads; want the session from memory", err, store.reads.Load())
				}
				for range 3 {
					if err := read(b.svc, iss.Token); err != nil {
						t.Fatal(err)
					}
				}
				if n := store.reads.Load(); n != 1 {
					t.Errorf("three reads on the other instance reached the store %d times, want 1", n)
				}
				if _, _, err := b.svc.Session(t.Context(), iss.Token, t0.Add(vaxbook.SessionTTL)); vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
					t.Errorf("a cached session after its lifetime: %v, want unauthorized", err)
				}

				if err := a.svc.SignOut(t.Context(), iss.Token, t0); err != nil {
					t.Fatal(err)
				}
				eventually(t, "signed out on the other instance", func() bool {
					return vaxbook.ErrorCode(read(b.svc, iss.Token)) == vaxbook.CodeUnauthorized
				})

				first, err := b.svc.Complete(t.Context(), signin.Attempt{Device: "pc2"}, proof(2), t0)
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := a.svc.Session(t.Context(), first.Token, t0); err != nil {
					t.Fatal(err)
				}
				if _, err := b.svc.Complete(t.Context(), signin.Attempt{Device: "pc2", Previous: first.Token}, proof(2), t0.Add(11*time.Minute)); err != nil {
					t.Fatal(err)
				}
				eventually(t, "the previous session ended on the other instance", func() bool {
					_, _, err := a.svc.Session(t.Context(), first.Token, t0.Add(11*time.Minute))
					return vaxbook.ErrorCode(err) == vaxbook.CodeUnauthorized
				})
			})
		})
	}
}

// eventually waits up to five seconds for ok.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5 s", what)
		}
	}
}
