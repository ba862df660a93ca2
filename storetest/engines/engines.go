// Package engines runs a test against every storage engine: SQLite always, PostgreSQL
// when a server answers (or fails when REQUIRE_POSTGRES=1), each on a fresh store.
package engines

import (
	"testing"

	"vaxbook/postgres/pgtest"
	"vaxbook/sqlite/sqlitetest"
)

// Each runs body as the subtests "sqlite" and "postgres", each with a fresh store seen
// as S: the slice of the store's interfaces the test needs (vaxbook.Store, or a union
// with vaxbook.Jobs, vaxbook.Outbox, …), which both engines implement.
func Each[S any](t *testing.T, body func(t *testing.T, s S)) {
	t.Run("sqlite", func(t *testing.T) { body(t, as[S](t, sqlitetest.OpenStore(t))) })
	t.Run("postgres", func(t *testing.T) { body(t, as[S](t, pgtest.OpenStore(t))) })
}

func as[S any](t *testing.T, s any) S {
	t.Helper()
	v, ok := s.(S)
	if !ok {
		t.Fatalf("%T does not implement the interface the test needs", s)
	}
	return v
}
