// Package pgtest gives tests a private PostgreSQL schema: each call makes a fresh
// schema, drops it when the test ends, and returns a URL whose search_path points at
// it, so that test runs, parallel or not, never see each other's rows.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"vaxbook/postgres"
)

// DefaultURL is the server tried when VAXBOOK_TEST_POSTGRES is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// URL returns the URL of a fresh schema on the test server: VAXBOOK_TEST_POSTGRES if
// set, else DefaultURL. If the server does not answer the test is skipped, or fails
// when REQUIRE_POSTGRES=1 (so that CI cannot pass by skipping).
func URL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("VAXBOOK_TEST_POSTGRES")
	if base == "" {
		base = DefaultURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		if os.Getenv("REQUIRE_POSTGRES") == "1" {
			tb.Fatalf("postgres at %s: %v", redact(base), err)
		}
		tb.Skipf("postgres not available at %s (set REQUIRE_POSTGRES=1 to fail): %v", redact(base), err)
	}
	defer conn.Close(context.Background())

	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "vbtest_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})

	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", redact(base), err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenStore opens and migrates a store on a fresh schema and closes it when the test
// ends.
func OpenStore(tb testing.TB) *postgres.Store {
	tb.Helper()
	ctx := context.Background()
	s, err := postgres.Open(ctx, URL(tb))
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	// Registered after URL's cleanup, so it runs first: the pool closes before the
	// schema is dropped.
	tb.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return s
}

// redact hides a password in a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable url)"
	}
	return u.Redacted()
}
