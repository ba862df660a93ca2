package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"vaxbook"
)

var _ vaxbook.Population = (*Store)(nil)

// PutEligible upserts the counts in one transaction.
func (s *Store) PutEligible(ctx context.Context, campaignID int64, rows []vaxbook.Eligible) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		for _, e := range rows {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO eligible_population (campaign_id, birth_year, grp, province, count) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (campaign_id, birth_year, grp, province) DO UPDATE SET count = excluded.count`,
				campaignID, e.BirthYear, e.Group, e.Province, e.Count); err != nil {
				return fmt.Errorf("put eligible %d/%d/%s: %w", e.BirthYear, e.Group, e.Province, err)
			}
		}
		return nil
	})
}

// BookingCounts aggregates in one read snapshot. The person's group is computed from
// the birth date (rule 2), not the reservation's grp, which names the share a pooled
// booking drew from. Hours are cut at UTC hour boundaries, which are Seoul's too.
func (s *Store) BookingCounts(ctx context.Context, campaignID int64) (vaxbook.BookingCounts, error) {
	var out vaxbook.BookingCounts
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT birth_year, grp, province, count FROM eligible_population
			WHERE campaign_id = ? ORDER BY birth_year, grp, province`, campaignID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var e vaxbook.Eligible
			if err := rows.Scan(&e.BirthYear, &e.Group, &e.Province, &e.Count); err != nil {
				rows.Close()
				return err
			}
			out.Eligible = append(out.Eligible, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `
			SELECT CAST(substr(p.birth, 1, 4) AS INTEGER) AS y, CAST(substr(p.birth, 9, 2) AS INTEGER) % 10 AS g,
				si.province, count(*), count(*) FILTER (WHERE r.status = 'no_show')
			FROM reservations r JOIN persons p ON p.person_key = r.person_key JOIN sites si ON si.id = r.site_id
			WHERE r.campaign_id = ? AND r.status <> 'cancelled'
			GROUP BY y, g, si.province ORDER BY y, g, si.province`, campaignID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c vaxbook.BookingCount
			if err := rows.Scan(&c.BirthYear, &c.Group, &c.Province, &c.Booked, &c.NoShow); err != nil {
				rows.Close()
				return err
			}
			out.Cells = append(out.Cells, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `
			SELECT created_at / 3600000000 AS h, count(*) FROM reservations
			WHERE campaign_id = ? GROUP BY h ORDER BY h`, campaignID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var h int64
			var n int
			if err := rows.Scan(&h, &n); err != nil {
				rows.Close()
				return err
			}
			out.Hourly = append(out.Hourly, vaxbook.HourCount{Hour: time.Unix(h*3600, 0).In(vaxbook.Seoul), Bookings: n})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// A change's released reservation names its replacement; a person's
		// cancellation does not. The outbox is not read: its rows are pruned.
		return tx.QueryRowContext(ctx, `
			SELECT count(*) FROM reservations
			WHERE campaign_id = ? AND status = 'cancelled' AND replaced_by IS NULL`, campaignID).Scan(&out.Cancellations)
	})
	if err != nil {
		return out, fmt.Errorf("booking counts of campaign %d: %w", campaignID, err)
	}
	return out, nil
}
