package sqlite

import (
	"context"
	"database/sql"
	"fmt"

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
