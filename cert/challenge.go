package cert

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"time"

	"vaxbook"
)

// Challenge is a value for the resident to sign. It is stateless: Value is a token
// MAC'd under the challenge key that binds a random nonce, the device it was issued to
// and its expiry, so issuing one costs no storage and survives a restart or a move to
// another instance. Only its use is recorded (UsedChallenges), which makes it single-use.
type Challenge struct {
	// ID names the challenge in UsedChallenges: the base64url nonce.
	ID string
	// Value is what the client signs, as its ASCII bytes, and sends back unchanged.
	Value string
	// ExpiresAt is the instant Value stops being accepted.
	ExpiresAt time.Time
}

// The token layout: version, nonce, expiry (Unix milliseconds, big-endian), device tag,
// then the MAC of everything before it.
const (
	tokenVersion = 1
	nonceLen     = 32
	deviceTagLen = 16 // 128 bits: a guessed tag matches another device with odds 2^-128
	macLen       = sha256.Size
	payloadLen   = 1 + nonceLen + 8 + deviceTagLen
	tokenLen     = payloadLen + macLen
)

// tokenChars is the length of an encoded token; anything else is refused unread.
var tokenChars = base64.RawURLEncoding.EncodedLen(tokenLen)

// token is a parsed challenge whose MAC has been checked.
type token struct {
	id        string
	expiresAt time.Time
	deviceTag []byte
}

// Challenge issues a challenge for the device, valid for the configured TTL from now.
//
// Errors: ErrNoDevice for an empty device ID; an internal error if the system's random
// source fails.
func (m *Method) Challenge(_ context.Context, deviceID string, now time.Time) (Challenge, error) {
	if deviceID == "" {
		return Challenge{}, ErrNoDevice
	}
	// Milliseconds, so that ExpiresAt is exactly what the token carries.
	exp := now.Add(m.cfg.ChallengeTTL).UnixMilli()
	b := make([]byte, payloadLen, tokenLen)
	b[0] = tokenVersion
	nonce := b[1 : 1+nonceLen]
	if _, err := rand.Read(nonce); err != nil {
		return Challenge{}, fmt.Errorf("cert challenge nonce: %w", err)
	}
	binary.BigEndian.PutUint64(b[1+nonceLen:], uint64(exp))
	copy(b[1+nonceLen+8:], m.deviceTag(deviceID))
	b = append(b, m.mac(b)...)
	return Challenge{
		ID:        base64.RawURLEncoding.EncodeToString(nonce),
		Value:     base64.RawURLEncoding.EncodeToString(b),
		ExpiresAt: time.UnixMilli(exp).In(vaxbook.Seoul),
	}, nil
}

// parseChallenge decodes a challenge value and checks its MAC. The device and expiry
// are left to the caller, which can then say which of them failed.
//
// Errors: ErrChallengeMalformed for anything not shaped like a token,
// ErrChallengeForged for a token whose MAC does not match.
func (m *Method) parseChallenge(s string) (token, error) {
	if len(s) != tokenChars {
		return token{}, ErrChallengeMalformed
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != tokenLen || b[0] != tokenVersion {
		return token{}, ErrChallengeMalformed
	}
	if !hmac.Equal(m.mac(b[:payloadLen]), b[payloadLen:]) {
		return token{}, ErrChallengeForged
	}
	exp := int64(binary.BigEndian.Uint64(b[1+nonceLen:]))
	return token{
		id:        base64.RawURLEncoding.EncodeToString(b[1 : 1+nonceLen]),
		expiresAt: time.UnixMilli(exp).In(vaxbook.Seoul),
		deviceTag: b[1+nonceLen+8 : payloadLen],
	}, nil
}

// mac returns the challenge MAC of a token payload. The prefix keeps the key, should
// it be shared by mistake, from validating anything but challenges.
func (m *Method) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, m.cfg.ChallengeKey)
	h.Write([]byte("vaxbook cert challenge\x00"))
	h.Write(payload)
	return h.Sum(nil)
}

// deviceTag binds a challenge to a device without putting the device ID (the session's
// hash) in a value the client handles: it is keyed, so the tag reveals nothing.
func (m *Method) deviceTag(deviceID string) []byte {
	h := hmac.New(sha256.New, m.cfg.ChallengeKey)
	h.Write([]byte("vaxbook cert device\x00"))
	h.Write([]byte(deviceID))
	return h.Sum(nil)[:deviceTagLen]
}
