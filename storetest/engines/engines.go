// Package engines runs a test against every storage engine: SQLite always, PostgreSQL
// when a server answers (or fails when REQUIRE_POSTGRES=1), each on a fresh store.
package engines

import (
	"testing"

	"vaxbook"
	"vaxbook/postgres/pgtest"
	"vaxbook/sqlite/sqlitetest"
)

// Each runs body as the subtests "sqlite" and "postgres", each with a fresh store. Both
// engines implement the whole vaxbook.Store, so a test reaches every capability
// without asking for it.
func Each(t *testing.T, body func(t *testing.T, s vaxbook.Store)) {
	t.Run("sqlite", func(t *testing.T) { body(t, sqlitetest.OpenStore(t)) })
	t.Run("postgres", func(t *testing.T) { body(t, pgtest.OpenStore(t)) })
}
