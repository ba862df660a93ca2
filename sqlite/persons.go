package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"vaxbook"
)

// PutPersons inserts or updates many verified persons by key in one transaction, so
// that loading a synthetic population (the booking benchmark) does not pay a commit per
// person. It is not part of vaxbook.Store: production verifies one person at a time.
func (s *Store) PutPersons(ctx context.Context, ps []vaxbook.Person) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `
			INSERT INTO persons (person_key, name, birth, phone_enc, is_foreign) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (person_key) DO UPDATE SET name = excluded.name, birth = excluded.birth,
				phone_enc = excluded.phone_enc, is_foreign = excluded.is_foreign`)
		if err != nil {
			return fmt.Errorf("put persons: %w", err)
		}
		defer stmt.Close()
		for _, p := range ps {
			if p.Key == "" {
				return vaxbook.Errorf(vaxbook.CodeInvalidInput, "a person needs a key")
			}
			if _, err := stmt.ExecContext(ctx, p.Key, p.Name, dateArg(p.Birth), p.PhoneEnc, p.Foreign); err != nil {
				return fmt.Errorf("put person: %w", err)
			}
		}
		return nil
	})
}
