package devca

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"vaxbook/identity"
)

// The files of a saved CA.
const (
	CertFile = "ca.pem"
	KeyFile  = "ca-key.pem"
)

// Save writes the CA's certificate and key (PKCS #8) to dir, creating it. The key file
// is readable by its owner only. Existing files are replaced.
func (ca *CA) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("devca: %w", err)
	}
	key, err := x509.MarshalPKCS8PrivateKey(ca.Key)
	if err != nil {
		return fmt.Errorf("devca: encode CA key: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, KeyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600); err != nil {
		return fmt.Errorf("devca: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, CertFile), ca.CertPEM(), 0o644); err != nil {
		return fmt.Errorf("devca: %w", err)
	}
	return nil
}

// Load reads a root CA saved by Save. It returns an error if a file is missing or
// malformed, or if the key does not belong to the certificate.
func Load(dir string) (*CA, error) {
	certDER, err := readPEM(filepath.Join(dir, CertFile), "CERTIFICATE")
	if err != nil {
		return nil, err
	}
	keyDER, err := readPEM(filepath.Join(dir, KeyFile), "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	c, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, fmt.Errorf("devca: %s: %w", CertFile, err)
	}
	k, err := x509.ParsePKCS8PrivateKey(keyDER)
	if err != nil {
		return nil, fmt.Errorf("devca: %s: %w", KeyFile, err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok || !key.PublicKey.Equal(c.PublicKey) {
		return nil, fmt.Errorf("devca: %s does not hold the key of %s", KeyFile, CertFile)
	}
	if !c.IsCA {
		return nil, fmt.Errorf("devca: %s is not a CA certificate", CertFile)
	}
	return &CA{Cert: c, Key: key}, nil
}

// LoadPool reads the certificate saved by Save into a pool, for cert.Config.Roots on a
// server that must trust the development CA without holding its key.
func LoadPool(dir string) (*x509.CertPool, error) {
	der, err := readPEM(filepath.Join(dir, CertFile), "CERTIFICATE")
	if err != nil {
		return nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("devca: %s: %w", CertFile, err)
	}
	p := x509.NewCertPool()
	p.AddCert(c)
	return p, nil
}

func readPEM(path, typ string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("devca: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != typ {
		return nil, fmt.Errorf("devca: %s holds no %s block", path, typ)
	}
	return block.Bytes, nil
}

// IssueFiles issues a certificate for each resident, valid for the CA's own validity
// (so it works at any --now the CA covers), and writes <phone>.pem and <phone>-key.pem
// to dir. It returns the paths written. The key files are readable by their owner only.
// Files are named by phone number because that is how the demo page names residents;
// the population is synthetic, so no real number is written.
func (ca *CA) IssueFiles(dir string, residents []identity.Subscriber) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("devca: %w", err)
	}
	var paths []string
	for _, sub := range residents {
		if sub.Phone == "" {
			return paths, errors.New("devca: resident without a phone number")
		}
		certPEM, keyPEM, err := ca.Issue(sub, ca.Cert.NotBefore, ca.Cert.NotAfter)
		if err != nil {
			return paths, err
		}
		cp, kp := filepath.Join(dir, sub.Phone+".pem"), filepath.Join(dir, sub.Phone+"-key.pem")
		if err := os.WriteFile(cp, certPEM, 0o644); err != nil {
			return paths, fmt.Errorf("devca: %w", err)
		}
		if err := os.WriteFile(kp, keyPEM, 0o600); err != nil {
			return paths, fmt.Errorf("devca: %w", err)
		}
		paths = append(paths, cp, kp)
	}
	return paths, nil
}
