package postgres

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"vaxbook"
)

// TestDatabaseOutagesAreUnavailable: a restart or a failover must reach clients as 503
// with Retry-After (CodeUnavailable), not as an internal error.
func TestDatabaseOutagesAreUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want vaxbook.Code
	}{
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, vaxbook.CodeUnavailable},
		{"cannot connect now", &pgconn.PgError{Code: "57P03"}, vaxbook.CodeUnavailable},
		{"connection failure", &pgconn.PgError{Code: "08006"}, vaxbook.CodeUnavailable},
		{"commit on a connection a failover closed", fmt.Errorf("book batch: commit: %w", pgconn.ErrConnClosed), vaxbook.CodeUnavailable},
		{"write on a demoted primary", fmt.Errorf("book: %w", &pgconn.PgError{Code: "25006"}), vaxbook.CodeUnavailable},
		{"refused", fmt.Errorf("begin: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), vaxbook.CodeUnavailable},
		{"reset", fmt.Errorf("commit: %w", syscall.ECONNRESET), vaxbook.CodeUnavailable},
		{"closed mid-answer", fmt.Errorf("query: %w", io.ErrUnexpectedEOF), vaxbook.CodeUnavailable},
		{"unique violation", &pgconn.PgError{Code: "23505", ConstraintName: activePersonIndex}, vaxbook.CodeAlreadyBooked},
		{"a bug", errors.New("syntax error"), vaxbook.CodeInternal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := vaxbook.ErrorCode(dbError(tc.err, "test")); got != tc.want {
				t.Errorf("code %q, want %q", got, tc.want)
			}
		})
	}
}
