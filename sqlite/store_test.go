package sqlite_test

import (
	"path/filepath"
	"testing"

	"vaxbook"
	"vaxbook/sqlite"
	"vaxbook/storetest"
)

// TestStore runs the conformance suite of vaxbook.Store, each subtest on a fresh file.
func TestStore(t *testing.T) {
	storetest.Run(t, open)
}

// open returns a migrated store on a fresh file, closed when the test ends.
func open(t *testing.T) vaxbook.Store {
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "vaxbook.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}

// TestStoreBatched runs the booking, sign-in, session and concurrency tables through
// the group committers.
func TestStoreBatched(t *testing.T) {
	storetest.RunBatched(t, open)
}
