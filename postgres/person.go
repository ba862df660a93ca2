package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// PutPerson inserts or updates a verified person by key.
func (s *Store) PutPerson(ctx context.Context, p vaxbook.Person) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO persons (person_key, name, birth, phone_enc, is_foreign)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (person_key) DO UPDATE SET name = excluded.name, birth = excluded.birth,
			phone_enc = excluded.phone_enc, is_foreign = excluded.is_foreign`,
		p.Key, p.Name, pgDate(p.Birth), p.PhoneEnc, p.Foreign)
	return dbError(err, "put person")
}

// Person returns the person with the key, or CodeNotFound.
func (s *Store) Person(ctx context.Context, key string) (vaxbook.Person, error) {
	var (
		p     vaxbook.Person
		birth pgtype.Date
	)
	err := s.pool.QueryRow(ctx, `
		SELECT person_key, name, birth, phone_enc, is_foreign FROM persons WHERE person_key = $1`,
		key).Scan(&p.Key, &p.Name, &birth, &p.PhoneEnc, &p.Foreign)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, vaxbook.Errorf(vaxbook.CodeNotFound, "person not found")
	}
	p.Birth = fromDate(birth)
	return p, dbError(err, "load person")
}
