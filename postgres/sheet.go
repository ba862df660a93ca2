package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// ShareSheet returns up to limit sites after afterSiteID that have shares in the
// campaign, by ID, each with all its shares by date and group. Two statements, so that
// a site's columns cross the wire once rather than once per share.
func (s *Store) ShareSheet(ctx context.Context, campaignID, afterSiteID int64, limit int) ([]vaxbook.SiteShares, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT s.id, s.name, s.province, s.district, s.address, s.kind, s.phone
		FROM sites s
		WHERE s.id > $2 AND EXISTS (SELECT 1 FROM shares x WHERE x.campaign_id = $1 AND x.site_id = s.id)
		ORDER BY s.id LIMIT $3`, campaignID, afterSiteID, limit)
	if err != nil {
		return nil, dbError(err, "read share sheet")
	}
	var (
		out []vaxbook.SiteShares
		st  vaxbook.Site
	)
	_, err = pgx.ForEachRow(rows, []any{&st.ID, &st.Name, &st.Province, &st.District, &st.Address, &st.Kind, &st.Phone}, func() error {
		out = append(out, vaxbook.SiteShares{Site: st})
		return nil
	})
	if err != nil || len(out) == 0 {
		return out, dbError(err, "read share sheet")
	}
	rows, err = s.pool.Query(ctx, `
		SELECT site_id, vdate, grp, capacity, booked FROM shares
		WHERE campaign_id = $1 AND site_id > $2 AND site_id <= $3
		ORDER BY site_id, vdate, grp`, campaignID, afterSiteID, out[len(out)-1].ID)
	if err != nil {
		return nil, dbError(err, "read share sheet")
	}
	var (
		sh    vaxbook.Share
		vdate pgtype.Date
		i     int
	)
	_, err = pgx.ForEachRow(rows, []any{&sh.SiteID, &vdate, &sh.Group, &sh.Capacity, &sh.Booked}, func() error {
		for i < len(out) && out[i].ID < sh.SiteID {
			i++
		}
		if i < len(out) && out[i].ID == sh.SiteID { // a site added between the statements waits for the next read
			sh.Date = fromDate(vdate)
			out[i].Shares = append(out[i].Shares, sh)
		}
		return nil
	})
	return out, dbError(err, "read share sheet")
}

// PlacesTaken returns the reservations after afterID or among also, by ID: the share
// each drew from and whether it holds that place now. By the primary key only: two
// branches, since "id > $1 OR id = ANY($2)" is one condition no index serves, and was a
// scan of every reservation a second (200 ms each after 200,000 bookings).
func (s *Store) PlacesTaken(ctx context.Context, afterID int64, also []int64, limit int) ([]vaxbook.PlaceTaken, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, campaign_id, site_id, vdate, grp, status IN ('booked', 'confirmed') AND NOT leftover
		FROM (
			(SELECT * FROM reservations WHERE id > $1 ORDER BY id LIMIT $3)
			UNION ALL
			(SELECT * FROM reservations WHERE id = ANY($2::BIGINT[]) AND id <= $1)
		) r
		ORDER BY id LIMIT $3`, afterID, also, limit)
	if err != nil {
		return nil, dbError(err, "read places taken")
	}
	var (
		out   []vaxbook.PlaceTaken
		p     vaxbook.PlaceTaken
		vdate pgtype.Date
	)
	_, err = pgx.ForEachRow(rows, []any{&p.ID, &p.CampaignID, &p.SiteID, &vdate, &p.Group, &p.Holds}, func() error {
		p.Date = fromDate(vdate)
		out = append(out, p)
		return nil
	})
	return out, dbError(err, "read places taken")
}

// LastReservationID returns the highest reservation ID given so far, 0 for none.
func (s *Store) LastReservationID(ctx context.Context) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM reservations`).Scan(&id)
	return id, dbError(err, "read last reservation id")
}
