package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vaxbook"
)

// CreateSession stores a new session; an id hash already stored is CodeConflict.
func (s *Store) CreateSession(ctx context.Context, se vaxbook.Session) error {
	if se.IDHash == "" {
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "a session needs an id")
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO sessions (id_hash, person_key, method, created_at, verified_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			se.IDHash, nullString(se.PersonKey), nullString(se.Method),
			se.CreatedAt.UnixMicro(), timeArg(se.VerifiedAt), se.ExpiresAt.UnixMicro())
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
}

// Session returns the session with the id hash, or CodeNotFound when there is none or it
// has expired at now.
func (s *Store) Session(ctx context.Context, idHash string, now time.Time) (vaxbook.Session, error) {
	se := vaxbook.Session{IDHash: idHash}
	var person, method sql.NullString
	var created, verified, expires sql.NullInt64
	err := s.read.QueryRowContext(ctx, `
		SELECT person_key, method, created_at, verified_at, expires_at
		FROM sessions WHERE id_hash = ? AND expires_at > ?`, idHash, now.UnixMicro()).
		Scan(&person, &method, &created, &verified, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return vaxbook.Session{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no such session")
	}
	if err != nil {
		return vaxbook.Session{}, fmt.Errorf("read session: %w", err)
	}
	se.PersonKey, se.Method = person.String, method.String
	se.CreatedAt, se.VerifiedAt, se.ExpiresAt = parseTime(created), parseTime(verified), parseTime(expires)
	return se, nil
}

// VerifySession binds a person to a session and extends it to expires; CodeNotFound if
// there is no such session.
func (s *Store) VerifySession(ctx context.Context, idHash, personKey, method string, at, expires time.Time) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE sessions SET person_key = ?, method = ?, verified_at = ?, expires_at = ?
			WHERE id_hash = ?`, personKey, method, timeArg(at), expires.UnixMicro(), idHash)
		if err != nil {
			return fmt.Errorf("verify session: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("verify session: %w", err)
		} else if n == 0 {
			return vaxbook.Errorf(vaxbook.CodeNotFound, "no such session")
		}
		return nil
	})
}
