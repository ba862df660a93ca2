package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"vaxbook"
)

var _ vaxbook.Population = (*Store)(nil)

// PutEligible upserts the counts in one statement.
func (s *Store) PutEligible(ctx context.Context, campaignID int64, rows []vaxbook.Eligible) error {
	var years, groups, counts []int32
	var provinces []string
	for _, e := range rows {
		years, groups = append(years, int32(e.BirthYear)), append(groups, int32(e.Group))
		provinces, counts = append(provinces, e.Province), append(counts, int32(e.Count))
	}
	return s.inTx(ctx, "put eligible population", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO eligible_population (campaign_id, birth_year, grp, province, count)
			SELECT $1, y, g, p, n FROM unnest($2::int[], $3::int[], $4::text[], $5::int[]) AS v (y, g, p, n)
			ON CONFLICT (campaign_id, birth_year, grp, province) DO UPDATE SET count = excluded.count`,
			campaignID, years, groups, provinces, counts)
		return err
	})
}

// BookingCounts aggregates in one REPEATABLE READ snapshot. The person's group is
// computed from the birth date (rule 2), not the reservation's grp, which names the
// share a pooled booking drew from.
func (s *Store) BookingCounts(ctx context.Context, campaignID int64) (vaxbook.BookingCounts, error) {
	var out vaxbook.BookingCounts
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return out, dbError(err, "booking counts")
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	rows, _ := tx.Query(ctx, `
		SELECT birth_year, grp, province, count FROM eligible_population
		WHERE campaign_id = $1 ORDER BY birth_year, grp, province`, campaignID)
	if out.Eligible, err = pgx.CollectRows(rows, pgx.RowToStructByPos[vaxbook.Eligible]); err != nil {
		return out, dbError(err, "eligible population")
	}
	rows, _ = tx.Query(ctx, `
		SELECT extract(year FROM p.birth)::int AS y, extract(day FROM p.birth)::int % 10 AS g,
			si.province, count(*)::int, (count(*) FILTER (WHERE r.status = 'no_show'))::int
		FROM reservations r JOIN persons p ON p.person_key = r.person_key JOIN sites si ON si.id = r.site_id
		WHERE r.campaign_id = $1 AND r.status <> 'cancelled'
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, campaignID)
	if out.Cells, err = pgx.CollectRows(rows, pgx.RowToStructByPos[vaxbook.BookingCount]); err != nil {
		return out, dbError(err, "booking counts")
	}
	rows, _ = tx.Query(ctx, `
		SELECT date_trunc('hour', created_at), count(*)::int FROM reservations
		WHERE campaign_id = $1 GROUP BY 1 ORDER BY 1`, campaignID)
	if out.Hourly, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (vaxbook.HourCount, error) {
		var h vaxbook.HourCount
		var t time.Time
		err := row.Scan(&t, &h.Bookings)
		h.Hour = t.In(vaxbook.Seoul)
		return h, err
	}); err != nil {
		return out, dbError(err, "hourly bookings")
	}
	// A change's released reservation names its replacement; a person's cancellation
	// does not. The outbox is not read: its rows are pruned.
	err = tx.QueryRow(ctx, `
		SELECT count(*)::int FROM reservations
		WHERE campaign_id = $1 AND status = 'cancelled' AND replaced_by IS NULL`, campaignID).Scan(&out.Cancellations)
	return out, dbError(err, "cancellations")
}
