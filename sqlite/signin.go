package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"vaxbook"
)

// SignIn stores the batch's persons and binds them to their sessions in one write
// transaction, one request after another, so that a surge's sign-ins cost the single
// writer one commit. Should the transaction fail, each request is tried alone, so that
// one bad request fails only itself (not when the database is busy or unreachable:
// every request would fail again).
func (s *Store) SignIn(ctx context.Context, reqs []vaxbook.SignInRequest) []error {
	return vaxbook.SignInAll(ctx, reqs, s.signIn)
}

// signIn writes reqs, in order, in one write transaction.
func (s *Store) signIn(ctx context.Context, reqs []vaxbook.SignInRequest) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		for _, r := range reqs {
			p, se := r.Person, r.Session
			var phone []byte
			if len(p.PhoneEnc) > 0 {
				phone = p.PhoneEnc
			}
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
				se.IDHash, p.Key, nullString(se.Method), se.CreatedAt.UnixMicro(), timeArg(se.VerifiedAt), se.ExpiresAt.UnixMicro()); err != nil {
				return fmt.Errorf("sign in: session: %w", err)
			}
		}
		return nil
	})
}
