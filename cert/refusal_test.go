package cert_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"vaxbook/cert"
	"vaxbook/devca"
)

// attempt is one call of Verify.
type attempt struct {
	device, challenge string
	chain, sig        []byte
	now               time.Time
}

// goodAttempt is an attempt Verify accepts: a fresh challenge for device A, signed by
// the key of a valid certificate of the fixture's CA.
func (f *fixture) goodAttempt(t *testing.T) attempt {
	chain, key := f.issue(t, f.ca)
	return f.attemptWith(t, chain, key)
}

func (f *fixture) attemptWith(t *testing.T, chain []byte, key crypto.Signer) attempt {
	ch := f.challenge(t, deviceA)
	return attempt{deviceA, ch.Value, chain, sign(t, key, ch.Value), testNow}
}

// customLeaf issues, from ca, a leaf naming the fixture's resident with the given
// template changes and key, for the certificates devca's options cannot make.
func (f *fixture) customLeaf(t *testing.T, edit func(*x509.Certificate), key crypto.Signer) []byte {
	exts, err := cert.Extensions(f.sub.Identity)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:    big.NewInt(99),
		Subject:         pkix.Name{CommonName: f.sub.Name},
		NotBefore:       leafFrom,
		NotAfter:        leafUntil,
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		ExtraExtensions: exts,
	}
	edit(tmpl)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.ca.Cert, key.Public(), f.ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// errRevocationDown is a revocation checker that cannot answer.
type errRevocationDown struct{}

func (errRevocationDown) Revoked(context.Context, *x509.Certificate) (bool, error) {
	return false, errors.New("CRL distribution point unreachable")
}

// alter returns s with the character at i replaced by another base64url character.
func alter(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

// TestVerifyRefusals checks each refusal of Verify with an attempt that differs from a
// good one in exactly that respect, and that the refused attempt records nothing.
func TestVerifyRefusals(t *testing.T) {
	otherCA, err := devca.NewCA(leafFrom, 20*365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  cert.Config
		make func(t *testing.T, f *fixture) attempt
		want error
	}{
		// The certificate.
		{"expired certificate", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, k := mustIssue(t, f.ca, f.sub, leafFrom.AddDate(-1, 0, 0), testNow.Add(-time.Second))
			return f.attemptWith(t, c, k)
		}, cert.ErrCertExpired},
		{"certificate not yet valid", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, k := mustIssue(t, f.ca, f.sub, testNow.Add(time.Hour), leafUntil)
			return f.attemptWith(t, c, k)
		}, cert.ErrCertNotYetValid},
		{"revoked certificate", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, k := f.issue(t, f.ca)
			block, _ := pem.Decode(c)
			leaf, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			f.revoked.Revoke(leaf.SerialNumber)
			return f.attemptWith(t, c, k)
		}, cert.ErrCertRevoked},
		{"revocation status unknown", cert.Config{Revoked: errRevocationDown{}}, func(t *testing.T, f *fixture) attempt { return f.goodAttempt(t) }, cert.ErrBusy},
		{"certificate of another CA", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, k := f.issue(t, otherCA)
			return f.attemptWith(t, c, k)
		}, cert.ErrCertUntrusted},
		{"leaf without digitalSignature", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, k := f.issue(t, f.ca, devca.WithKeyUsage(x509.KeyUsageKeyEncipherment))
			return f.attemptWith(t, c, k)
		}, cert.ErrCertUsage},
		{"leaf for server authentication only", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, k := f.issue(t, f.ca, devca.WithExtKeyUsage(x509.ExtKeyUsageServerAuth))
			return f.attemptWith(t, c, k)
		}, cert.ErrCertUsage},
		{"CA certificate as the leaf", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			c := f.customLeaf(t, func(c *x509.Certificate) { c.IsCA, c.BasicConstraintsValid = true, true }, key)
			return f.attemptWith(t, c, key)
		}, cert.ErrCertUsage},
		{"leaf without identity extensions", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, k := f.issue(t, f.ca, devca.WithoutIdentity())
			return f.attemptWith(t, c, k)
		}, cert.ErrCertNoIdentity},
		{"RSA key under 2048 bits", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, k := f.issue(t, f.ca, devca.WithRSAKey(1024))
			return f.attemptWith(t, c, k)
		}, cert.ErrKeyUnsupported},
		{"ECDSA key on P-384", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			key, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
			return f.attemptWith(t, f.customLeaf(t, func(*x509.Certificate) {}, key), key)
		}, cert.ErrKeyUnsupported},

		// The signature.
		{"signature over another challenge", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, k := f.issue(t, f.ca)
			a := f.attemptWith(t, c, k)
			a.sig = sign(t, k, f.challenge(t, deviceA).Value)
			return a
		}, cert.ErrBadSignature},
		{"signature by another key", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, _ := f.issue(t, f.ca)
			_, other := f.issue(t, f.ca)
			return f.attemptWith(t, c, other)
		}, cert.ErrBadSignature},
		{"empty signature", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			a.sig = nil
			return a
		}, cert.ErrSignatureMalformed},
		{"oversized signature", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			a.sig = make([]byte, cert.MaxSignatureBytes+1)
			return a
		}, cert.ErrInputTooLarge},

		// The challenge.
		{"challenge expired", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			a.now = testNow.Add(2 * time.Minute)
			return a
		}, cert.ErrChallengeExpired},
		{"challenge of another device", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			a.device = deviceB
			return a
		}, cert.ErrChallengeDevice},
		{"challenge MAC altered", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, k := f.issue(t, f.ca)
			a := f.attemptWith(t, c, k)
			a.challenge = alter(a.challenge, len(a.challenge)-10)
			a.sig = sign(t, k, a.challenge)
			return a
		}, cert.ErrChallengeForged},
		{"challenge expiry pushed back", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			c, k := f.issue(t, f.ca)
			a := f.attemptWith(t, c, k)
			b, _ := base64.RawURLEncoding.DecodeString(a.challenge)
			b[1+32+3]++ // the expiry, about 4.6 hours later
			a.challenge = base64.RawURLEncoding.EncodeToString(b)
			a.sig = sign(t, k, a.challenge)
			return a
		}, cert.ErrChallengeForged},
		{"challenge issued under another key", cert.Config{ChallengeKey: bytes.Repeat([]byte{9}, 32)}, func(t *testing.T, f *fixture) attempt {
			other := mustFixture(t, cert.Config{})
			c, k := f.issue(t, f.ca)
			ch := other.challenge(t, deviceA)
			return attempt{deviceA, ch.Value, c, sign(t, k, ch.Value), testNow}
		}, cert.ErrChallengeForged},
		{"challenge truncated", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			a.challenge = a.challenge[:len(a.challenge)-1]
			return a
		}, cert.ErrChallengeMalformed},
		{"no device", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			a.device = ""
			return a
		}, cert.ErrNoDevice},

		// The chain as sent.
		{"garbage PEM", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			a.chain = []byte("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")
			return a
		}, cert.ErrChainMalformed},
		{"garbage DER", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			a.chain = []byte{0x30, 0x82, 0x01, 0x00, 0x02, 0x01}
			return a
		}, cert.ErrChainMalformed},
		{"empty chain", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			a.chain = nil
			return a
		}, cert.ErrChainMalformed},
		{"private key sent with the certificate", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			_, keyPEM, err := f.ca.Issue(f.sub, leafFrom, leafUntil)
			if err != nil {
				t.Fatal(err)
			}
			a.chain = append(a.chain, keyPEM...)
			return a
		}, cert.ErrPrivateKeySent},
		{"chain of five certificates", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			a.chain = bytes.Repeat(a.chain, cert.MaxChainCerts+1)
			return a
		}, cert.ErrChainMalformed},
		{"oversized chain", cert.Config{}, func(t *testing.T, f *fixture) attempt {
			a := f.goodAttempt(t)
			a.chain = append(a.chain, strings.Repeat("#", cert.MaxChainBytes)...)
			return a
		}, cert.ErrInputTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustFixture(t, tt.cfg)
			a := tt.make(t, f)
			id, key, err := f.m.Verify(context.Background(), a.device, a.challenge, a.chain, a.sig, a.now)
			wantRefusal(t, err, tt.want)
			if key != "" || id.CI != "" {
				t.Errorf("a refusal returned identity %+v, key %q", id, key)
			}
		})
	}
}
