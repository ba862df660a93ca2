package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vaxbook"
)

// SessionPerson reads the session and its person with one join.
func (s *Store) SessionPerson(ctx context.Context, idHash string, now time.Time) (vaxbook.Session, vaxbook.Person, error) {
	se := vaxbook.Session{IDHash: idHash}
	var p vaxbook.Person
	var method, birth sql.NullString
	var created, verified, expires sql.NullInt64
	err := s.read.QueryRowContext(ctx, `
		SELECT s.method, s.created_at, s.verified_at, s.expires_at,
			p.person_key, p.name, p.birth, p.phone_enc, p.is_foreign
		FROM sessions s JOIN persons p ON p.person_key = s.person_key
		WHERE s.id_hash = ? AND s.expires_at > ?`, idHash, now.UnixMicro()).
		Scan(&method, &created, &verified, &expires, &p.Key, &p.Name, &birth, &p.PhoneEnc, &p.Foreign)
	if errors.Is(err, sql.ErrNoRows) {
		return vaxbook.Session{}, vaxbook.Person{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no such session")
	}
	if err != nil {
		return vaxbook.Session{}, vaxbook.Person{}, fmt.Errorf("read session and person: %w", err)
	}
	if p.Birth, err = parseDate(birth); err != nil {
		return vaxbook.Session{}, vaxbook.Person{}, err
	}
	se.PersonKey, se.Method = p.Key, method.String
	se.CreatedAt, se.VerifiedAt, se.ExpiresAt = parseTime(created), parseTime(verified), parseTime(expires)
	return se, p, nil
}

// EndSession makes the session expire at at.
func (s *Store) EndSession(ctx context.Context, idHash string, at time.Time) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET expires_at = ? WHERE id_hash = ? AND expires_at > ?`,
			at.UnixMicro(), idHash, at.UnixMicro()); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		return nil
	})
}
