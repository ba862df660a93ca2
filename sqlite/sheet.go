package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"vaxbook"
)

// ShareSheet returns up to limit sites after afterSiteID that have shares in the
// campaign, by ID, each with all its shares by date and group, from one read
// transaction.
func (s *Store) ShareSheet(ctx context.Context, campaignID, afterSiteID int64, limit int) ([]vaxbook.SiteShares, error) {
	var out []vaxbook.SiteShares
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `
			SELECT id, name, province, district, address, kind, phone FROM sites
			WHERE id > ?1 AND EXISTS (SELECT 1 FROM shares WHERE campaign_id = ?2 AND site_id = sites.id)
			ORDER BY id LIMIT ?3`, afterSiteID, campaignID, limit)
		if err != nil {
			return fmt.Errorf("read share sheet: %w", err)
		}
		for rows.Next() {
			var st vaxbook.Site
			if err := rows.Scan(&st.ID, &st.Name, &st.Province, &st.District, &st.Address, &st.Kind, &st.Phone); err != nil {
				rows.Close()
				return fmt.Errorf("read share sheet: %w", err)
			}
			out = append(out, vaxbook.SiteShares{Site: st})
		}
		if err := rows.Close(); err != nil || len(out) == 0 {
			return err
		}
		rows, err = tx.QueryContext(ctx, `
			SELECT site_id, vdate, grp, capacity, booked FROM shares
			WHERE campaign_id = ?1 AND site_id > ?2 AND site_id <= ?3
			ORDER BY site_id, vdate, grp`, campaignID, afterSiteID, out[len(out)-1].ID)
		if err != nil {
			return fmt.Errorf("read share sheet: %w", err)
		}
		defer rows.Close()
		i := 0
		for rows.Next() {
			var sh vaxbook.Share
			var vdate sql.NullString
			if err := rows.Scan(&sh.SiteID, &vdate, &sh.Group, &sh.Capacity, &sh.Booked); err != nil {
				return fmt.Errorf("read share sheet: %w", err)
			}
			if sh.Date, err = parseDate(vdate); err != nil {
				return err
			}
			for out[i].ID < sh.SiteID { // one read transaction: every share's site is in out
				i++
			}
			out[i].Shares = append(out[i].Shares, sh)
		}
		return rows.Err()
	})
	return out, err
}

// PlacesTaken returns the reservations after afterID or among also, by ID: the share
// each drew from and whether it holds that place now.
func (s *Store) PlacesTaken(ctx context.Context, afterID int64, also []int64, limit int) ([]vaxbook.PlaceTaken, error) {
	ids, err := json.Marshal(also)
	if err != nil {
		return nil, err
	}
	var out []vaxbook.PlaceTaken
	err = s.inRead(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `
			SELECT id, campaign_id, site_id, vdate, grp, status IN ('booked', 'confirmed') AND NOT leftover
			FROM (
				SELECT * FROM (SELECT * FROM reservations WHERE id > ?1 ORDER BY id LIMIT ?3)
				UNION ALL
				SELECT * FROM reservations WHERE id IN (SELECT value FROM json_each(?2)) AND id <= ?1
			)
			ORDER BY id LIMIT ?3`, afterID, string(ids), limit)
		if err != nil {
			return fmt.Errorf("read places taken: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p vaxbook.PlaceTaken
			var vdate sql.NullString
			if err := rows.Scan(&p.ID, &p.CampaignID, &p.SiteID, &vdate, &p.Group, &p.Holds); err != nil {
				return fmt.Errorf("read places taken: %w", err)
			}
			if p.Date, err = parseDate(vdate); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// LastReservationID returns the highest reservation ID given so far, 0 for none.
func (s *Store) LastReservationID(ctx context.Context) (int64, error) {
	var id int64
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM reservations`).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("read last reservation id: %w", err)
	}
	return id, nil
}
