package oidc

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"time"

	"vaxbook"
	"vaxbook/identity"
)

// StateTTL is how long a started sign-in may be finished. A resident who takes longer
// at the provider starts again; ten minutes matches the verification window.
const StateTTL = 10 * time.Minute

// CookieName is the suggested name of the cookie that carries Begin's state to Finish.
// It should be HttpOnly, Secure, scoped to /api/v1/identity/oidc/, and SameSite=Lax:
// the provider's redirect back is a cross-site top-level GET, which Strict would strip
// of the cookie.
const CookieName = "vaxbook_oidc"

// maxCookieLen bounds the state cookie before it is decoded, so a forged one costs no
// more than a glance. A genuine one is about 330 characters.
const maxCookieLen = 1024

// loginState is what Finish needs from Begin. It travels sealed (AES-256-GCM, which
// also authenticates it) in a cookie instead of a server-side table, so that any
// instance can finish a login another started and nothing grows with the surge.
type loginState struct {
	Provider string `json:"p"`
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	// Device is a hash of the device ID: the cookie binds the login to the device
	// that started it without carrying the ID itself.
	Device  string `json:"d"`
	Expires int64  `json:"e"` // Unix seconds
}

// seal returns the state as a cookie value: the sealed JSON in unpadded base64url,
// which needs no quoting in a cookie.
func (s loginState) seal(sealer *identity.Sealer) (string, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	sealed, err := sealer.Seal(string(b))
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// openState opens a cookie made by seal and checks that it belongs to this provider and
// device and has not expired at now. Every refusal is CodeVerifyFailed: whether the
// cookie is missing, forged, stale or from another device, the resident can only start
// again, and the message says so without telling a forger which check failed.
func openState(sealer *identity.Sealer, cookie, provider, deviceID string, now time.Time) (loginState, error) {
	var s loginState
	if cookie == "" || len(cookie) > maxCookieLen {
		return s, errStart()
	}
	sealed, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil {
		return s, errStart()
	}
	plain, err := sealer.Open(sealed)
	if err != nil {
		return s, errStart()
	}
	if err := json.Unmarshal([]byte(plain), &s); err != nil {
		return loginState{}, errStart()
	}
	if s.Provider != provider || !equal(s.Device, deviceHash(deviceID)) || !now.Before(time.Unix(s.Expires, 0)) {
		return loginState{}, errStart()
	}
	if s.State == "" || s.Nonce == "" || s.Verifier == "" {
		return loginState{}, errStart()
	}
	return s, nil
}

// deviceHash returns the hash of a device ID that a state cookie carries.
func deviceHash(deviceID string) string {
	h := sha256.Sum256([]byte("vaxbook oidc device\x00" + deviceID))
	return base64.RawURLEncoding.EncodeToString(h[:16])
}

// random returns 256 random bits as text (crypto/rand.Text twice): state and nonce
// values nobody can guess.
func random() string {
	return rand.Text() + rand.Text()
}

// equal compares two secrets in constant time, so that response times tell an attacker
// nothing about how much of a guess was right.
func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func errStart() error {
	return vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"This sign-in has expired or was started elsewhere. Please start again.")
}
