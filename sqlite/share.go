package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"vaxbook"
)

// capacityBatch is how many capacities one multi-row upsert writes: 1,000 share rows of
// 5 parameters, well under SQLite's limit of 32,766, so statement execution is amortised.
// The parameters are anonymous: the driver looks every numbered one (?NNN) up by name,
// which made a 1,201-parameter statement spend most of its time in that lookup.
const capacityBatch = 100

// SetCapacities sets the bookable quantity of each site and date in the campaign and
// splits it into group shares with SplitShares. An upsert keeps each share's booked
// counter; a new capacity below it fails the shares_booked CHECK, which rolls the whole
// call back with CodeConflict.
func (s *Store) SetCapacities(ctx context.Context, campaignID int64, caps []vaxbook.Capacity) error {
	for _, c := range caps {
		if c.Quantity < 0 || c.Date.IsZero() {
			return vaxbook.Errorf(vaxbook.CodeInvalidInput, "site %d on %s: the quantity must be a non-negative number on a date", c.SiteID, c.Date)
		}
	}
	// Writing in primary-key order appends to the shares b-tree instead of touching
	// pages all over it: a load given date by date ran more than twice as slowly. The
	// sort is stable so that of two capacities for one site and date the last still wins.
	sorted := slices.Clone(caps)
	slices.SortStableFunc(sorted, func(a, b vaxbook.Capacity) int {
		return cmp.Or(cmp.Compare(a.SiteID, b.SiteID), cmp.Compare(a.Date.Year, b.Date.Year),
			cmp.Compare(a.Date.Month, b.Date.Month), cmp.Compare(a.Date.Day, b.Date.Day))
	})
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		c, err := readCampaign(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		order := c.BookingOrder()
		// Whole batches share one prepared statement; the last, shorter one is sent as is.
		var full *sql.Stmt
		if len(sorted) >= capacityBatch {
			if full, err = tx.PrepareContext(ctx, upsertShares(capacityBatch)); err != nil {
				return fmt.Errorf("prepare shares: %w", err)
			}
			defer full.Close()
		}
		args := make([]any, 0, capacityBatch*vaxbook.Groups*5)
		for start := 0; start < len(sorted); start += capacityBatch {
			batch := sorted[start:min(start+capacityBatch, len(sorted))]
			args = args[:0]
			for _, cp := range batch {
				d := cp.Date.String()
				for g, q := range vaxbook.SplitShares(cp.Quantity, c.Weights, order) {
					args = append(args, campaignID, cp.SiteID, d, g, q)
				}
			}
			if len(batch) == capacityBatch {
				_, err = full.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, upsertShares(len(batch)), args...)
			}
			if err != nil {
				return fmt.Errorf("set capacities from site %d on %s: %w", batch[0].SiteID, batch[0].Date, err)
			}
		}
		return nil
	})
}

// upsertShares returns an INSERT of the ten shares of n capacities that keeps the booked
// counter of the rows that exist.
func upsertShares(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO shares (campaign_id, site_id, vdate, grp, capacity) VALUES ")
	b.WriteString(strings.Repeat("(?,?,?,?,?),", n*vaxbook.Groups-1))
	b.WriteString("(?,?,?,?,?) ON CONFLICT (campaign_id, site_id, vdate, grp) DO UPDATE SET capacity = excluded.capacity WHERE capacity != excluded.capacity")
	return b.String()
}

// Shares returns the shares of a site on a date, ordered by group; none if the site does
// not vaccinate that day.
func (s *Store) Shares(ctx context.Context, campaignID, siteID int64, d vaxbook.Date) ([]vaxbook.Share, error) {
	rows, err := s.read.QueryContext(ctx, `
		SELECT grp, capacity, booked FROM shares
		WHERE campaign_id = ? AND site_id = ? AND vdate = ? ORDER BY grp`, campaignID, siteID, d.String())
	if err != nil {
		return nil, fmt.Errorf("shares of site %d on %s: %w", siteID, d, err)
	}
	defer rows.Close()
	var out []vaxbook.Share
	for rows.Next() {
		sh := vaxbook.Share{SiteID: siteID, Date: d}
		if err := rows.Scan(&sh.Group, &sh.Capacity, &sh.Booked); err != nil {
			return nil, fmt.Errorf("scan share: %w", err)
		}
		out = append(out, sh)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("shares of site %d on %s: %w", siteID, d, err)
	}
	return out, nil
}
