// Package devca is the development certificate authority: it creates a CA and issues
// certificates and keys for the synthetic residents, carrying the development identity
// extensions that package cert maps to a person. It exists for --demo, tests and load
// tests only; its keys are kept in plain files.
package devca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// CA is a certificate authority: its certificate, its key, and the certificates between
// it and a root (none for a root).
type CA struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	// Chain holds the CA certificates above Cert up to, but not including, the root.
	// Issue appends Cert and Chain after the leaf, so clients can send the whole chain.
	Chain []*x509.Certificate
}

// NewCA returns a self-signed root CA with an ECDSA P-256 key, valid from now for
// validity. Its NotBefore is set an hour early so that a client clock a little behind
// does not see it as not yet valid.
func NewCA(now time.Time, validity time.Duration) (*CA, error) {
	if validity <= 0 {
		return nil, errors.New("devca: validity must be positive")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("devca: generate CA key: %w", err)
	}
	tmpl, err := caTemplate("vaxbook development root CA", now, validity)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("devca: create CA certificate: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("devca: parse CA certificate: %w", err)
	}
	return &CA{Cert: c, Key: key}, nil
}

// Intermediate returns a CA signed by ca, valid from now for validity, as real joint
// certificates are issued by an intermediate (e.g. yessignCA under the KISA root).
// Chain verification checks every certificate's dates, so the caller keeps the
// intermediate's validity within ca's.
func (ca *CA) Intermediate(name string, now time.Time, validity time.Duration) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("devca: generate intermediate key: %w", err)
	}
	tmpl, err := caTemplate(name, now, validity)
	if err != nil {
		return nil, err
	}
	tmpl.MaxPathLenZero = true
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		return nil, fmt.Errorf("devca: create intermediate certificate: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("devca: parse intermediate certificate: %w", err)
	}
	chain := append([]*x509.Certificate{ca.Cert}, ca.Chain...)
	if ca.isRoot() {
		chain = nil
	}
	return &CA{Cert: c, Key: key, Chain: chain}, nil
}

func (ca *CA) isRoot() bool { return len(ca.Chain) == 0 && ca.Cert.CheckSignatureFrom(ca.Cert) == nil }

// Pool returns a pool holding only ca's certificate, for cert.Config.Roots.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// CertPEM returns ca's certificate in PEM.
func (ca *CA) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw})
}

func caTemplate(name string, now time.Time, validity time.Duration) (*x509.Certificate, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"vaxbook development"}, Country: []string{"KR"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}, nil
}

// newSerial returns a random 128-bit serial number, positive as RFC 5280 requires;
// random serials need no counter kept between runs.
func newSerial() (*big.Int, error) {
	s, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("devca: serial number: %w", err)
	}
	return s.Add(s, big.NewInt(1)), nil
}
