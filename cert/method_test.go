package cert_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"strconv"
	"sync"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/cert"
)

func TestNewRefusesBadConfig(t *testing.T) {
	f := mustFixture(t, cert.Config{})
	good := cert.Config{Roots: f.ca.Pool(), Secret: testSecret}
	tests := []struct {
		name string
		edit func(*cert.Config)
	}{
		{"no roots", func(c *cert.Config) { c.Roots = nil }},
		{"short secret", func(c *cert.Config) { c.Secret = testSecret[:31] }},
		{"short challenge key", func(c *cert.Config) { c.ChallengeKey = bytes.Repeat([]byte{1}, 31) }},
		{"negative TTL", func(c *cert.Config) { c.ChallengeTTL = -time.Second }},
		{"negative latency", func(c *cert.Config) { c.Latency = -time.Second }},
		{"negative concurrency", func(c *cert.Config) { c.MaxConcurrent = -1 }},
		{"negative rate", func(c *cert.Config) { c.PerSecond = -1 }},
	}
	if _, err := cert.New(good, nil); err != nil {
		t.Fatalf("New(good config) = %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.edit(&cfg)
			if _, err := cert.New(cfg, nil); err == nil {
				t.Error("New succeeded")
			}
		})
	}
}

func TestChallengeIsFreshBoundAndExpiresAfterTTL(t *testing.T) {
	f := mustFixture(t, cert.Config{})
	a := f.challenge(t, deviceA)
	b := f.challenge(t, deviceA)
	if a.Value == b.Value || a.ID == b.ID {
		t.Error("two challenges are equal: nonce not random")
	}
	if !a.ExpiresAt.Equal(testNow.Add(2 * time.Minute)) {
		t.Errorf("ExpiresAt = %v, want now + 2 minutes (the default TTL)", a.ExpiresAt)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(a.ID); err != nil || len(raw) != 32 {
		t.Errorf("ID = %q, want base64url of 32 random bytes", a.ID)
	}
	if err := f.m.ParseChallenge(a.Value); err != nil {
		t.Errorf("ParseChallenge(issued) = %v", err)
	}
	if _, err := f.m.Challenge(context.Background(), "", testNow); vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
		t.Errorf("Challenge without a device = %v, want invalid_input", err)
	}
	// A challenge is good until the instant before it expires.
	chain, key := f.issue(t, f.ca)
	if _, _, err := f.m.Verify(context.Background(), deviceA, a.Value, chain, sign(t, key, a.Value), a.ExpiresAt.Add(-time.Millisecond)); err != nil {
		t.Errorf("Verify a millisecond before expiry = %v", err)
	}
}

func TestMemUsedLetsExactlyOneCallerSpendAChallenge(t *testing.T) {
	u := cert.NewMemUsed()
	until := testNow.Add(time.Minute)
	const callers = 32
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	for range callers {
		wg.Go(func() {
			first, err := u.Use(context.Background(), "id", testNow, until)
			if err != nil {
				t.Error(err)
			}
			if first {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firsts != 1 {
		t.Errorf("%d callers spent one challenge, want 1", firsts)
	}
}

func TestMemUsedForgetsExpiredMarks(t *testing.T) {
	u := cert.NewMemUsed()
	ctx := context.Background()
	for i := range 5000 {
		now := testNow.Add(time.Duration(i) * time.Second)
		if first, _ := u.Use(ctx, strconv.Itoa(i), now, now.Add(time.Minute)); !first {
			t.Fatalf("fresh id %d not first", i)
		}
	}
	// Marks live a minute and one arrives per second, so about 60 are live; sweeping
	// keeps the map within a small multiple of that rather than 5000.
	if n := u.Len(); n > 2048 {
		t.Errorf("MemUsed holds %d marks, want expired ones swept", n)
	}
	if first, _ := u.Use(ctx, "4999", testNow.Add(4999*time.Second), testNow.Add(5100*time.Second)); first {
		t.Error("a live mark was forgotten")
	}
}
