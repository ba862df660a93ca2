package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vaxbook"
)

// PutSites inserts or updates sites by ID, all in one transaction.
func (s *Store) PutSites(ctx context.Context, sites []vaxbook.Site) error {
	for _, st := range sites {
		if st.ID <= 0 {
			return vaxbook.Errorf(vaxbook.CodeInvalidInput, "site %q has no id", st.Name)
		}
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `
			INSERT INTO sites (id, name, province, district, address, kind, phone) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, province = excluded.province,
				district = excluded.district, address = excluded.address, kind = excluded.kind,
				phone = excluded.phone`)
		if err != nil {
			return fmt.Errorf("prepare sites: %w", err)
		}
		defer stmt.Close()
		for _, st := range sites {
			if _, err := stmt.ExecContext(ctx, st.ID, st.Name, st.Province, st.District, st.Address, st.Kind, st.Phone); err != nil {
				return fmt.Errorf("put site %d: %w", st.ID, err)
			}
		}
		return nil
	})
}

// Site returns the site with the id, or CodeNotFound.
func (s *Store) Site(ctx context.Context, id int64) (vaxbook.Site, error) {
	var st vaxbook.Site
	err := s.read.QueryRowContext(ctx, `
		SELECT id, name, province, district, address, kind, phone FROM sites WHERE id = ?`, id).
		Scan(&st.ID, &st.Name, &st.Province, &st.District, &st.Address, &st.Kind, &st.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return vaxbook.Site{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no site %d", id)
	}
	if err != nil {
		return vaxbook.Site{}, fmt.Errorf("site %d: %w", id, err)
	}
	return st, nil
}
