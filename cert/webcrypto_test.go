package cert_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"vaxbook/cert"
	"vaxbook/identity"
)

// TestVerifyAcceptsWebCryptoSignatureWithADevcaKeyFile follows the demo page: devca
// writes <phone>.pem and <phone>-key.pem; the browser imports the key with
// crypto.subtle.importKey("pkcs8", der, {name: "ECDSA", namedCurve: "P-256"}, …),
// signs the challenge's bytes with {name: "ECDSA", hash: "SHA-256"}, which yields raw
// r||s of 64 bytes, and posts the certificate PEM with the signature.
func TestVerifyAcceptsWebCryptoSignatureWithADevcaKeyFile(t *testing.T) {
	f := mustFixture(t, cert.Config{})
	dir := t.TempDir()
	if _, err := f.ca.IssueFiles(dir, []identity.Subscriber{f.sub}); err != nil {
		t.Fatal(err)
	}
	certPEM, err := os.ReadFile(filepath.Join(dir, f.sub.Phone+".pem"))
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, f.sub.Phone+"-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	// importKey("pkcs8") takes the DER inside the PEM armour.
	block, _ := pem.Decode(keyPEM)
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatal("key file is not PKCS #8 PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		t.Fatalf("key is %T, want ECDSA for WebCrypto's P-256", k)
	}
	ch := f.challenge(t, deviceA)
	// subtle.sign hashes TextEncoder().encode(challenge) with SHA-256 and returns the
	// IEEE P1363 encoding: r then s, each left-padded to 32 bytes.
	digest := sha256.Sum256([]byte(ch.Value))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])

	id, pk, err := f.m.Verify(context.Background(), deviceA, ch.Value, certPEM, sig, testNow)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if id.CI != f.sub.CI || id.Name != f.sub.Name || pk != f.personKey() {
		t.Errorf("Verify = %+v, %q; want the resident %s", id, pk, f.sub.Name)
	}
}
