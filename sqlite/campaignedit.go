package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"vaxbook"
)

var _ vaxbook.CampaignEditor = (*Store)(nil)

// UpdateCampaign checks and applies an operator's edit in one write transaction. SQLite
// has one writer, so no booking lands between the check of what is held and the edit.
// The edit also closes the shares of the days outside the new vaccination dates, so
// that a booking served afterwards from a booking service's cached campaign, which
// still has the old dates, finds its share full rather than booking a removed day.
func (s *Store) UpdateCampaign(ctx context.Context, c vaxbook.Campaign) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		old, err := readCampaign(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		// An invalid edit is refused before any share is touched.
		if err := c.Validate(); err != nil {
			return err
		}
		// capacity = booked leaves no place to book and keeps booked <= capacity. If
		// the edit is refused, the rollback gives the places back; if it passes, an
		// edit that brings the days back later leaves them closed until their
		// capacities are set again.
		if _, err := tx.ExecContext(ctx, `
			UPDATE shares SET capacity = booked
			WHERE campaign_id = ? AND (vdate < ? OR vdate > ?) AND booked < capacity`,
			c.ID, c.VaccinationFrom.String(), c.VaccinationTo.String()); err != nil {
			return fmt.Errorf("close shares of campaign %d outside %s – %s: %w", c.ID, c.VaccinationFrom, c.VaccinationTo, err)
		}
		h, err := holdings(ctx, tx, c.ID, vaxbook.LostCoverage(old.Windows, c.Windows))
		if err != nil {
			return err
		}
		if err := vaxbook.CheckCampaignEdit(old, c, h); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE campaigns SET name = ?, cohort_from = ?, cohort_to = ?, vaccination_from = ?,
				vaccination_to = ?, second_dose_days = ?, weights = ?
			WHERE id = ?`,
			c.Name, dateArg(c.CohortFrom), dateArg(c.CohortTo), dateArg(c.VaccinationFrom),
			dateArg(c.VaccinationTo), c.SecondDoseDays, formatWeights(c.Weights), c.ID); err != nil {
			return fmt.Errorf("update campaign %d: %w", c.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM windows WHERE campaign_id = ?`, c.ID); err != nil {
			return fmt.Errorf("replace windows of campaign %d: %w", c.ID, err)
		}
		for i, w := range c.Windows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO windows (campaign_id, seq, grp, opens, closes) VALUES (?, ?, ?, ?, ?)`,
				c.ID, i, w.Group, w.Opens.UnixMicro(), w.Closes.UnixMicro()); err != nil {
				return fmt.Errorf("insert window %d of campaign %d: %w", i, c.ID, err)
			}
		}
		return nil
	})
}

// personGroup is a person's rotation group in SQL: the last digit of the day of month of
// the birth date, stored as 'YYYY-MM-DD'.
const personGroup = `CAST(substr(p.birth, 9, 2) AS INTEGER) % 10`

// holdings sums up the campaign's reservations that are not cancelled, and counts those
// made by a person of a group in that group's lost booking time. A reservation made from
// a leftover dose is left out of that count: it was accepted from a standby list, in no
// booking window, so no change of the windows strands it.
func holdings(ctx context.Context, tx *sql.Tx, campaignID int64, lost []vaxbook.Span) (vaxbook.Holdings, error) {
	var h vaxbook.Holdings
	var firstDate, lastDate, firstBirth, lastBirth sql.NullString
	err := tx.QueryRowContext(ctx, `
		SELECT COUNT(*), MIN(r.vdate), MAX(r.vdate), MIN(p.birth), MAX(p.birth),
			EXISTS (SELECT 1 FROM shares WHERE campaign_id = ?)
		FROM reservations r JOIN persons p ON p.person_key = r.person_key
		WHERE r.campaign_id = ? AND r.status <> 'cancelled'`, campaignID, campaignID).
		Scan(&h.Reservations, &firstDate, &lastDate, &firstBirth, &lastBirth, &h.Shares)
	if err != nil {
		return h, fmt.Errorf("holdings of campaign %d: %w", campaignID, err)
	}
	for _, p := range []struct {
		col sql.NullString
		d   *vaxbook.Date
	}{{firstDate, &h.FirstDate}, {lastDate, &h.LastDate}, {firstBirth, &h.FirstBirth}, {lastBirth, &h.LastBirth}} {
		if *p.d, err = parseDate(p.col); err != nil {
			return h, err
		}
	}
	if len(lost) == 0 || h.Reservations == 0 {
		return h, nil
	}
	// One pass over the campaign's reservations, joined to the lost spans as a table of
	// values: per group the spans are disjoint, so no reservation counts twice.
	rows := make([]string, len(lost))
	args := make([]any, 0, 3*len(lost)+1)
	for i, sp := range lost {
		rows[i] = "(?, ?, ?)"
		args = append(args, sp.Group, sp.From.UnixMicro(), sp.To.UnixMicro())
	}
	args = append(args, campaignID)
	var first sql.NullInt64
	err = tx.QueryRowContext(ctx, `
		WITH lost (grp, lo, hi) AS (VALUES `+strings.Join(rows, ", ")+`)
		SELECT COUNT(*), MIN(r.created_at)
		FROM reservations r JOIN persons p ON p.person_key = r.person_key
		JOIN lost ON lost.grp = `+personGroup+` AND r.created_at >= lost.lo AND r.created_at < lost.hi
		WHERE r.campaign_id = ? AND r.status <> 'cancelled' AND r.leftover = 0`, args...).Scan(&h.Stranded, &first)
	if err != nil {
		return h, fmt.Errorf("stranded reservations of campaign %d: %w", campaignID, err)
	}
	h.FirstStranded = parseTime(first)
	return h, nil
}
