package app

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"testing"
)

// TestCloseReleasesWhatOpenTook: an App opened and closed without serving gives its
// address back (another listener can take it) and its database (another Open of the
// same file loads the demo again without a lock or a conflict).
func TestCloseReleasesWhatOpenTook(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vaxbook.db")
	a, err := openArgs(t.Context(), io.Discard, io.Discard, "--demo", "--demo-sites", "20", "--database", db)
	if err != nil {
		t.Fatal(err)
	}
	addr := a.Addr()
	if err := a.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v, want the first's nil", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("the address %s is still taken after Close: %v", addr, err)
	}
	ln.Close()
	b, err := openArgs(t.Context(), io.Discard, io.Discard, "--demo", "--demo-sites", "20", "--database", db, "--addr", addr)
	if err != nil {
		t.Fatalf("Open again on the same database and address: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestOpenRefusesWhatParsingAccepts: the secrets and the transport are checked by Open,
// so a Config that parses but may not serve never binds an address.
func TestOpenRefusesWhatParsingAccepts(t *testing.T) {
	cfg, _, err := ParseConfig("serve", []string{"--addr", "127.0.0.1:0", "--database", filepath.Join(t.TempDir(), "vaxbook.db")})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := Open(context.Background(), cfg); err == nil {
		a.Close()
		t.Error("Open without secrets outside --demo: no error")
	}
}
