package cert

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"
)

// Input bounds. A leaf and two intermediates take about 3 KB in PEM (RSA 4096 about 6
// KB); the bounds leave room for that and keep a hostile client from making the server
// parse more than a glance.
const (
	MaxChainBytes     = 32 << 10
	MaxChainCerts     = 4
	MaxSignatureBytes = 512 // an RSA-4096 signature; ECDSA P-256 takes 64 to 72
)

// parseChain reads the certificates a client sent, leaf first: PEM blocks of type
// CERTIFICATE, or DER certificates one after another. Nothing is trusted yet.
//
// Errors: ErrInputTooLarge, ErrPrivateKeySent, ErrChainMalformed.
func parseChain(b []byte) ([]*x509.Certificate, error) {
	if len(b) > MaxChainBytes {
		return nil, ErrInputTooLarge
	}
	if !bytes.Contains(b, []byte("-----BEGIN")) {
		// DER. ParseCertificates refuses empty input and trailing garbage.
		certs, err := x509.ParseCertificates(b)
		if err != nil || len(certs) == 0 {
			return nil, ErrChainMalformed
		}
		if len(certs) > MaxChainCerts {
			return nil, ErrChainMalformed
		}
		return certs, nil
	}
	var certs []*x509.Certificate
	rest := b
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			// A user who pasted the key file gets told so, and the key goes no
			// further: it is neither parsed nor logged.
			if bytes.Contains([]byte(block.Type), []byte("PRIVATE KEY")) {
				return nil, ErrPrivateKeySent
			}
			return nil, ErrChainMalformed
		}
		if len(certs) == MaxChainCerts {
			return nil, ErrChainMalformed
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, ErrChainMalformed
		}
		certs = append(certs, c)
	}
	// Text around the blocks is allowed (openssl writes some), but not a block that
	// failed to decode, which would silently drop a certificate.
	if len(certs) == 0 || bytes.Contains(rest, []byte("-----BEGIN")) {
		return nil, ErrChainMalformed
	}
	return certs, nil
}

// checkChain verifies certs (leaf first) to the configured roots at now, requires the
// leaf to be usable for signing in, and asks the revocation checker about every
// certificate of the chain but the root.
//
// Errors: ErrCertExpired, ErrCertNotYetValid, ErrCertUntrusted, ErrCertUsage,
// ErrCertRevoked; ErrBusy joined with the cause when revocation cannot be checked.
func (m *Method) checkChain(ctx context.Context, certs []*x509.Certificate, now time.Time) error {
	leaf := certs[0]
	inter := m.cfg.Intermediates
	if len(certs) > 1 {
		if inter == nil {
			inter = x509.NewCertPool()
		} else {
			inter = inter.Clone()
		}
		for _, c := range certs[1:] {
			inter.AddCert(c)
		}
	}
	chains, err := leaf.Verify(x509.VerifyOptions{
		Roots:         m.cfg.Roots,
		Intermediates: inter,
		// The service clock, not the system's: with --now the rules and the
		// certificates' dates must agree.
		CurrentTime: now,
		// Client authentication is what signing in is. A leaf with no extended key
		// usage passes, as X.509 reads an absent extension as "any": NPKI certificates
		// typically carry none.
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return chainError(err, now)
	}
	// x509 does not check key usage; a certificate only for encryption, say, must not
	// sign in, and neither may a CA certificate posing as a person's.
	if leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 || leaf.IsCA {
		return ErrCertUsage
	}
	chain := chains[0]
	for _, c := range chain[:len(chain)-1] {
		revoked, err := m.cfg.Revoked.Revoked(ctx, c)
		if err != nil {
			return errors.Join(ErrBusy, fmt.Errorf("cert revocation check: %w", err))
		}
		if revoked {
			return ErrCertRevoked
		}
	}
	return nil
}

// chainError maps an x509 verification error to the refusal the resident is shown.
func chainError(err error, now time.Time) error {
	var inv x509.CertificateInvalidError
	if errors.As(err, &inv) {
		switch inv.Reason {
		case x509.Expired:
			if now.Before(inv.Cert.NotBefore) {
				return ErrCertNotYetValid
			}
			return ErrCertExpired
		case x509.IncompatibleUsage:
			return ErrCertUsage
		}
	}
	return ErrCertUntrusted
}
