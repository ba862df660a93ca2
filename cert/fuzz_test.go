package cert_test

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"

	"vaxbook"
	"vaxbook/cert"
	"vaxbook/devca"
)

// FuzzParseChallenge feeds arbitrary challenge values to the parser. It must refuse
// with invalid_input, and a value it accepts must be covered by the MAC in every
// character and under this key only. (Fuzzing workers are separate processes that
// cannot know which values the seeding process issued, so "only issued values parse"
// is checked through these two consequences.)
func FuzzParseChallenge(f *testing.F) {
	fx := mustFixture(f, cert.Config{})
	other := mustFixture(f, cert.Config{ChallengeKey: bytes.Repeat([]byte{9}, cert.MinChallengeKeyLen)})
	for range 3 {
		v := fx.challenge(f, deviceA).Value
		f.Add(v)
		f.Add(alter(v, len(v)-5))
		f.Add(alter(v, 3))
		f.Add(v[:len(v)-1])
		f.Add(v + "=")
	}
	f.Add("")
	f.Add("not a challenge")
	f.Fuzz(func(t *testing.T, s string) {
		err := fx.m.ParseChallenge(s)
		if err != nil {
			if vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
				t.Fatalf("ParseChallenge(%q) = %v, want invalid_input", s, err)
			}
			return
		}
		if err := other.m.ParseChallenge(s); err != cert.ErrChallengeForged {
			t.Fatalf("a method with another key parsed %q: %v", s, err)
		}
		for i := range s {
			if err := fx.m.ParseChallenge(alter(s, i)); err == nil {
				t.Fatalf("ParseChallenge accepted %q with character %d altered", s, i)
			}
		}
	})
}

// FuzzParseChain feeds arbitrary chains, PEM or DER, to the parser: it must never
// panic, must refuse with invalid_input, and must return a bounded, non-empty chain.
func FuzzParseChain(f *testing.F) {
	fx := mustFixture(f, cert.Config{})
	inter, err := fx.ca.Intermediate("fuzz sub CA", leafFrom, leafUntil.Sub(leafFrom))
	if err != nil {
		f.Fatal(err)
	}
	chain, _ := fx.issue(f, inter)
	f.Add(chain)
	f.Add(pemToDER(f, chain))
	f.Add(leafOnly(f, chain))
	_, keyPEM, err := fx.ca.Issue(fx.sub, leafFrom, leafUntil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(append(leafOnly(f, chain), keyPEM...))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x01})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		certs, err := cert.ParseChain(b)
		if err != nil {
			if vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
				t.Fatalf("ParseChain = %v, want invalid_input", err)
			}
			return
		}
		if len(certs) == 0 || len(certs) > cert.MaxChainCerts || len(b) > cert.MaxChainBytes {
			t.Fatalf("ParseChain accepted %d bytes as %d certificates", len(b), len(certs))
		}
		for _, c := range certs {
			if c == nil || len(c.Raw) == 0 {
				t.Fatal("ParseChain returned an empty certificate")
			}
		}
	})
}

// FuzzParseSignature feeds arbitrary signatures and messages to the signature check of
// an ECDSA and an RSA leaf: it must never panic, must refuse with the signature errors
// only, and must accept a signature only for the message it was made over.
func FuzzParseSignature(f *testing.F) {
	fx := mustFixture(f, cert.Config{})
	ecChain, ecKey := fx.issue(f, fx.ca)
	rsaChain, rsaKey := fx.issue(f, fx.ca, devca.WithRSAKey(2048))
	leaves := []*x509.Certificate{mustLeaf(f, ecChain), mustLeaf(f, rsaChain)}
	const msg = "the challenge"
	for _, sig := range [][]byte{sign(f, ecKey, msg), signWebCrypto(f, ecKey, msg), sign(f, rsaKey, msg), signPSS(f, rsaKey, msg)} {
		f.Add(msg, sig)
		f.Add(msg+"!", sig)
		f.Add(msg, sig[:len(sig)-1])
	}
	f.Add(msg, []byte{})
	f.Add(msg, make([]byte, 64))
	f.Add(msg, []byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01})
	allowed := []error{cert.ErrBadSignature, cert.ErrSignatureMalformed, cert.ErrInputTooLarge}
	f.Fuzz(func(t *testing.T, m string, sig []byte) {
		for _, leaf := range leaves {
			err := cert.CheckSignature(leaf, []byte(m), sig)
			if err == nil {
				if m != msg {
					t.Fatalf("a signature was accepted for message %q", m)
				}
				continue
			}
			if !errors.Is(err, allowed[0]) && !errors.Is(err, allowed[1]) && !errors.Is(err, allowed[2]) {
				t.Fatalf("CheckSignature = %v", err)
			}
		}
		// A 64-byte value read as raw r||s must re-encode the same two integers.
		if len(sig) == 64 {
			var rs struct{ R, S *big.Int }
			ders := cert.ECDSASignatures(sig)
			if _, err := asn1.Unmarshal(ders[0], &rs); err != nil ||
				rs.R.Cmp(new(big.Int).SetBytes(sig[:32])) != 0 || rs.S.Cmp(new(big.Int).SetBytes(sig[32:])) != 0 {
				t.Fatalf("raw signature re-encoded as %x", ders[0])
			}
		}
	})
}

func mustLeaf(tb testing.TB, chain []byte) *x509.Certificate {
	tb.Helper()
	certs, err := cert.ParseChain(chain)
	if err != nil {
		tb.Fatal(err)
	}
	return certs[0]
}
