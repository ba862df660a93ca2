package cert_test

import (
	"bytes"
	"context"
	"encoding/base64"
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
