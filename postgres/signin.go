package postgres

import (
	"context"

	"vaxbook"
)

// SignIn stores the person and binds them to the session in one statement: the person
// upsert runs as a data-modifying CTE, so both rows commit together in one round trip.
func (s *Store) SignIn(ctx context.Context, p vaxbook.Person, sess vaxbook.Session) error {
	if p.Key == "" || sess.IDHash == "" {
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "signing in needs a person key and a session id")
	}
	_, err := s.pool.Exec(ctx, `
		WITH person AS (
			INSERT INTO persons (person_key, name, birth, phone_enc, is_foreign)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (person_key) DO UPDATE SET name = excluded.name, birth = excluded.birth,
				phone_enc = COALESCE(excluded.phone_enc, persons.phone_enc), is_foreign = excluded.is_foreign
		)
		INSERT INTO sessions (id_hash, person_key, method, created_at, verified_at, expires_at)
		VALUES ($6, $1, $7, $8, $8, $9)
		ON CONFLICT (id_hash) DO UPDATE SET person_key = excluded.person_key, method = excluded.method,
			verified_at = excluded.verified_at, expires_at = excluded.expires_at`,
		p.Key, p.Name, pgDate(p.Birth), nilIfEmpty(p.PhoneEnc), p.Foreign,
		sess.IDHash, sess.Method, sess.VerifiedAt, sess.ExpiresAt)
	return dbError(err, "sign in")
}

// nilIfEmpty turns an empty byte string into SQL NULL.
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
