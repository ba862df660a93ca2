package postgres

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"vaxbook"
)

// SQLSTATEs the store translates. Keeping them here, in one table, is what lets the
// rest of the package speak only in domain codes.
const (
	sqlNotNull       = "23502"
	sqlForeignKey    = "23503"
	sqlUnique        = "23505"
	sqlCheck         = "23514"
	sqlSerialization = "40001"
	sqlDeadlock      = "40P01"
	sqlReadOnly      = "25006"
)

// activePersonIndex is the partial unique index that allows one active reservation per
// person and campaign; a violation of it means "already booked", any other unique
// violation a plain conflict.
const activePersonIndex = "reservations_active_person"

// dbError translates a driver error into a domain *Error where one fits and otherwise
// wraps it with what was being done. Domain errors pass through unchanged.
func dbError(err error, doing string) error {
	if err == nil {
		return nil
	}
	var de *vaxbook.Error
	if errors.As(err, &de) {
		return err
	}
	if unavailable(err) {
		return errors.Join(vaxbook.Errorf(vaxbook.CodeUnavailable, "the service is briefly unavailable; please retry in a moment"), fmt.Errorf("%s: %w", doing, err))
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", doing, err)
	}
	switch pe.Code {
	case sqlUnique:
		if pe.ConstraintName == activePersonIndex {
			return vaxbook.Errorf(vaxbook.CodeAlreadyBooked, "you already hold a reservation in this campaign")
		}
		return vaxbook.Errorf(vaxbook.CodeConflict, "the record already exists")
	case sqlCheck:
		// booked <= capacity: the request asked for fewer places than are taken, or
		// the rows changed under it.
		return vaxbook.Errorf(vaxbook.CodeConflict, "the request conflicts with the places already booked")
	case sqlForeignKey:
		return vaxbook.Errorf(vaxbook.CodeNotFound, "a campaign or site in the request does not exist")
	case sqlNotNull:
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "a required value is missing")
	case sqlSerialization, sqlDeadlock:
		return vaxbook.Errorf(vaxbook.CodeConflict, "too many requests changed the same places at once; please retry")
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// retryable reports whether err aborted a transaction only because of another one
// running at the same time, so that running it again may succeed.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == sqlSerialization || pe.Code == sqlDeadlock)
}

// unavailable reports whether err means the database cannot be reached or is shutting
// down or starting (a restart, a failover): the request may succeed on a retry, so the
// client gets 503 with Retry-After rather than a 500.
func unavailable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exceptions; 57P01–57P03: admin shutdown, crash
		// shutdown, cannot connect now; 25006: a write reached a server in
		// recovery, as a connection made just before a failover does when the old
		// primary comes back as a standby.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P0") || pe.Code == sqlReadOnly
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	// ErrConnClosed: a failover closed the connection between two statements of a
	// transaction (a COMMIT never sent, so nothing was committed).
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}
