package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"vaxbook"
)

// Search limits: the domain's, which the standby list's search pages by too.
const (
	defaultSearchLimit = vaxbook.DefaultSearchLimit
	maxSearchLimit     = vaxbook.MaxSearchLimit
)

// likeEscaper escapes the LIKE wildcards of a user's text so that it matches literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// SearchSites returns the sites matching q that take part in the campaign, by ID, with the
// places the searcher can book on each date between q.From and q.To (the campaign's
// vaccination dates when zero): the searcher's own share, or every share when pooled.
func (s *Store) SearchSites(ctx context.Context, q vaxbook.SiteQuery) ([]vaxbook.SiteAvailability, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	limit = min(limit, maxSearchLimit)
	var out []vaxbook.SiteAvailability
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		from, to := q.From, q.To
		if from.IsZero() || to.IsZero() {
			c, err := readCampaign(ctx, tx, q.CampaignID)
			if err != nil {
				return err
			}
			if from.IsZero() {
				from = c.VaccinationFrom
			}
			if to.IsZero() {
				to = c.VaccinationTo
			}
		}
		// The page of sites is chosen first (by id, on the sites table and the shares
		// primary key), then only its shares are summed.
		rows, err := tx.QueryContext(ctx, `
			WITH page AS (
				SELECT id, name, province, district, address, kind, phone FROM sites
				WHERE id > ?1
					AND (?2 = '' OR province = ?2)
					AND (?3 = '' OR district = ?3)
					AND (?4 = '' OR name LIKE '%' || ?4 || '%' ESCAPE '\')
					AND EXISTS (SELECT 1 FROM shares WHERE campaign_id = ?5 AND site_id = sites.id)
				ORDER BY id LIMIT ?6
			)
			SELECT p.id, p.name, p.province, p.district, p.address, p.kind, p.phone, sh.vdate, SUM(sh.capacity - sh.booked)
			FROM page p
			LEFT JOIN shares sh ON sh.campaign_id = ?5 AND sh.site_id = p.id
				AND sh.vdate BETWEEN ?7 AND ?8 AND (?9 OR sh.grp = ?10)
			GROUP BY p.id, sh.vdate
			ORDER BY p.id, sh.vdate`,
			q.AfterID, q.Province, q.District, likeEscaper.Replace(q.Name), q.CampaignID, limit,
			from.String(), to.String(), q.Pooled, q.Group)
		if err != nil {
			return fmt.Errorf("search sites: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var st vaxbook.Site
			var vdate sql.NullString
			var remaining sql.NullInt64
			if err := rows.Scan(&st.ID, &st.Name, &st.Province, &st.District, &st.Address, &st.Kind, &st.Phone, &vdate, &remaining); err != nil {
				return fmt.Errorf("scan site: %w", err)
			}
			if len(out) == 0 || out[len(out)-1].ID != st.ID {
				out = append(out, vaxbook.SiteAvailability{Site: st})
			}
			if !vdate.Valid {
				continue // the site has no shares in the dates asked
			}
			d, err := parseDate(vdate)
			if err != nil {
				return err
			}
			a := &out[len(out)-1]
			a.Dates = append(a.Dates, vaxbook.DateAvailability{Date: d, Remaining: int(remaining.Int64)})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
