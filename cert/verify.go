package cert

import (
	"context"
	"crypto/hmac"
	"fmt"
	"time"

	"vaxbook/identity"
)

// Verify completes a verification: the client sends back a challenge issued to the
// device, its certificate chain (PEM, or DER certificates one after another; leaf
// first, intermediates optional) and the leaf key's signature over the challenge's
// Value bytes with SHA-256. On success it returns the identity the certificate names
// and its person key; the verification limits are the sign-in service's (package
// signin).
//
// The checks run cheapest first, the rate-limited CA check last. The challenge is spent
// only when everything but the Guard has passed: a refusal before that, ErrBusy above
// all, may be retried with the same challenge and signature, so a resident is not made
// to sign again because the CA was congested, and a stranger who saw a challenge cannot
// spend it. A replay costs a CA check, as a fresh challenge signed by the same client
// would. Nothing is recorded on any refusal.
//
// Errors (see errors.go for the codes): ErrNoDevice, ErrInputTooLarge,
// ErrChallengeMalformed, ErrChallengeForged, ErrChainMalformed, ErrPrivateKeySent,
// ErrSignatureMalformed for bad input; ErrChallengeDevice, ErrChallengeExpired,
// ErrChallengeReused for a challenge that cannot be used; ErrKeyUnsupported,
// ErrBadSignature, ErrCertExpired, ErrCertNotYetValid, ErrCertUntrusted, ErrCertUsage,
// ErrCertRevoked, ErrCertNoIdentity for a refused certificate or signature; ErrBusy when
// the CA check has no capacity before ctx ends or revocation cannot be checked.
func (m *Method) Verify(ctx context.Context, deviceID, challenge string, chain, signature []byte, now time.Time) (identity.Identity, string, error) {
	if deviceID == "" {
		return identity.Identity{}, "", ErrNoDevice
	}
	tok, err := m.parseChallenge(challenge)
	if err != nil {
		return identity.Identity{}, "", err
	}
	certs, err := parseChain(chain)
	if err != nil {
		return identity.Identity{}, "", err
	}
	if !hmac.Equal(tok.deviceTag, m.deviceTag(deviceID)) {
		return identity.Identity{}, "", ErrChallengeDevice
	}
	if !now.Before(tok.expiresAt) {
		return identity.Identity{}, "", ErrChallengeExpired
	}
	// The signed message is the challenge exactly as issued, so a signature over any
	// other challenge, or over this one altered, fails here.
	if err := checkSignature(certs[0], []byte(challenge), signature); err != nil {
		return identity.Identity{}, "", err
	}
	release, err := m.gate.enter(ctx)
	if err != nil {
		return identity.Identity{}, "", err
	}
	err = m.checkChain(ctx, certs, now)
	release()
	if err != nil {
		return identity.Identity{}, "", err
	}
	// Only a verified leaf is read for the person: an untrusted one could name anyone.
	id, err := identityOf(certs[0])
	if err != nil {
		return identity.Identity{}, "", err
	}
	first, err := m.used.Use(ctx, tok.id, now, tok.expiresAt)
	if err != nil {
		return identity.Identity{}, "", fmt.Errorf("cert spend challenge: %w", err)
	}
	if !first {
		return identity.Identity{}, "", ErrChallengeReused
	}
	return id, identity.PersonKey(m.cfg.Secret, id.CI), nil
}
