package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vaxbook"
)

// SignIn stores the person and binds them to the session in one write transaction, so
// that a sign-in costs the single writer one commit.
func (s *Store) SignIn(ctx context.Context, p vaxbook.Person, se vaxbook.Session) error {
	if p.Key == "" || se.IDHash == "" {
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "signing in needs a person key and a session id")
	}
	var phone []byte
	if len(p.PhoneEnc) > 0 {
		phone = p.PhoneEnc
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO persons (person_key, name, birth, phone_enc, is_foreign) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (person_key) DO UPDATE SET name = excluded.name, birth = excluded.birth,
				phone_enc = COALESCE(excluded.phone_enc, persons.phone_enc), is_foreign = excluded.is_foreign`,
			p.Key, p.Name, dateArg(p.Birth), phone, p.Foreign); err != nil {
			return fmt.Errorf("sign in: person: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO sessions (id_hash, person_key, method, created_at, verified_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id_hash) DO UPDATE SET person_key = excluded.person_key, method = excluded.method,
				verified_at = excluded.verified_at, expires_at = excluded.expires_at`,
			se.IDHash, p.Key, nullString(se.Method), se.VerifiedAt.UnixMicro(), timeArg(se.VerifiedAt), se.ExpiresAt.UnixMicro()); err != nil {
			return fmt.Errorf("sign in: session: %w", err)
		}
		return nil
	})
}

// SessionPerson reads the session and its person with one join.
func (s *Store) SessionPerson(ctx context.Context, idHash string, now time.Time) (vaxbook.Session, vaxbook.Person, error) {
	se := vaxbook.Session{IDHash: idHash}
	var p vaxbook.Person
	var person, method, name, birth sql.NullString
	var created, verified, expires sql.NullInt64
	var foreign sql.NullBool
	err := s.read.QueryRowContext(ctx, `
		SELECT s.person_key, s.method, s.created_at, s.verified_at, s.expires_at,
			p.name, p.birth, p.phone_enc, p.is_foreign
		FROM sessions s LEFT JOIN persons p ON p.person_key = s.person_key
		WHERE s.id_hash = ? AND s.expires_at > ?`, idHash, now.UnixMicro()).
		Scan(&person, &method, &created, &verified, &expires, &name, &birth, &p.PhoneEnc, &foreign)
	if errors.Is(err, sql.ErrNoRows) {
		return vaxbook.Session{}, p, vaxbook.Errorf(vaxbook.CodeNotFound, "no such session")
	}
	if err != nil {
		return vaxbook.Session{}, p, fmt.Errorf("read session and person: %w", err)
	}
	se.PersonKey, se.Method = person.String, method.String
	se.CreatedAt, se.VerifiedAt, se.ExpiresAt = parseTime(created), parseTime(verified), parseTime(expires)
	if name.Valid {
		p.Key, p.Name, p.Foreign = se.PersonKey, name.String, foreign.Bool
		if p.Birth, err = parseDate(birth); err != nil {
			return vaxbook.Session{}, vaxbook.Person{}, err
		}
	}
	return se, p, nil
}
