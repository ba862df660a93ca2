// Package cert is the certificate identity verification method (공동·금융인증서): the
// server issues a single-use challenge, the resident's browser or app signs it with the
// private key of an X.509 certificate, and the server checks the signature, the chain to
// a configured CA pool, the validity dates, the key usage and revocation, then maps the
// certificate to the person.
//
// Mapping. Real joint certificates (NPKI) identify a person through the VID, a hash of
// the registration number kept in the certificate, checked against a number the
// resident types; that check, and the CI lookup it leads to, is out of scope here, since
// the service may not process registration numbers. Certificates of the development CA
// (package devca) carry the person's CI, birth date and nationality in extensions under
// a documentation arc (see OIDCI) and the name in the subject's common name.
package cert

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"vaxbook/identity"
	"vaxbook/inmem"
)

// Name is the method's name, as recorded in vaxbook.Session.Method.
const Name = "cert"

// MinChallengeKeyLen is the shortest challenge MAC key accepted: the output size of
// SHA-256, so a forged challenge is as hard as breaking the MAC.
const MinChallengeKeyLen = 32

// Config is the method's settings. Zero durations and counts take the defaults.
type Config struct {
	// Roots are the trusted certificate authorities. Required.
	Roots *x509.CertPool
	// Intermediates are intermediate CAs the server knows, so that clients may send
	// the leaf alone. Optional: clients may also send intermediates after the leaf.
	Intermediates *x509.CertPool
	// ChallengeTTL is how long a challenge may be signed and sent back: 2 minutes by
	// default, enough for a resident to pick a certificate and type its password.
	ChallengeTTL time.Duration
	// Secret is the person-key secret (identity.PersonKey), the same for every
	// method so that one person has one key whichever method they use. At least
	// identity.MinSecretLen bytes.
	Secret []byte
	// ChallengeKey is the HMAC key of challenges, at least MinChallengeKeyLen bytes.
	// Every instance serving one population needs the same key. When empty it is
	// derived from Secret, so that no extra setting is needed.
	ChallengeKey []byte
	// Revoked tells whether a certificate was revoked. Nil means no certificate is:
	// acceptable for the development CA only. A real deployment plugs in a CRL or OCSP
	// checker of the CA here.
	Revoked RevocationChecker
	// Latency, MaxConcurrent and PerSecond shape the "CA check" (chain and revocation)
	// like a real provider's, so that load tests meet the bottleneck the 2021 service
	// met: verification, not booking, was the largest load. Zero means no added
	// latency and unlimited capacity.
	Latency       time.Duration
	MaxConcurrent int
	PerSecond     float64
}

func (c Config) withDefaults() Config {
	if c.ChallengeTTL == 0 {
		c.ChallengeTTL = 2 * time.Minute
	}
	if len(c.ChallengeKey) == 0 && len(c.Secret) > 0 {
		// Domain separation keeps a challenge MAC from ever equalling a person key.
		m := hmac.New(sha256.New, c.Secret)
		m.Write([]byte("vaxbook/cert/challenge-key"))
		c.ChallengeKey = m.Sum(nil)
	}
	if c.Revoked == nil {
		c.Revoked = NewRevocationList()
	}
	return c
}

// Method verifies residents by certificate. It is safe for concurrent use.
type Method struct {
	cfg  Config
	used UsedChallenges
	gate *gate
}

// New returns the method. used may be nil for the in-process inmem.UsedChallenges; a shared
// one must be given when several instances serve one population, or a challenge could
// be spent once on each. It returns an error for a missing root pool, short keys or
// negative settings.
func New(cfg Config, used UsedChallenges) (*Method, error) {
	cfg = cfg.withDefaults()
	switch {
	case cfg.Roots == nil:
		return nil, errors.New("cert: no trusted roots")
	case len(cfg.Secret) < identity.MinSecretLen:
		return nil, fmt.Errorf("cert: secret is %d bytes, want at least %d", len(cfg.Secret), identity.MinSecretLen)
	case len(cfg.ChallengeKey) < MinChallengeKeyLen:
		return nil, fmt.Errorf("cert: challenge key is %d bytes, want at least %d", len(cfg.ChallengeKey), MinChallengeKeyLen)
	case cfg.ChallengeTTL < 0 || cfg.Latency < 0 || cfg.MaxConcurrent < 0 || cfg.PerSecond < 0:
		return nil, errors.New("cert: negative setting")
	}
	if used == nil {
		used = inmem.NewUsedChallenges()
	}
	return &Method{cfg: cfg, used: used, gate: newGate(cfg.Latency, cfg.MaxConcurrent, cfg.PerSecond)}, nil
}
