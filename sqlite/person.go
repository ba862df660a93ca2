package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vaxbook"
)

// PutPerson inserts or updates a verified person by key.
func (s *Store) PutPerson(ctx context.Context, p vaxbook.Person) error {
	if p.Key == "" {
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "a person needs a key")
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO persons (person_key, name, birth, phone_enc, is_foreign) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (person_key) DO UPDATE SET name = excluded.name, birth = excluded.birth,
				phone_enc = excluded.phone_enc, is_foreign = excluded.is_foreign`,
			p.Key, p.Name, dateArg(p.Birth), p.PhoneEnc, p.Foreign)
		if err != nil {
			return fmt.Errorf("put person: %w", err)
		}
		return nil
	})
}

// Person returns the person with the key, or CodeNotFound.
func (s *Store) Person(ctx context.Context, key string) (vaxbook.Person, error) {
	p := vaxbook.Person{Key: key}
	var birth sql.NullString
	err := s.read.QueryRowContext(ctx, `
		SELECT name, birth, phone_enc, is_foreign FROM persons WHERE person_key = ?`, key).
		Scan(&p.Name, &birth, &p.PhoneEnc, &p.Foreign)
	if errors.Is(err, sql.ErrNoRows) {
		return vaxbook.Person{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no such person")
	}
	if err != nil {
		return vaxbook.Person{}, fmt.Errorf("read person: %w", err)
	}
	if p.Birth, err = parseDate(birth); err != nil {
		return vaxbook.Person{}, err
	}
	return p, nil
}
