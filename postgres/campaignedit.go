package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

var _ vaxbook.CampaignEditor = (*Store)(nil)

// UpdateCampaign checks and applies an operator's edit in one transaction that locks the
// campaign's row, so that two edits never interleave. Bookings do not take that lock, so
// before it gathers what is held the edit closes the shares of the days outside the new
// vaccination dates (closeShares), taking the row locks every booking of those days
// needs: a booking that took a place there first has committed, and is seen by the
// check, and one that comes later, even from an instance whose cached campaign still
// has the old dates, finds its share full. A booking in booking time the edit takes
// away, or by a person it takes out of the cohort, is not held off that way: one
// committing during the check, or made from a cached campaign in the seconds after
// the edit, stands as made under the rules as they were.
func (s *Store) UpdateCampaign(ctx context.Context, c vaxbook.Campaign) error {
	return s.inTx(ctx, "update campaign", func(tx pgx.Tx) error {
		old, err := lockCampaign(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		// An invalid edit is refused before any share is touched.
		if err := c.Validate(); err != nil {
			return err
		}
		if err := closeShares(ctx, tx, c); err != nil {
			return fmt.Errorf("close shares of campaign %d outside %s – %s: %w", c.ID, c.VaccinationFrom, c.VaccinationTo, err)
		}
		h, err := holdings(ctx, tx, c.ID, vaxbook.LostCoverage(old.Windows, c.Windows))
		if err != nil {
			return err
		}
		if err := vaxbook.CheckCampaignEdit(old, c, h); err != nil {
			return err
		}
		var b pgx.Batch
		b.Queue(`
			UPDATE campaigns SET name = $2, cohort_from = $3, cohort_to = $4, vaccination_from = $5,
				vaccination_to = $6, second_dose_days = $7, weights = $8
			WHERE id = $1`,
			c.ID, c.Name, pgDate(c.CohortFrom), pgDate(c.CohortTo), pgDate(c.VaccinationFrom),
			pgDate(c.VaccinationTo), c.SecondDoseDays, c.Weights[:])
		b.Queue(`DELETE FROM windows WHERE campaign_id = $1`, c.ID)
		for i, w := range c.Windows {
			b.Queue(`INSERT INTO windows (campaign_id, seq, grp, opens, closes) VALUES ($1, $2, $3, $4, $5)`,
				c.ID, i, w.Group, w.Opens, w.Closes)
		}
		return tx.SendBatch(ctx, &b).Close()
	})
}

// closeShares sets the capacity of campaign c's shares on days outside c's vaccination
// dates to what is booked of them, inside the edit's transaction: no place is left to
// book there, and the CHECK booked <= capacity still holds. The rows are locked first in
// key order, the order in which a group commit locks shares (lockShares), so that an
// edit and a batch never wait on each other in a cycle. Shares with no free place are
// neither locked nor written: a booking cannot take one. If the edit is refused, the
// rollback gives the places back; if it passes, an edit that brings the days back
// later leaves them closed until their capacities are set again.
func closeShares(ctx context.Context, tx pgx.Tx, c vaxbook.Campaign) error {
	args := []any{c.ID, pgDate(c.VaccinationFrom), pgDate(c.VaccinationTo)}
	var b pgx.Batch
	b.Queue(`
		SELECT 1 FROM shares
		WHERE campaign_id = $1 AND (vdate < $2 OR vdate > $3) AND booked < capacity
		ORDER BY campaign_id, site_id, vdate, grp
		FOR UPDATE`, args...)
	b.Queue(`
		UPDATE shares SET capacity = booked
		WHERE campaign_id = $1 AND (vdate < $2 OR vdate > $3) AND booked < capacity`, args...)
	return tx.SendBatch(ctx, &b).Close()
}

// lockCampaign reads a campaign with its windows, locking its row until the end of tx,
// or returns CodeNotFound.
func lockCampaign(ctx context.Context, tx pgx.Tx, id int64) (vaxbook.Campaign, error) {
	rows, err := tx.Query(ctx, `
		SELECT id, name, cohort_from, cohort_to, vaccination_from, vaccination_to,
			second_dose_days, weights
		FROM campaigns WHERE id = $1 FOR UPDATE`, id)
	if err != nil {
		return vaxbook.Campaign{}, err
	}
	cs, err := pgx.CollectRows(rows, scanCampaign)
	if err != nil {
		return vaxbook.Campaign{}, err
	}
	if len(cs) == 0 {
		return vaxbook.Campaign{}, vaxbook.Errorf(vaxbook.CodeNotFound, "campaign %d not found", id)
	}
	c := cs[0]
	rows, err = tx.Query(ctx, `SELECT grp, opens, closes FROM windows WHERE campaign_id = $1 ORDER BY seq`, id)
	if err != nil {
		return vaxbook.Campaign{}, err
	}
	var w vaxbook.Window
	_, err = pgx.ForEachRow(rows, []any{&w.Group, &w.Opens, &w.Closes}, func() error {
		c.Windows = append(c.Windows, vaxbook.Window{Group: w.Group, Opens: w.Opens.In(vaxbook.Seoul), Closes: w.Closes.In(vaxbook.Seoul)})
		return nil
	})
	return c, err
}

// personGroup is a person's rotation group in SQL: the last digit of the day of month of
// the birth date.
const personGroup = `EXTRACT(DAY FROM p.birth)::INT % 10`

// holdings sums up the campaign's reservations that are not cancelled, and counts those
// made by a person of a group in that group's lost booking time. A reservation made from
// a leftover dose is left out of that count: it was accepted from a standby list, in no
// booking window, so no change of the windows strands it.
func holdings(ctx context.Context, tx pgx.Tx, campaignID int64, lost []vaxbook.Span) (vaxbook.Holdings, error) {
	var (
		h                     vaxbook.Holdings
		firstDate, lastDate   pgtype.Date
		firstBirth, lastBirth pgtype.Date
	)
	err := tx.QueryRow(ctx, `
		SELECT COUNT(*), MIN(r.vdate), MAX(r.vdate), MIN(p.birth), MAX(p.birth),
			EXISTS (SELECT 1 FROM shares WHERE campaign_id = $1)
		FROM reservations r JOIN persons p ON p.person_key = r.person_key
		WHERE r.campaign_id = $1 AND r.status <> 'cancelled'`, campaignID).
		Scan(&h.Reservations, &firstDate, &lastDate, &firstBirth, &lastBirth, &h.Shares)
	if err != nil {
		return h, fmt.Errorf("holdings of campaign %d: %w", campaignID, err)
	}
	h.FirstDate, h.LastDate = fromDate(firstDate), fromDate(lastDate)
	h.FirstBirth, h.LastBirth = fromDate(firstBirth), fromDate(lastBirth)
	if len(lost) == 0 || h.Reservations == 0 {
		return h, nil
	}
	// One pass over the campaign's reservations, joined to the lost spans as a table of
	// values: per group the spans are disjoint, so no reservation counts twice.
	rows := make([]string, len(lost))
	args := []any{campaignID}
	for i, sp := range lost {
		n := len(args)
		rows[i] = fmt.Sprintf("($%d::INT, $%d::TIMESTAMPTZ, $%d::TIMESTAMPTZ)", n+1, n+2, n+3)
		args = append(args, sp.Group, sp.From, sp.To)
	}
	var first pgtype.Timestamptz
	err = tx.QueryRow(ctx, `
		WITH lost (grp, lo, hi) AS (VALUES `+strings.Join(rows, ", ")+`)
		SELECT COUNT(*), MIN(r.created_at)
		FROM reservations r JOIN persons p ON p.person_key = r.person_key
		JOIN lost ON lost.grp = `+personGroup+` AND r.created_at >= lost.lo AND r.created_at < lost.hi
		WHERE r.campaign_id = $1 AND r.status <> 'cancelled' AND NOT r.leftover`, args...).Scan(&h.Stranded, &first)
	if err != nil {
		return h, fmt.Errorf("stranded reservations of campaign %d: %w", campaignID, err)
	}
	h.FirstStranded = fromTime(first)
	return h, nil
}
