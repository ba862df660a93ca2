package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// Search result bounds: the domain's, which the standby list's search pages by too.
const (
	defaultSearchLimit = vaxbook.DefaultSearchLimit
	maxSearchLimit     = vaxbook.MaxSearchLimit
)

// SearchSites returns the sites matching q that take part in the campaign, by ID, with
// the places the searcher can book per date in [q.From, q.To] (the campaign's
// vaccination dates when zero): their own group's share, or every share when pooled.
func (s *Store) SearchSites(ctx context.Context, q vaxbook.SiteQuery) ([]vaxbook.SiteAvailability, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	limit = min(limit, maxSearchLimit)

	// The filters are added only when asked for, so that each shape of query gets a
	// plan that uses the matching index rather than one generic plan for "x = $1 OR
	// $1 = ''".
	args := []any{q.CampaignID, q.AfterID, limit}
	where := []string{"s.id > $2",
		"EXISTS (SELECT 1 FROM shares x WHERE x.campaign_id = $1 AND x.site_id = s.id)"}
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if q.Province != "" {
		add("s.province = $%d", q.Province)
	}
	if q.District != "" {
		add("s.district = $%d", q.District)
	}
	if q.Name != "" {
		add(`s.name ILIKE $%d ESCAPE '\'`, "%"+escapeLike(q.Name)+"%")
	}
	args = append(args, pgDate(q.From), pgDate(q.To), q.Pooled, q.Group)
	sql := fmt.Sprintf(`
		WITH page AS (
			SELECT s.id, s.name, s.province, s.district, s.address, s.kind, s.phone
			FROM sites s WHERE %s ORDER BY s.id LIMIT $3),
		span AS (
			SELECT COALESCE($%d::DATE, vaccination_from) AS lo,
				COALESCE($%d::DATE, vaccination_to) AS hi
			FROM campaigns WHERE id = $1)
		SELECT p.id, p.name, p.province, p.district, p.address, p.kind, p.phone, r.vdate, r.remaining
		FROM page p
		LEFT JOIN (
			SELECT sh.site_id, sh.vdate, SUM(sh.capacity - sh.booked)::BIGINT AS remaining
			FROM shares sh, span
			WHERE sh.campaign_id = $1 AND sh.site_id IN (SELECT id FROM page)
				AND sh.vdate BETWEEN span.lo AND span.hi AND ($%d OR sh.grp = $%d)
			GROUP BY sh.site_id, sh.vdate) r ON r.site_id = p.id
		ORDER BY p.id, r.vdate`,
		strings.Join(where, " AND "), len(args)-3, len(args)-2, len(args)-1, len(args))

	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, dbError(err, "search sites")
	}
	var (
		out       []vaxbook.SiteAvailability
		st        vaxbook.Site
		vdate     pgtype.Date
		remaining pgtype.Int8
	)
	_, err = pgx.ForEachRow(rows, []any{&st.ID, &st.Name, &st.Province, &st.District,
		&st.Address, &st.Kind, &st.Phone, &vdate, &remaining}, func() error {
		if len(out) == 0 || out[len(out)-1].ID != st.ID {
			out = append(out, vaxbook.SiteAvailability{Site: st})
		}
		if vdate.Valid {
			cur := &out[len(out)-1]
			cur.Dates = append(cur.Dates, vaxbook.DateAvailability{Date: fromDate(vdate), Remaining: int(remaining.Int64)})
		}
		return nil
	})
	if err != nil {
		return nil, dbError(err, "search sites")
	}
	return out, nil
}

// escapeLike makes s match itself literally in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
