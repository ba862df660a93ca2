package postgres

import (
	"context"
	"time"

	"vaxbook"
)

// SignIn stores the batch's persons and binds them to their sessions in one statement:
// the person upsert runs as a data-modifying CTE over arrays, so a surge's sign-ins
// share one round trip and one commit. The batch is folded first (FoldSignIns): one
// statement may not update a row twice, and sorted keys keep two concurrent batches
// from locking the same persons in opposite orders. Should the statement fail, each
// request is tried alone, so that one bad request fails only itself (not when the
// database is unreachable: every request would fail again).
func (s *Store) SignIn(ctx context.Context, reqs []vaxbook.SignInRequest) []error {
	return vaxbook.SignInAll(ctx, reqs, s.signIn)
}

// signIn writes valid requests in one statement, again when it failed retryably.
func (s *Store) signIn(ctx context.Context, reqs []vaxbook.SignInRequest) error {
	persons, sessions := vaxbook.FoldSignIns(reqs)
	pc := newPersonColumns(persons)
	var (
		ids, owners, how  = make([]string, len(sessions)), make([]string, len(sessions)), make([]string, len(sessions))
		created, verified = make([]time.Time, len(sessions)), make([]time.Time, len(sessions))
		expires           = make([]time.Time, len(sessions))
	)
	for i, se := range sessions {
		ids[i], owners[i], how[i] = se.IDHash, se.PersonKey, se.Method
		created[i], verified[i], expires[i] = se.CreatedAt, se.VerifiedAt, se.ExpiresAt
	}
	var err error
	for range txAttempts {
		_, err = s.pool.Exec(ctx, `
			WITH person AS (
				INSERT INTO persons (person_key, name, birth, phone_enc, is_foreign)
				SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::bytea[], $5::bool[])
				ON CONFLICT (person_key) DO UPDATE SET name = excluded.name, birth = excluded.birth,
					phone_enc = COALESCE(excluded.phone_enc, persons.phone_enc), is_foreign = excluded.is_foreign
			)
			INSERT INTO sessions (id_hash, person_key, method, created_at, verified_at, expires_at)
			SELECT * FROM unnest($6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[])
			ON CONFLICT (id_hash) DO UPDATE SET person_key = excluded.person_key, method = excluded.method,
				verified_at = excluded.verified_at, expires_at = excluded.expires_at`,
			pc.keys, pc.names, pc.births, pc.phones, pc.foreign, ids, owners, how, created, verified, expires)
		if !retryable(err) {
			break
		}
	}
	return dbError(err, "sign in")
}
