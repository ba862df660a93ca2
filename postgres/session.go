package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// SessionPerson reads the session and its person with one join.
func (s *Store) SessionPerson(ctx context.Context, idHash string, now time.Time) (vaxbook.Session, vaxbook.Person, error) {
	var (
		ss                         vaxbook.Session
		p                          vaxbook.Person
		created, verified, expires pgtype.Timestamptz
		birth                      pgtype.Date
	)
	err := s.pool.QueryRow(ctx, `
		SELECT s.id_hash, s.method, s.created_at, s.verified_at, s.expires_at,
			p.person_key, p.name, p.birth, p.phone_enc, p.is_foreign
		FROM sessions s JOIN persons p ON p.person_key = s.person_key
		WHERE s.id_hash = $1 AND s.expires_at > $2`, idHash, now).
		Scan(&ss.IDHash, &ss.Method, &created, &verified, &expires, &p.Key, &p.Name, &birth, &p.PhoneEnc, &p.Foreign)
	if errors.Is(err, pgx.ErrNoRows) {
		return vaxbook.Session{}, vaxbook.Person{}, vaxbook.Errorf(vaxbook.CodeNotFound, "session not found or expired")
	}
	if err != nil {
		return vaxbook.Session{}, vaxbook.Person{}, dbError(err, "load session and person")
	}
	ss.PersonKey, p.Birth = p.Key, fromDate(birth)
	ss.CreatedAt, ss.VerifiedAt, ss.ExpiresAt = fromTime(created), fromTime(verified), fromTime(expires)
	return ss, p, nil
}

// EndSession makes the session expire at at.
func (s *Store) EndSession(ctx context.Context, idHash string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE sessions SET expires_at = $2 WHERE id_hash = $1 AND expires_at > $2`, idHash, at)
	return dbError(err, "end session")
}
