package devca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"time"

	"vaxbook/cert"
	"vaxbook/identity"
)

// Option changes a certificate Issue makes. The defaults are those of a certificate
// fit for signing in; the options exist so that tests can make the unfit ones.
type Option func(*leafSpec)

type leafSpec struct {
	keyUsage x509.KeyUsage
	extUsage []x509.ExtKeyUsage
	rsaBits  int // 0: ECDSA P-256
	noIdent  bool
}

// WithKeyUsage replaces the key usage (digitalSignature | nonRepudiation by default).
func WithKeyUsage(u x509.KeyUsage) Option { return func(s *leafSpec) { s.keyUsage = u } }

// WithExtKeyUsage replaces the extended key usages (clientAuth by default); with none
// the extension is left out.
func WithExtKeyUsage(u ...x509.ExtKeyUsage) Option {
	return func(s *leafSpec) { s.extUsage = u }
}

// WithRSAKey gives the leaf an RSA key of the given size instead of ECDSA P-256.
func WithRSAKey(bits int) Option { return func(s *leafSpec) { s.rsaBits = bits } }

// WithoutIdentity leaves out the identity extensions, as a certificate of another
// scheme would.
func WithoutIdentity() Option { return func(s *leafSpec) { s.noIdent = true } }

// Issue returns a certificate for the subscriber, valid from notBefore to notAfter,
// and its new private key. certPEM holds the leaf followed by ca's certificate when ca
// is an intermediate (the chain a client sends); keyPEM holds the key in PKCS #8
// ("PRIVATE KEY"), which WebCrypto's importKey("pkcs8") accepts.
//
// The leaf names the subscriber as package cert reads it: the name in the common name,
// the CI, birth date and nationality in the development extensions. The phone number
// and the registration-number digit are not put in.
func (ca *CA) Issue(sub identity.Subscriber, notBefore, notAfter time.Time, opts ...Option) (certPEM, keyPEM []byte, err error) {
	spec := leafSpec{
		keyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		extUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	for _, o := range opts {
		o(&spec)
	}
	var key crypto.Signer
	if spec.rsaBits > 0 {
		key, err = rsa.GenerateKey(rand.Reader, spec.rsaBits)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("devca: generate key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: sub.Name, Country: []string{"KR"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     spec.keyUsage,
		ExtKeyUsage:  spec.extUsage,
	}
	if !spec.noIdent {
		tmpl.ExtraExtensions, err = cert.Extensions(sub.Identity)
		if err != nil {
			return nil, nil, fmt.Errorf("devca: identity extensions: %w", err)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("devca: create certificate: %w", err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if !ca.isRoot() {
		certPEM = append(certPEM, ca.CertPEM()...)
		for _, c := range ca.Chain {
			certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
		}
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("devca: encode key: %w", err)
	}
	return certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), nil
}
