package cert_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/cert"
	"vaxbook/demo"
	"vaxbook/devca"
	"vaxbook/identity"
)

// The instant of the tests: five minutes into group 2's window in 2021. Certificates
// issued by fixtures are valid in 2021 only, so a check that read the system clock
// instead of now would refuse them all.
var (
	testNow    = time.Date(2021, 8, 12, 20, 5, 0, 0, vaxbook.Seoul)
	leafFrom   = time.Date(2021, 1, 1, 0, 0, 0, 0, vaxbook.Seoul)
	leafUntil  = time.Date(2022, 1, 1, 0, 0, 0, 0, vaxbook.Seoul)
	testSecret = bytes.Repeat([]byte{7}, identity.MinSecretLen)
)

const deviceA, deviceB = "device-a", "device-b"

// fixture is a Method over a fresh development CA, with its collaborators at hand.
type fixture struct {
	ca      *devca.CA
	m       *cert.Method
	revoked *cert.RevocationList
	sub     identity.Subscriber
}

// mustFixture returns a fixture whose config is cfg with the CA's roots, the test
// secret and a revocation list filled in where cfg leaves them empty.
func mustFixture(tb testing.TB, cfg cert.Config) *fixture {
	tb.Helper()
	ca, err := devca.NewCA(leafFrom, 20*365*24*time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{ca: ca, revoked: cert.NewRevocationList()}
	f.sub = demo.NewPopulation(10, 2021, demo.Campaign2021()).Resident(3)
	if cfg.Roots == nil {
		cfg.Roots = ca.Pool()
	}
	if cfg.Secret == nil {
		cfg.Secret = testSecret
	}
	if cfg.Revoked == nil {
		cfg.Revoked = f.revoked
	}
	f.m, err = cert.New(cfg, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// issue returns a certificate chain for the fixture's resident from ca, valid in 2021,
// and its key.
func (f *fixture) issue(tb testing.TB, ca *devca.CA, opts ...devca.Option) ([]byte, crypto.Signer) {
	tb.Helper()
	return mustIssue(tb, ca, f.sub, leafFrom, leafUntil, opts...)
}

func mustIssue(tb testing.TB, ca *devca.CA, sub identity.Subscriber, from, until time.Time, opts ...devca.Option) ([]byte, crypto.Signer) {
	tb.Helper()
	certPEM, keyPEM, err := ca.Issue(sub, from, until, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil || block.Type != "PRIVATE KEY" {
		tb.Fatalf("key PEM has no PRIVATE KEY block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return certPEM, k.(crypto.Signer)
}

// challenge issues a challenge for the device at testNow.
func (f *fixture) challenge(tb testing.TB, device string) cert.Challenge {
	tb.Helper()
	ch, err := f.m.Challenge(context.Background(), device, testNow)
	if err != nil {
		tb.Fatal(err)
	}
	return ch
}

// personKey is the key the fixture's resident must get.
func (f *fixture) personKey() string { return identity.PersonKey(testSecret, f.sub.CI) }

// sign signs msg with SHA-256 as most libraries do: ASN.1 DER for ECDSA, PKCS #1 v1.5
// for RSA.
func sign(tb testing.TB, key crypto.Signer, msg string) []byte {
	tb.Helper()
	d := sha256.Sum256([]byte(msg))
	sig, err := key.Sign(rand.Reader, d[:], crypto.SHA256)
	if err != nil {
		tb.Fatal(err)
	}
	return sig
}

// signWebCrypto signs msg as WebCrypto's subtle.sign({name: "ECDSA", hash: "SHA-256"})
// does: r and s as two 32-byte big-endian integers, 64 bytes, no ASN.1.
func signWebCrypto(tb testing.TB, key crypto.Signer, msg string) []byte {
	tb.Helper()
	d := sha256.Sum256([]byte(msg))
	r, s, err := ecdsa.Sign(rand.Reader, key.(*ecdsa.PrivateKey), d[:])
	if err != nil {
		tb.Fatal(err)
	}
	raw := make([]byte, 64)
	r.FillBytes(raw[:32])
	s.FillBytes(raw[32:])
	return raw
}

// signPSS signs msg with RSA-PSS and a 32-byte salt, as WebCrypto's RSA-PSS with
// saltLength 32 does.
func signPSS(tb testing.TB, key crypto.Signer, msg string) []byte {
	tb.Helper()
	d := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPSS(rand.Reader, key.(*rsa.PrivateKey), crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: 32})
	if err != nil {
		tb.Fatal(err)
	}
	return sig
}

// wantRefusal fails unless err is want (by errors.Is) and carries want's code.
func wantRefusal(tb testing.TB, err, want error) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("err = %v, want %v", err, want)
	}
	if vaxbook.ErrorCode(err) != vaxbook.ErrorCode(want) {
		tb.Fatalf("code = %s, want %s", vaxbook.ErrorCode(err), vaxbook.ErrorCode(want))
	}
}
