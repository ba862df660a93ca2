package identity

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// MinSecretLen is the shortest person-key secret the service accepts: 32 bytes, the
// output size of SHA-256, so the key is as hard to guess as the hash is to invert.
const MinSecretLen = 32

// PersonKey returns the person key of a CI: the hex HMAC-SHA256 of the CI under secret,
// 64 characters. Every table stores this key instead of any registration number or CI.
//
// The hash is keyed because a CI is derived deterministically from a registration
// number: with a plain hash, anyone holding a list of CIs (or able to compute them)
// could match it against a leaked table and re-identify every row. Without the secret,
// which never leaves the service's configuration, the keys are unlinkable. The secret
// must not change once keys are stored, or every person becomes a new one; callers
// validate it at start-up to be at least MinSecretLen bytes.
func PersonKey(secret []byte, ci string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ci))
	return hex.EncodeToString(m.Sum(nil))
}
