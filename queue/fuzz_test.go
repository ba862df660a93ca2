package queue_test

import (
	"testing"

	"vaxbook"
)

// The fuzz targets check that no input panics, that anything accepted carries a valid
// tag (re-signing it gives the same token) and that errors are unauthorized.

func FuzzParseDevice(f *testing.F) {
	s := mustSigner(f, secret)
	for _, tok := range tokens(s) {
		f.Add(tok)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		d, err := s.ParseDevice(tok)
		check(t, err, func() string { return s.SignDevice(d) }, tok)
	})
}

func FuzzParseTicket(f *testing.F) {
	s := mustSigner(f, secret)
	for _, tok := range tokens(s) {
		f.Add(tok)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		tk, err := s.ParseTicket(tok)
		check(t, err, func() string { return s.SignTicket(tk) }, tok)
	})
}

func FuzzParsePass(f *testing.F) {
	s := mustSigner(f, secret)
	for _, tok := range tokens(s) {
		f.Add(tok)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		p, err := s.ParsePass(tok)
		check(t, err, func() string { return s.SignPass(p) }, tok)
	})
}

func check(t *testing.T, err error, resign func() string, tok string) {
	t.Helper()
	if err != nil {
		if vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
			t.Fatalf("error %v, want unauthorized", err)
		}
		return
	}
	if again := resign(); again != tok {
		t.Fatalf("accepted %q, which re-signs as %q", tok, again)
	}
}
