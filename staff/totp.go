package staff

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"time"
)

// The one-time password profile every authenticator app uses by default (RFC 6238):
// HMAC-SHA-1, 30-second steps, 6 digits.
const (
	totpStep   = 30 * time.Second
	totpDigits = 6
	// totpSkew is how many steps before and after now are accepted, for a phone whose
	// clock is a little off and a code typed just as it changed.
	totpSkew = 1
)

// TOTP returns the code of key at t with the default 6 digits.
func TOTP(key []byte, t time.Time) string { return totpCode(key, t, totpDigits) }

// totpCode is RFC 6238's TOTP with SHA-1: HOTP (RFC 4226) of the 30-second step
// counter, dynamically truncated to digits decimal digits.
func totpCode(key []byte, t time.Time, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(t.Unix()/int64(totpStep/time.Second)))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// CheckTOTP reports whether code is key's code at t or one step either side. Every
// candidate is compared, in constant time, so the timing says nothing of which matched.
func CheckTOTP(key []byte, code string, t time.Time) bool {
	if len(key) == 0 || len(code) != totpDigits {
		return false
	}
	ok := 0
	for d := -totpSkew; d <= totpSkew; d++ {
		ok |= subtle.ConstantTimeCompare([]byte(TOTP(key, t.Add(time.Duration(d)*totpStep))), []byte(code))
	}
	return ok == 1
}

// MatchTOTP returns the step (30-second periods since the Unix epoch) whose code is
// code, at t or one step either side, so that a caller can refuse a step already used
// (RFC 6238 §5.2: a code is accepted once). Every candidate is compared in constant
// time.
func MatchTOTP(key []byte, code string, t time.Time) (step int64, ok bool) {
	if len(key) == 0 || len(code) != totpDigits {
		return 0, false
	}
	now := t.Unix() / int64(totpStep/time.Second)
	for d := -totpSkew; d <= totpSkew; d++ {
		if subtle.ConstantTimeCompare([]byte(TOTP(key, t.Add(time.Duration(d)*totpStep))), []byte(code)) == 1 {
			step, ok = now+int64(d), true
		}
	}
	return step, ok
}
