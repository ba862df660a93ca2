package cert

import (
	"context"
	"crypto/x509"
	"math/big"
	"sync"
)

// RevocationChecker tells whether a certificate has been revoked by its issuer. The
// method asks it for every certificate of the verified chain but the root, after the
// chain has been verified, so it only ever sees certificates of a trusted CA.
//
// Real CAs publish revocation as CRLs (x509.ParseRevocationList, checked with
// CheckSignatureFrom against the issuer) or answer OCSP; a checker for them should cache
// CRLs by issuer and fail closed. This package ships only RevocationList.
type RevocationChecker interface {
	// Revoked reports whether cert is revoked. An error means the answer is unknown;
	// Verify then refuses, since accepting a revoked certificate is worse than asking
	// the resident to retry.
	Revoked(ctx context.Context, cert *x509.Certificate) (bool, error)
}

// RevocationList is an in-memory set of revoked serial numbers, for the development CA
// and tests. Serial numbers are unique only per issuer, so one list serves one CA (the
// development CA issues random 128-bit serials). It is safe for concurrent use.
type RevocationList struct {
	mu      sync.RWMutex
	serials map[string]struct{}
}

var _ RevocationChecker = (*RevocationList)(nil)

// NewRevocationList returns a list revoking the given serial numbers.
func NewRevocationList(serials ...*big.Int) *RevocationList {
	l := &RevocationList{serials: make(map[string]struct{})}
	for _, s := range serials {
		l.Revoke(s)
	}
	return l
}

// Revoke adds a serial number to the list.
func (l *RevocationList) Revoke(serial *big.Int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.serials[serial.Text(16)] = struct{}{}
}

// Revoked implements RevocationChecker.
func (l *RevocationList) Revoked(_ context.Context, cert *x509.Certificate) (bool, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	_, ok := l.serials[cert.SerialNumber.Text(16)]
	return ok, nil
}
