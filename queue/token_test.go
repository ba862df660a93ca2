package queue_test

import (
	"bytes"
	"encoding/base64"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/queue"
)

var t0 = time.Date(2021, 8, 12, 19, 50, 0, 0, vaxbook.Seoul)

func mustSigner(tb testing.TB, secret string, older ...queue.Key) *queue.Signer {
	tb.Helper()
	s, err := queue.NewSigner(queue.Key{ID: 1, Secret: []byte(secret)}, older...)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

const secret = "a queue signing secret of 32+ bytes, for tests"

// tokens returns one token of each kind and a parser per kind.
func tokens(s *queue.Signer) map[string]string {
	dev := queue.DeviceHash([16]byte{1, 2, 3})
	return map[string]string{
		"device": s.SignDevice(queue.Device{ID: [16]byte{1, 2, 3}, Issued: t0}),
		"ticket": s.SignTicket(queue.Ticket{Queue: 7, Seq: 1_900_000, Issued: t0, Device: dev}),
		"pass":   s.SignPass(queue.Pass{Queue: 7, Seq: 12, Key: 34, Device: dev, Expires: t0.Add(10 * time.Minute)}),
	}
}

func parse(s *queue.Signer, kind, tok string) error {
	var err error
	switch kind {
	case "device":
		_, err = s.ParseDevice(tok)
	case "ticket":
		_, err = s.ParseTicket(tok)
	case "pass":
		_, err = s.ParsePass(tok)
	}
	return err
}

func TestTokensRoundTrip(t *testing.T) {
	s := mustSigner(t, secret)
	dev := queue.DeviceHash([16]byte{1, 2, 3})
	d, err := s.ParseDevice(s.SignDevice(queue.Device{ID: [16]byte{1, 2, 3}, Issued: t0}))
	if err != nil || d.ID != [16]byte{1, 2, 3} || !d.Issued.Equal(t0) {
		t.Errorf("device = %+v, %v", d, err)
	}
	want := queue.Ticket{Queue: 7, Seq: 1_900_000, Issued: t0, Device: dev}
	if got, err := s.ParseTicket(s.SignTicket(want)); err != nil || got.Seq != want.Seq || got.Queue != 7 || !got.Issued.Equal(t0) || got.Device != dev {
		t.Errorf("ticket = %+v, %v; want %+v", got, err, want)
	}
	p := queue.Pass{Queue: 7, Seq: 12, Key: 34, Device: dev, Expires: t0.Add(time.Minute)}
	if got, err := s.ParsePass(s.SignPass(p)); err != nil || got.Seq != 12 || got.Key != 34 || got.Device != dev || !got.Expires.Equal(p.Expires) {
		t.Errorf("pass = %+v, %v; want %+v", got, err, p)
	}
}

func TestTamperedTokensAreRefused(t *testing.T) {
	s := mustSigner(t, secret)
	for kind, tok := range tokens(s) {
		raw, _ := base64.RawURLEncoding.DecodeString(tok)
		t.Run(kind+": every flipped bit of every byte", func(t *testing.T) {
			for i := range raw {
				for bit := range 8 {
					b := bytes.Clone(raw)
					b[i] ^= 1 << bit
					if err := parse(s, kind, base64.RawURLEncoding.EncodeToString(b)); vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
						t.Fatalf("byte %d bit %d flipped: %v, want unauthorized", i, bit, err)
					}
				}
			}
		})
		t.Run(kind+": every changed character", func(t *testing.T) {
			for i := range tok {
				b := []byte(tok)
				b[i] = "AB"[(b[i]+1)&1]
				if b[i] == tok[i] {
					b[i] = 'C'
				}
				if err := parse(s, kind, string(b)); err == nil {
					t.Fatalf("char %d changed: accepted", i)
				}
			}
		})
		t.Run(kind+": truncated, extended, empty", func(t *testing.T) {
			for _, bad := range []string{"", tok[:len(tok)-1], tok + "A", tok + "==", " " + tok} {
				if err := parse(s, kind, bad); err == nil {
					t.Errorf("%q accepted", bad)
				}
			}
		})
	}
}

func TestTokenOfAnotherKindIsRefused(t *testing.T) {
	s := mustSigner(t, secret)
	for kind, tok := range tokens(s) {
		for _, as := range []string{"device", "ticket", "pass"} {
			if as != kind {
				if err := parse(s, as, tok); vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
					t.Errorf("%s read as %s: %v, want unauthorized", kind, as, err)
				}
			}
		}
	}
}

func TestTokenKeys(t *testing.T) {
	old := mustSigner(t, secret)
	other := mustSigner(t, "another secret of at least thirty-two bytes")
	rotated, err := queue.NewSigner(queue.Key{ID: 2, Secret: []byte("the new secret, also 32 bytes or more")}, queue.Key{ID: 1, Secret: []byte(secret)})
	if err != nil {
		t.Fatal(err)
	}
	for kind, tok := range tokens(old) {
		if err := parse(other, kind, tok); err == nil {
			t.Errorf("%s signed with another key accepted", kind)
		}
		if err := parse(rotated, kind, tok); err != nil {
			t.Errorf("%s signed with the old key refused after rotation: %v", kind, err)
		}
	}
	for kind, tok := range tokens(rotated) {
		if err := parse(old, kind, tok); err == nil {
			t.Errorf("%s signed with a key the signer does not hold accepted", kind)
		}
	}
	if _, err := queue.NewSigner(queue.Key{ID: 1, Secret: []byte("short")}); err == nil {
		t.Error("a short secret was accepted")
	}
}
