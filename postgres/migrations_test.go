package postgres

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

var createIndex = regexp.MustCompile(`(?is)\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(CONCURRENTLY\b)?\s*(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)?`)

// lockingIndexBuilds returns the indexes a migration run outside a transaction builds
// without CONCURRENTLY. Such a migration runs over tables already in use (it is outside a
// transaction for that reason), and a plain CREATE INDEX blocks every write to its
// table until it is built: on the outbox, every booking.
func lockingIndexBuilds(migration string) []string {
	if !noTxn.MatchString(migration) {
		return nil
	}
	var out []string
	for _, m := range createIndex.FindAllStringSubmatch(upSection(migration), -1) {
		if m[1] == "" {
			out = append(out, m[2])
		}
	}
	return out
}

func TestMigrationsOutsideATransactionBuildIndexesConcurrently(t *testing.T) {
	err := fs.WalkDir(migrations, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".sql") {
			return err
		}
		b, err := fs.ReadFile(migrations, path)
		for _, idx := range lockingIndexBuilds(string(b)) {
			t.Errorf("%s builds index %s without CONCURRENTLY: writes to its table wait until it is built", path, idx)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLockingIndexBuildsAreFound(t *testing.T) {
	for _, tc := range []struct {
		migration string
		want      string
	}{
		{"-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX IF NOT EXISTS a ON t (x);\n", "a"},
		{"-- +goose NO TRANSACTION\n-- +goose Up\nCREATE UNIQUE INDEX b ON t (x);\n", "b"},
		{"-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY IF NOT EXISTS c ON t (x);\n", ""},
		{"-- +goose Up\nCREATE INDEX d ON t (x);\n", ""}, // in a transaction, CONCURRENTLY is refused
		{"-- +goose NO TRANSACTION\n-- +goose Up\n-- CREATE INDEX e ON t (x);\n", ""},
	} {
		if got := strings.Join(lockingIndexBuilds(tc.migration), ","); got != tc.want {
			t.Errorf("lockingIndexBuilds(%q) = %q, want %q", tc.migration, got, tc.want)
		}
	}
}
