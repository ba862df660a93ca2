package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// CreateSession stores a new session; an id hash already stored is CodeConflict.
func (s *Store) CreateSession(ctx context.Context, ss vaxbook.Session) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO sessions (id_hash, person_key, method, created_at, verified_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		ss.IDHash, ss.PersonKey, ss.Method, ss.CreatedAt, pgTime(ss.VerifiedAt), ss.ExpiresAt)
	return dbError(err, "create session")
}

// Session returns the session with the id hash, or CodeNotFound when there is none or
// it has expired at now.
func (s *Store) Session(ctx context.Context, idHash string, now time.Time) (vaxbook.Session, error) {
	var (
		ss                         vaxbook.Session
		created, verified, expires pgtype.Timestamptz
	)
	err := s.pool.QueryRow(ctx, `
		SELECT id_hash, person_key, method, created_at, verified_at, expires_at
		FROM sessions WHERE id_hash = $1 AND expires_at > $2`, idHash, now).
		Scan(&ss.IDHash, &ss.PersonKey, &ss.Method, &created, &verified, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return ss, vaxbook.Errorf(vaxbook.CodeNotFound, "session not found or expired")
	}
	ss.CreatedAt, ss.VerifiedAt, ss.ExpiresAt = fromTime(created), fromTime(verified), fromTime(expires)
	return ss, dbError(err, "load session")
}

// VerifySession binds a person to a session, or fails with CodeNotFound if there is no
// such session.
func (s *Store) VerifySession(ctx context.Context, idHash, personKey, method string, at, expires time.Time) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE sessions SET person_key = $2, method = $3, verified_at = $4, expires_at = $5
		WHERE id_hash = $1`, idHash, personKey, method, at, expires)
	if err != nil {
		return dbError(err, "verify session")
	}
	if tag.RowsAffected() == 0 {
		return vaxbook.Errorf(vaxbook.CodeNotFound, "session not found")
	}
	return nil
}
