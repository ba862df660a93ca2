package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"vaxbook"
)

// Audit counts invariant violations in a campaign from the rows themselves, in one
// snapshot: it recounts the active reservations instead of trusting the booked counters.
func (s *Store) Audit(ctx context.Context, campaignID int64) (vaxbook.Audit, error) {
	var a vaxbook.Audit
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		// active counts the reservations holding a place, per share; a share with none
		// has no row here. A reservation made from a leftover dose holds none (its
		// dose is audited by AuditLeftovers). A vaccinated or no-show reservation keeps its place: the
		// dose was used or wasted, and the counter stays.
		err := tx.QueryRowContext(ctx, `
			WITH active AS (
				SELECT site_id, vdate, grp, COUNT(*) AS n FROM reservations
				WHERE campaign_id = ?1 AND status IN `+placeStatuses+` AND leftover = 0
				GROUP BY site_id, vdate, grp
			)
			SELECT
				(SELECT COUNT(*) FROM shares sh JOIN active a USING (site_id, vdate, grp)
					WHERE sh.campaign_id = ?1 AND a.n > sh.capacity),
				(SELECT COUNT(*) FROM shares sh LEFT JOIN active a USING (site_id, vdate, grp)
					WHERE sh.campaign_id = ?1 AND sh.booked != COALESCE(a.n, 0))
				+ (SELECT COUNT(*) FROM active a WHERE NOT EXISTS (SELECT 1 FROM shares sh
					WHERE sh.campaign_id = ?1 AND sh.site_id = a.site_id AND sh.vdate = a.vdate AND sh.grp = a.grp)),
				(SELECT COALESCE(SUM(n), 0) FROM active),
				(SELECT COALESCE(SUM(booked), 0) FROM shares WHERE campaign_id = ?1)`,
			campaignID).Scan(&a.Overbooked, &a.CounterDrift, &a.ActiveReservations, &a.BookedTotal)
		if err != nil {
			return fmt.Errorf("audit shares of campaign %d: %w", campaignID, err)
		}
		err = tx.QueryRowContext(ctx, `
			SELECT COUNT(*) FROM (
				SELECT person_key FROM reservations
				WHERE campaign_id = ? AND status IN `+activeStatuses+`
				GROUP BY person_key HAVING COUNT(*) > 1)`, campaignID).Scan(&a.DoubleBooked)
		if err != nil {
			return fmt.Errorf("audit persons of campaign %d: %w", campaignID, err)
		}
		return nil
	})
	return a, err
}

// placeStatuses are the statuses whose reservation counts in its share's booked counter.
const placeStatuses = "('booked', 'confirmed', 'vaccinated', 'no_show')"
