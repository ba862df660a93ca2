package identity

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// ErrUnsealable is returned by Open when sealed bytes were altered, truncated or
// sealed under another key. It is an internal error: users never cause it.
var ErrUnsealable = errors.New("identity: sealed value is corrupt or sealed under another key")

// Sealer encrypts phone numbers for storage with AES-256-GCM, so that a leaked table
// gives no phone numbers (privacy rule: "phone numbers are stored encrypted"). GCM also
// authenticates, so a tampered value fails to open instead of yielding another number.
// A Sealer is safe for concurrent use.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer returns a Sealer for a 32-byte AES-256 key. Any other key length is an
// error: AES-128 and AES-192 would be accepted by crypto/aes, but a short key from a
// truncated configuration value should fail at start-up, not weaken storage silently.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("identity: sealing key is %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("identity: sealing key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("identity: sealing key: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plain and returns the random 12-byte nonce followed by the ciphertext
// and tag. The nonce is random rather than a counter because several instances seal with
// one key and share no counter; at 2^32 seals per key the collision risk stays below
// the NIST bound, far above the population this service will ever seal.
func (s *Sealer) Seal(plain string) ([]byte, error) {
	ns := s.aead.NonceSize()
	out := make([]byte, ns, ns+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("identity: seal nonce: %w", err)
	}
	return s.aead.Seal(out, out, []byte(plain), nil), nil
}

// Open decrypts a value made by Seal. It returns ErrUnsealable when the value was
// altered or truncated, or sealed under another key.
func (s *Sealer) Open(sealed []byte) (string, error) {
	ns := s.aead.NonceSize()
	if len(sealed) < ns+s.aead.Overhead() {
		return "", ErrUnsealable
	}
	plain, err := s.aead.Open(nil, sealed[:ns], sealed[ns:], nil)
	if err != nil {
		return "", ErrUnsealable
	}
	return string(plain), nil
}
