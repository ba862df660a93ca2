// Package sqlitetest gives tests a fresh, migrated SQLite store in a temporary file,
// the counterpart of postgres/pgtest.
package sqlitetest

import (
	"path/filepath"
	"testing"

	"vaxbook/sqlite"
)

// OpenStore opens and migrates a store in a file of its own under tb.TempDir and
// closes it when the test ends.
func OpenStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "vaxbook.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.Migrate(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	return s
}
