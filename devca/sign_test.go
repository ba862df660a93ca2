package devca_test

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
)

// signSHA256 signs msg with SHA-256 by whatever key the file held.
func signSHA256(k any, msg string) ([]byte, error) {
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("key %T cannot sign", k)
	}
	d := sha256.Sum256([]byte(msg))
	return s.Sign(rand.Reader, d[:], crypto.SHA256)
}
