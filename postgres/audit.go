package postgres

import (
	"context"

	"vaxbook"
)

// Audit counts invariant violations in a campaign from the rows themselves: it compares
// each share's counter and capacity with the active reservations drawn from it, so a
// bug in the counters cannot hide itself. A vaccinated or no-show reservation keeps its
// place in the count: the dose was used or wasted, and the counter stays. A reservation
// made from a leftover dose holds no place (AuditLeftovers counts its dose). It reads one snapshot (one statement).
func (s *Store) Audit(ctx context.Context, campaignID int64) (vaxbook.Audit, error) {
	var a vaxbook.Audit
	err := s.pool.QueryRow(ctx, `
		WITH active AS (
			SELECT site_id, vdate, grp, count(*) AS n FROM reservations
			WHERE campaign_id = $1 AND status IN ('booked', 'confirmed', 'vaccinated', 'no_show')
				AND NOT leftover
			GROUP BY site_id, vdate, grp),
		joined AS (
			SELECT COALESCE(sh.capacity, 0) AS capacity, COALESCE(sh.booked, 0) AS booked,
				COALESCE(a.n, 0) AS n
			FROM (SELECT * FROM shares WHERE campaign_id = $1) sh
			FULL JOIN active a
				ON a.site_id = sh.site_id AND a.vdate = sh.vdate AND a.grp = sh.grp)
		SELECT
			(SELECT count(*) FROM joined WHERE n > capacity),
			(SELECT count(*) FROM (
				SELECT person_key FROM reservations
				WHERE campaign_id = $1 AND status IN ('booked', 'confirmed')
				GROUP BY person_key HAVING count(*) > 1) d),
			(SELECT count(*) FROM joined WHERE n <> booked),
			(SELECT COALESCE(sum(n), 0)::BIGINT FROM joined),
			(SELECT COALESCE(sum(booked), 0)::BIGINT FROM joined)`, campaignID).
		Scan(&a.Overbooked, &a.DoubleBooked, &a.CounterDrift, &a.ActiveReservations, &a.BookedTotal)
	return a, dbError(err, "audit")
}
