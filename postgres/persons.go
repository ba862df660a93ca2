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
	c := newPersonColumns(ps)
	_, err := s.pool.Exec(ctx, `
		INSERT INTO persons (person_key, name, birth, phone_enc, is_foreign)
		SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::bytea[], $5::boolean[])
		ON CONFLICT (person_key) DO UPDATE SET name = excluded.name, birth = excluded.birth,
			phone_enc = excluded.phone_enc, is_foreign = excluded.is_foreign`,
		c.keys, c.names, c.births, c.phones, c.foreign)
	return dbError(err, "put persons")
}

// personColumns holds persons column by column, as the arrays a statement unnests
// (PutPersons, SignIn). A person without a phone has NULL.
type personColumns struct {
	keys, names []string
	births      []pgtype.Date
	phones      [][]byte
	foreign     []bool
}

func newPersonColumns(ps []vaxbook.Person) personColumns {
	c := personColumns{
		keys: make([]string, len(ps)), names: make([]string, len(ps)), births: make([]pgtype.Date, len(ps)),
		phones: make([][]byte, len(ps)), foreign: make([]bool, len(ps)),
	}
	for i, p := range ps {
		c.keys[i], c.names[i], c.births[i], c.phones[i], c.foreign[i] = p.Key, p.Name, pgDate(p.Birth), nilIfEmpty(p.PhoneEnc), p.Foreign
	}
	return c
}

// nilIfEmpty turns an empty byte string into SQL NULL.
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
