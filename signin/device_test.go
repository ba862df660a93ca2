package signin_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"vaxbook/queue"
	"vaxbook/signin"
)

func mustDevices(t testing.TB, key byte) signin.Devices {
	t.Helper()
	signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: bytes.Repeat([]byte{key}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	return signin.NewDevices(signer)
}

// TestDevicesAcceptOnlyTokensTheServerIssued: a device id cannot be chosen by the
// client: forged, altered, foreign-key and expired tokens are refused.
func TestDevicesAcceptOnlyTokensTheServerIssued(t *testing.T) {
	d, other := mustDevices(t, 1), mustDevices(t, 2)
	token, id := d.Issue(t0)
	if got, ok := d.ID(token, t0.Add(time.Hour)); !ok || got != id {
		t.Fatalf("ID(issued) = %q, %v; want %q", got, ok, id)
	}
	if strings.Contains(token, id) {
		t.Error("the token shows the device id")
	}
	foreign, _ := other.Issue(t0)
	altered := []byte(token)
	altered[len(altered)/2] ^= 1
	for name, tok := range map[string]string{
		"empty":                 "",
		"a chosen value":        strings.Repeat("A", 43),
		"altered":               string(altered),
		"another server's key":  foreign,
		"a session-like cookie": "vb_session",
	} {
		if _, ok := d.ID(tok, t0); ok {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, ok := d.ID(token, t0.Add(signin.DeviceTTL)); ok {
		t.Error("a token past DeviceTTL was accepted")
	}
	if _, again := d.Issue(t0); again == id {
		t.Error("two issued devices share an id")
	}
}

// FuzzDeviceToken: no input makes the parser panic or name a device the server did
// not issue.
func FuzzDeviceToken(f *testing.F) {
	// Fuzzing workers run this set-up again: the seed token must come out the same.
	signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		f.Fatal(err)
	}
	d := signin.NewDevices(signer)
	token := signer.SignDevice(queue.Device{ID: [16]byte{1, 2, 3}, Issued: t0})
	id, ok := d.ID(token, t0)
	if !ok {
		f.Fatal("the seed token is refused")
	}
	f.Add(token)
	f.Add("")
	f.Add(strings.Repeat("A", 43))
	f.Fuzz(func(t *testing.T, tok string) {
		if got, ok := d.ID(tok, t0); ok && got != id {
			t.Fatalf("%q names device %s, which was never issued", tok, got)
		}
	})
}
