package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"vaxbook"
)

// PutSites inserts or updates sites by ID in one statement. When an ID appears twice
// the last one wins, since one statement may not update a row twice.
func (s *Store) PutSites(ctx context.Context, sites []vaxbook.Site) error {
	last := make(map[int64]int, len(sites))
	for i, st := range sites {
		last[st.ID] = i
	}
	n := len(last)
	ids := make([]int64, 0, n)
	names, provinces := make([]string, 0, n), make([]string, 0, n)
	districts, addresses, kinds := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	phones := make([]string, 0, n)
	for i, st := range sites {
		if last[st.ID] != i {
			continue
		}
		ids = append(ids, st.ID)
		names, provinces = append(names, st.Name), append(provinces, st.Province)
		districts, addresses, kinds = append(districts, st.District), append(addresses, st.Address), append(kinds, st.Kind)
		phones = append(phones, st.Phone)
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO sites (id, name, province, district, address, kind, phone)
		SELECT * FROM unnest($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[])
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, province = excluded.province,
			district = excluded.district, address = excluded.address, kind = excluded.kind,
			phone = excluded.phone`,
		ids, names, provinces, districts, addresses, kinds, phones)
	return dbError(err, "put sites")
}

// Site returns the site with the id, or CodeNotFound.
func (s *Store) Site(ctx context.Context, id int64) (vaxbook.Site, error) {
	var st vaxbook.Site
	err := s.pool.QueryRow(ctx, `
		SELECT id, name, province, district, address, kind, phone FROM sites WHERE id = $1`, id).
		Scan(&st.ID, &st.Name, &st.Province, &st.District, &st.Address, &st.Kind, &st.Phone)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, vaxbook.Errorf(vaxbook.CodeNotFound, "site %d not found", id)
	}
	return st, dbError(err, "load site")
}
