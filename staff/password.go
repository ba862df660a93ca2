// Package staff holds clinic staff accounts: their credentials (argon2id password
// hashes and RFC 6238 one-time passwords, pure functions) and the service that creates
// accounts, signs staff in and out and enables, disables or shuts them out, over the
// store that keeps the accounts.
package staff

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// The argon2id parameters: 64 MiB of memory is what makes guessing on GPUs expensive
// (RFC 9106 recommends it for memory-constrained settings); two passes keep one check
// near 100 ms; one lane, so that a burst of logins at opening time cannot take every core.
const (
	memoryKiB = 64 * 1024
	passes    = 2
	lanes     = 1
	saltLen   = 16
	keyLen    = 32
)

// b64 is the unpadded standard base64 of PHC strings.
var b64 = base64.RawStdEncoding

// Hash returns password's argon2id hash with a random salt, encoded as a PHC string
// ("$argon2id$v=19$m=65536,t=2,p=1$salt$hash") that carries its own parameters, so
// that raising them later leaves old hashes checkable.
func Hash(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, passes, memoryKiB, lanes, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, passes, lanes, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Check reports whether password matches hash. A malformed hash, or one with
// parameters outside what Hash could have written, never matches. The comparison of
// the keys takes constant time.
func Check(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	// Bounds keep a forged row from making one login cost gigabytes or minutes.
	if m < 8*1024 || m > 1024*1024 || t < 1 || t > 10 || p < 1 || p > 16 {
		return false
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
