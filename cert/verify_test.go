package cert_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/cert"
	"vaxbook/demo"
	"vaxbook/devca"
	"vaxbook/identity"
)

// pemToDER returns the certificates of a PEM chain as DER, one after another.
func pemToDER(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var der []byte
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return der
		}
		der = append(der, block.Bytes...)
	}
}

// leafOnly returns the first PEM block of a chain.
func leafOnly(tb testing.TB, chain []byte) []byte {
	tb.Helper()
	block, _ := pem.Decode(chain)
	return pem.EncodeToMemory(block)
}

func TestVerifyAcceptsGoodCertificates(t *testing.T) {
	type signer func(testing.TB, crypto.Signer, string) []byte
	tests := []struct {
		name  string
		cfg   func(f *fixture, inter *devca.CA) cert.Config
		chain func(t *testing.T, f *fixture, inter *devca.CA) ([]byte, crypto.Signer)
		sign  signer
	}{
		{"ECDSA P-256, ASN.1 signature, PEM leaf", nil, func(t *testing.T, f *fixture, _ *devca.CA) ([]byte, crypto.Signer) {
			return f.issue(t, f.ca)
		}, sign},
		{"ECDSA P-256, raw r||s signature as WebCrypto makes", nil, func(t *testing.T, f *fixture, _ *devca.CA) ([]byte, crypto.Signer) {
			return f.issue(t, f.ca)
		}, signWebCrypto},
		{"DER leaf", nil, func(t *testing.T, f *fixture, _ *devca.CA) ([]byte, crypto.Signer) {
			c, k := f.issue(t, f.ca)
			return pemToDER(t, c), k
		}, sign},
		{"RSA 2048, PKCS #1 v1.5", nil, func(t *testing.T, f *fixture, _ *devca.CA) ([]byte, crypto.Signer) {
			return f.issue(t, f.ca, devca.WithRSAKey(2048))
		}, sign},
		{"RSA 2048, PSS", nil, func(t *testing.T, f *fixture, _ *devca.CA) ([]byte, crypto.Signer) {
			return f.issue(t, f.ca, devca.WithRSAKey(2048))
		}, signPSS},
		{"leaf without extended key usage, as NPKI certificates", nil, func(t *testing.T, f *fixture, _ *devca.CA) ([]byte, crypto.Signer) {
			return f.issue(t, f.ca, devca.WithExtKeyUsage())
		}, sign},
		{"intermediate sent by the client", nil, func(t *testing.T, f *fixture, inter *devca.CA) ([]byte, crypto.Signer) {
			return f.issue(t, inter)
		}, sign},
		{"intermediate known to the server, leaf alone sent", func(f *fixture, inter *devca.CA) cert.Config {
			p := x509.NewCertPool()
			p.AddCert(inter.Cert)
			return cert.Config{Roots: f.ca.Pool(), Intermediates: p}
		}, func(t *testing.T, f *fixture, inter *devca.CA) ([]byte, crypto.Signer) {
			c, k := f.issue(t, inter)
			return leafOnly(t, c), k
		}, sign},
		{"DER chain with intermediate", nil, func(t *testing.T, f *fixture, inter *devca.CA) ([]byte, crypto.Signer) {
			c, k := f.issue(t, inter)
			return pemToDER(t, c), k
		}, sign},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustFixture(t, cert.Config{})
			inter, err := f.ca.Intermediate("vaxbook development sub CA", leafFrom, 10*365*24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if tt.cfg != nil {
				cfg := tt.cfg(f, inter)
				cfg.Secret = testSecret
				if f.m, err = cert.New(cfg, nil); err != nil {
					t.Fatal(err)
				}
			}
			chain, key := tt.chain(t, f, inter)
			ch := f.challenge(t, deviceA)
			id, pk, err := f.m.Verify(context.Background(), deviceA, ch.Value, chain, tt.sign(t, key, ch.Value), testNow)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			want := f.sub.Identity
			want.Phone = "" // certificates carry no phone number
			if id != want {
				t.Errorf("identity = %+v, want %+v", id, want)
			}
			if pk != f.personKey() {
				t.Errorf("person key = %q, want PersonKey(secret, CI) = %q", pk, f.personKey())
			}
		})
	}
}

func TestVerifyMapsRegisteredForeigners(t *testing.T) {
	f := mustFixture(t, cert.Config{})
	pop := demo.NewPopulation(1000, 2021, demo.Campaign2021())
	var sub identity.Subscriber
	for i := range pop.Len() {
		if sub = pop.Resident(i); sub.Foreign {
			break
		}
	}
	if !sub.Foreign {
		t.Fatal("no registered foreigner among 1000 residents")
	}
	chain, key := mustIssue(t, f.ca, sub, leafFrom, leafUntil)
	ch := f.challenge(t, deviceA)
	id, _, err := f.m.Verify(context.Background(), deviceA, ch.Value, chain, sign(t, key, ch.Value), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !id.Foreign || id.Name != sub.Name || id.Birth != sub.Birth {
		t.Errorf("identity = %+v, want foreigner %s born %s", id, sub.Name, sub.Birth)
	}
}

func TestVerifyRefusesAReusedChallenge(t *testing.T) {
	// The challenge outlives the Guard's window here, so that a replay eleven minutes
	// later, which the Guard would let through, is refused by the spent challenge alone.
	f := mustFixture(t, cert.Config{ChallengeTTL: 2 * vaxbook.VerifyWindow})
	chain, key := f.issue(t, f.ca)
	ch := f.challenge(t, deviceA)
	sig := sign(t, key, ch.Value)
	if _, _, err := f.m.Verify(context.Background(), deviceA, ch.Value, chain, sig, testNow); err != nil {
		t.Fatal(err)
	}
	for _, after := range []time.Duration{0, time.Minute, vaxbook.VerifyWindow + time.Minute} {
		t.Run("replayed after "+after.String(), func(t *testing.T) {
			_, _, err := f.m.Verify(context.Background(), deviceA, ch.Value, chain, sig, testNow.Add(after))
			wantRefusal(t, err, cert.ErrChallengeReused)
		})
	}
}
