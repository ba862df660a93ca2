package devca_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/cert"
	"vaxbook/demo"
	"vaxbook/devca"
	"vaxbook/identity"
)

var (
	from     = time.Date(2021, 1, 1, 0, 0, 0, 0, vaxbook.Seoul)
	at2021   = time.Date(2021, 8, 12, 20, 5, 0, 0, vaxbook.Seoul)
	secret   = bytes.Repeat([]byte{7}, identity.MinSecretLen)
	decade   = 10 * 365 * 24 * time.Hour
	resident = demo.NewPopulation(10, 2021, demo.Campaign2021()).Resident(0)
)

func mustCA(tb testing.TB) *devca.CA {
	tb.Helper()
	ca, err := devca.NewCA(from, decade)
	if err != nil {
		tb.Fatal(err)
	}
	return ca
}

func mustLeaf(tb testing.TB, certPEM []byte) *x509.Certificate {
	tb.Helper()
	block, _ := pem.Decode(certPEM)
	if block == nil {
		tb.Fatal("no PEM block")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// verifies reports whether package cert accepts the certificate and key at 2021-08-12,
// signing in as the resident, with roots as the trusted pool.
func verifies(tb testing.TB, roots *x509.CertPool, certPEM, keyPEM []byte) error {
	tb.Helper()
	m, err := cert.New(cert.Config{Roots: roots, Secret: secret}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ch, err := m.Challenge(context.Background(), "device", at2021)
	if err != nil {
		tb.Fatal(err)
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil || block.Type != "PRIVATE KEY" {
		tb.Fatalf("key is not PKCS #8 PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	sig, err := signSHA256(k, ch.Value)
	if err != nil {
		tb.Fatal(err)
	}
	id, _, err := m.Verify(context.Background(), "device", ch.Value, certPEM, sig, at2021)
	if err == nil && (id.CI != resident.CI || id.Name != resident.Name || id.Birth != resident.Birth) {
		tb.Fatalf("identity %+v, want resident %s", id, resident.Name)
	}
	return err
}

func TestNewCAIsASelfSignedP256Root(t *testing.T) {
	ca := mustCA(t)
	c := ca.Cert
	if !c.IsCA || !c.BasicConstraintsValid || c.KeyUsage&x509.KeyUsageCertSign == 0 {
		t.Errorf("CA: IsCA %v, basic constraints %v, key usage %v", c.IsCA, c.BasicConstraintsValid, c.KeyUsage)
	}
	if err := c.CheckSignatureFrom(c); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
	if c.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("key algorithm %v, want ECDSA", c.PublicKeyAlgorithm)
	}
	if !c.NotAfter.Equal(from.Add(decade)) || c.NotBefore.After(from) {
		t.Errorf("valid %v to %v, want from %v for %v", c.NotBefore, c.NotAfter, from, decade)
	}
	if _, err := devca.NewCA(from, 0); err == nil {
		t.Error("NewCA with zero validity succeeded")
	}
}

func TestIssueMakesACertificateCertAccepts(t *testing.T) {
	ca := mustCA(t)
	certPEM, keyPEM, err := ca.Issue(resident, from, from.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	leaf := mustLeaf(t, certPEM)
	if leaf.Subject.CommonName != resident.Name || leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		t.Errorf("leaf CN %q, key usage %v", leaf.Subject.CommonName, leaf.KeyUsage)
	}
	if len(leaf.ExtKeyUsage) != 1 || leaf.ExtKeyUsage[0] != x509.ExtKeyUsageClientAuth {
		t.Errorf("extended key usage %v, want clientAuth", leaf.ExtKeyUsage)
	}
	if bytes.Contains(certPEM, []byte(resident.Phone)) {
		t.Error("the certificate carries the phone number")
	}
	if err := verifies(t, ca.Pool(), certPEM, keyPEM); err != nil {
		t.Fatalf("cert refused a devca certificate: %v", err)
	}
	t.Run("through an intermediate", func(t *testing.T) {
		inter, err := ca.Intermediate("sub CA", from, decade)
		if err != nil {
			t.Fatal(err)
		}
		certPEM, keyPEM, err := inter.Issue(resident, from, from.AddDate(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(certPEM, []byte("BEGIN CERTIFICATE")); n != 2 {
			t.Errorf("chain has %d certificates, want leaf and intermediate", n)
		}
		if err := verifies(t, ca.Pool(), certPEM, keyPEM); err != nil {
			t.Fatalf("cert refused the chain: %v", err)
		}
	})
}

func TestSaveLoadRoundTrip(t *testing.T) {
	ca := mustCA(t)
	dir := filepath.Join(t.TempDir(), "ca")
	if err := ca.Save(dir); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, devca.KeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	got, err := devca.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Cert.Equal(ca.Cert) || !got.Key.Equal(ca.Key) {
		t.Error("Load returned another CA")
	}
	pool, err := devca.LoadPool(dir)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := got.Issue(resident, from, from.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := verifies(t, pool, certPEM, keyPEM); err != nil {
		t.Errorf("a certificate of the loaded CA was refused: %v", err)
	}
	t.Run("key of another CA", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "other")
		if err := mustCA(t).Save(other); err != nil {
			t.Fatal(err)
		}
		key, _ := os.ReadFile(filepath.Join(other, devca.KeyFile))
		if err := os.WriteFile(filepath.Join(dir, devca.KeyFile), key, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := devca.Load(dir); err == nil {
			t.Error("Load accepted a key that does not match the certificate")
		}
	})
	t.Run("missing files", func(t *testing.T) {
		if _, err := devca.Load(t.TempDir()); err == nil {
			t.Error("Load of an empty directory succeeded")
		}
	})
}

func TestCommandInitThenIssue(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	run := func(args ...string) error {
		out.Reset()
		errOut.Reset()
		return devca.Command(context.Background(), args, &out, &errOut)
	}
	if err := run("init", "--dir", dir); err != nil {
		t.Fatalf("init: %v\n%s", err, errOut.String())
	}
	if err := run("init", "--dir", dir); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("second init = %v, want a refusal naming --force", err)
	}
	full := demo.NewPopulation(demo.FullPopulation, 2021, demo.Campaign2021())
	phone := full.Resident(0).Phone
	dashed := phone[:3] + "-" + phone[3:7] + "-" + phone[7:]
	if err := run("issue", "--dir", dir, "--phone", dashed, "--count", "2"); err != nil {
		t.Fatalf("issue: %v\n%s", err, errOut.String())
	}
	for _, i := range []int{0, 1} {
		p := full.Resident(i).Phone
		for _, name := range []string{p + ".pem", p + "-key.pem"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("issue did not write %s: %v", name, err)
			}
		}
	}
	if got := strings.Count(out.String(), "\n"); got != 6 {
		t.Errorf("issue printed %d paths, want 6 (resident 0 by phone, residents 0 and 1 by count):\n%s", got, out.String())
	}
	pool, err := devca.LoadPool(dir)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, _ := os.ReadFile(filepath.Join(dir, phone+".pem"))
	keyPEM, _ := os.ReadFile(filepath.Join(dir, phone+"-key.pem"))
	if err := verifies(t, pool, certPEM, keyPEM); err != nil {
		t.Errorf("a certificate written by issue was refused at 2021-08-12: %v", err)
	}
	for _, args := range [][]string{
		{},
		{"sign"},
		{"issue", "--dir", dir},
		{"issue", "--dir", dir, "--phone", "02-123-4567"},
		{"issue", "--dir", dir, "--phone", "010-0000-0000"}, // no resident holds it with seed 2021
		{"issue", "--dir", t.TempDir(), "--count", "1"},
		{"init", "--dir", t.TempDir(), "--from", "yesterday"},
	} {
		if err := run(args...); err == nil {
			t.Errorf("devca %v succeeded", args)
		}
	}
}
