package identity

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestPersonKeyIsStableHexAndKeyed(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, MinSecretLen)
	ci := strings.Repeat("A", 86) + "=="
	k := PersonKey(secret, ci)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(k) {
		t.Fatalf("PersonKey = %q, want 64 hex digits", k)
	}
	if k2 := PersonKey(secret, ci); k2 != k {
		t.Errorf("PersonKey not stable: %q then %q", k, k2)
	}
	if other := PersonKey(bytes.Repeat([]byte{8}, MinSecretLen), ci); other == k {
		t.Error("PersonKey ignores the secret")
	}
	if other := PersonKey(secret, ci[:87]+"A"); other == k {
		t.Error("PersonKey ignores the CI")
	}
}

func mustSealer(tb testing.TB) *Sealer {
	tb.Helper()
	s, err := NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestNewSealerRefusesKeysNot32Bytes(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := NewSealer(make([]byte, n)); err == nil {
			t.Errorf("NewSealer(%d-byte key) = nil error", n)
		}
	}
}

func TestSealOpenRoundTripWithFreshNonces(t *testing.T) {
	s := mustSealer(t)
	a, err := s.Seal("01012345678")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Seal("01012345678")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Error("two seals of one number are equal: nonce not random")
	}
	if bytes.Contains(a, []byte("01012345678")) {
		t.Error("sealed value contains the plain number")
	}
	for _, sealed := range [][]byte{a, b} {
		got, err := s.Open(sealed)
		if err != nil || got != "01012345678" {
			t.Errorf("Open = %q, %v", got, err)
		}
	}
}

func TestOpenRefusesTamperedTruncatedAndForeignValues(t *testing.T) {
	s := mustSealer(t)
	sealed, err := s.Seal("01012345678")
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewSealer(bytes.Repeat([]byte{2}, 32))
	if err != nil {
		t.Fatal(err)
	}
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if _, err := s.Open(bad); !errors.Is(err, ErrUnsealable) {
			t.Fatalf("Open with byte %d flipped: err = %v, want ErrUnsealable", i, err)
		}
	}
	for _, n := range []int{0, 11, 12, 27, len(sealed) - 1} {
		if _, err := s.Open(sealed[:n]); !errors.Is(err, ErrUnsealable) {
			t.Errorf("Open of %d-byte prefix: err = %v, want ErrUnsealable", n, err)
		}
	}
	if _, err := other.Open(sealed); !errors.Is(err, ErrUnsealable) {
		t.Errorf("Open under another key: err = %v, want ErrUnsealable", err)
	}
}
