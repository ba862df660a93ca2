package postgres

import (
	"context"

	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// PutPersons inserts or updates many verified persons by key in one statement, so that
// loading a synthetic population (the booking benchmark) does not pay a commit per
// person. It is not part of vaxbook.Store: production stores persons as they sign in
// (SignIn, batched there too).
func (s *Store) PutPersons(ctx context.Context, ps []vaxbook.Person) error {
	if len(ps) == 0 {
		return nil
	}
	keys, names := make([]string, len(ps)), make([]string, len(ps))
	births := make([]pgtype.Date, len(ps))
	phones := make([][]byte, len(ps))
	foreign := make([]bool, len(ps))
	for i, p := range ps {
		keys[i], names[i], births[i], phones[i], foreign[i] = p.Key, p.Name, pgDate(p.Birth), p.PhoneEnc, p.Foreign
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO persons (person_key, name, birth, phone_enc, is_foreign)
		SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::bytea[], $5::boolean[])
		ON CONFLICT (person_key) DO UPDATE SET name = excluded.name, birth = excluded.birth,
			phone_enc = excluded.phone_enc, is_foreign = excluded.is_foreign`,
		keys, names, births, phones, foreign)
	return dbError(err, "put persons")
}
