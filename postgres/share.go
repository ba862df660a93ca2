package postgres

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// SetCapacities splits each quantity into group shares and applies them in one
// transaction, keeping what is already booked. A capacity below its booked count
// violates the shares CHECK, which aborts the whole transaction with CodeConflict, so
// nothing is applied; a site not stored is CodeNotFound.
//
// A national campaign has millions of shares (ten per site and date), so the rows are
// sent in chunks of arrays and merged by set statements per chunk (mergeShares): an
// UPDATE that writes only the shares whose capacity changes, then an INSERT of the
// missing ones. This measured several times faster than one INSERT … ON CONFLICT DO
// UPDATE, which locks, and so writes, every existing row even when nothing changes.
// The arrays replace a temporary table loaded by COPY, which CockroachDB treats as
// experimental and off by default (docs/OPERATIONS.md); at national scale (4.6 million
// shares, PostgreSQL 15) they take about 9 s to load, 8 s to re-load unchanged and 18 s
// to change everything, against 8, 7 and 15.5 s with the temporary table.
func (s *Store) SetCapacities(ctx context.Context, campaignID int64, caps []vaxbook.Capacity) error {
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return err
	}
	// One statement may not update a row twice: the last quantity given for a site and
	// date wins.
	type key struct {
		site int64
		date vaxbook.Date
	}
	last := make(map[key]int, len(caps))
	for i, cp := range caps {
		if cp.Quantity < 0 {
			return vaxbook.Errorf(vaxbook.CodeInvalidInput, "site %d on %s: negative quantity %d", cp.SiteID, cp.Date, cp.Quantity)
		}
		if cp.Date.IsZero() {
			return vaxbook.Errorf(vaxbook.CodeInvalidInput, "site %d: missing date", cp.SiteID)
		}
		last[key{cp.SiteID, cp.Date}] = i
	}
	unique := make([]vaxbook.Capacity, 0, len(last))
	for i, cp := range caps {
		if last[key{cp.SiteID, cp.Date}] == i {
			unique = append(unique, cp)
		}
	}
	// In key order, so that each chunk below covers a narrow range of sites and every
	// load takes its row locks in the same order.
	slices.SortFunc(unique, func(a, b vaxbook.Capacity) int {
		return cmp.Or(cmp.Compare(a.SiteID, b.SiteID), cmp.Compare(a.Date.Year, b.Date.Year),
			cmp.Compare(a.Date.Month, b.Date.Month), cmp.Compare(a.Date.Day, b.Date.Day))
	})
	sites := make([]int64, 0, len(unique))
	for _, cp := range unique {
		if len(sites) == 0 || sites[len(sites)-1] != cp.SiteID {
			sites = append(sites, cp.SiteID)
		}
	}
	return s.inTx(ctx, "set capacities", func(tx pgx.Tx) error {
		var missing int64
		err := tx.QueryRow(ctx, `
			SELECT x FROM unnest($1::BIGINT[]) x
			WHERE NOT EXISTS (SELECT 1 FROM sites WHERE id = x) LIMIT 1`, sites).Scan(&missing)
		if err == nil {
			return vaxbook.Errorf(vaxbook.CodeNotFound, "site %d not found", missing)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		var noShares bool
		err = tx.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM shares WHERE campaign_id = $1)`, campaignID).Scan(&noShares)
		if err != nil {
			return err
		}
		src := &shareRows{caps: unique, weights: c.Weights, order: c.BookingOrder(), i: -1, g: vaxbook.Groups}
		var chunk shareColumns
		for more := true; more; {
			more = chunk.fill(src, capacityChunk*vaxbook.Groups)
			if len(chunk.site) == 0 {
				break
			}
			if err := mergeShares(ctx, tx, campaignID, &chunk, noShares); err != nil {
				return err
			}
		}
		return nil
	})
}

// mergeShares writes one chunk of share rows (in key order) into the campaign's shares.
// A read first counts the rows missing and the rows whose capacity changes, and only
// the statements with work to do run: re-importing an unchanged file reads the shares
// once and writes nothing. The range of the chunk's sites lets the planner hash-join
// the chunk with its own shares rather than read every share of the campaign (with the
// arrays' length known, it would). Updating and inserting are two statements because
// CockroachDB refuses one statement that modifies a table twice.
func mergeShares(ctx context.Context, tx pgx.Tx, campaignID int64, c *shareColumns, noShares bool) error {
	args := []any{campaignID, c.site, c.date, c.grp, c.capacity, c.site[0], c.site[len(c.site)-1]}
	// When the campaign had no shares as the load began, every row is missing.
	missing, changed := len(c.site), 0
	if !noShares {
		err := tx.QueryRow(ctx, `
			SELECT count(*) FILTER (WHERE s.grp IS NULL), count(*) FILTER (WHERE s.capacity <> l.capacity)
			FROM unnest($2::BIGINT[], $3::DATE[], $4::SMALLINT[], $5::INT[]) AS l (site_id, vdate, grp, capacity)
			LEFT JOIN shares s ON s.campaign_id = $1 AND s.site_id BETWEEN $6 AND $7
				AND s.site_id = l.site_id AND s.vdate = l.vdate AND s.grp = l.grp`, args...).Scan(&missing, &changed)
		if err != nil {
			return err
		}
	}
	b := &pgx.Batch{}
	if changed > 0 {
		b.Queue(`
			UPDATE shares s SET capacity = l.capacity
			FROM unnest($2::BIGINT[], $3::DATE[], $4::SMALLINT[], $5::INT[]) AS l (site_id, vdate, grp, capacity)
			WHERE s.campaign_id = $1 AND s.site_id BETWEEN $6 AND $7 AND s.site_id = l.site_id
				AND s.vdate = l.vdate AND s.grp = l.grp AND s.capacity <> l.capacity`, args...)
	}
	switch {
	case missing == len(c.site):
		// None of the chunk's shares exists (a first load): nothing to look up. A
		// concurrent SetCapacities inserting the same share makes this fail on the
		// primary key, with CodeConflict, rather than silently keep either quantity.
		b.Queue(`
			INSERT INTO shares (campaign_id, site_id, vdate, grp, capacity)
			SELECT $1, l.site_id, l.vdate, l.grp, l.capacity
			FROM unnest($2::BIGINT[], $3::DATE[], $4::SMALLINT[], $5::INT[]) AS l (site_id, vdate, grp, capacity)`,
			args[:5]...)
	case missing > 0:
		b.Queue(`
			INSERT INTO shares (campaign_id, site_id, vdate, grp, capacity)
			SELECT $1, l.site_id, l.vdate, l.grp, l.capacity
			FROM unnest($2::BIGINT[], $3::DATE[], $4::SMALLINT[], $5::INT[]) AS l (site_id, vdate, grp, capacity)
			WHERE NOT EXISTS (SELECT 1 FROM shares s WHERE s.campaign_id = $1
				AND s.site_id BETWEEN $6 AND $7 AND s.site_id = l.site_id
				AND s.vdate = l.vdate AND s.grp = l.grp)`, args...)
	}
	if b.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, b).Close()
}

// capacityChunk is how many quantities (ten shares each) SetCapacities merges at once: a
// national campaign's 460,000 quantities go in 24 chunks of a few megabytes, never all
// at once in memory.
const capacityChunk = 20_000

// shareColumns holds share rows column by column, as the arrays a statement unnests.
type shareColumns struct {
	site     []int64
	date     []pgtype.Date
	grp      []int16
	capacity []int32
}

// fill replaces c's rows with up to n rows from src and reports whether src may have
// more.
func (c *shareColumns) fill(src *shareRows, n int) bool {
	c.site, c.date, c.grp, c.capacity = c.site[:0], c.date[:0], c.grp[:0], c.capacity[:0]
	for len(c.site) < n {
		if !src.Next() {
			return false
		}
		c.site = append(c.site, src.caps[src.i].SiteID)
		c.date = append(c.date, src.date)
		c.grp = append(c.grp, int16(src.g))
		c.capacity = append(c.capacity, int32(src.shares[src.g]))
	}
	return true
}

// shareRows yields the ten share rows of each capacity as they are consumed, so that
// millions of rows are never held in memory at once.
type shareRows struct {
	caps    []vaxbook.Capacity
	weights [vaxbook.Groups]int
	order   [vaxbook.Groups]int
	i, g    int // current capacity and group
	shares  [vaxbook.Groups]int
	date    pgtype.Date
}

func (r *shareRows) Next() bool {
	r.g++
	if r.g < vaxbook.Groups {
		return true
	}
	r.i++
	if r.i >= len(r.caps) {
		return false
	}
	r.g = 0
	r.shares = vaxbook.SplitShares(r.caps[r.i].Quantity, r.weights, r.order)
	r.date = pgDate(r.caps[r.i].Date)
	return true
}

// Shares returns the shares of a site on a date, ordered by group.
func (s *Store) Shares(ctx context.Context, campaignID, siteID int64, d vaxbook.Date) ([]vaxbook.Share, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT site_id, vdate, grp, capacity, booked FROM shares
		WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 ORDER BY grp`,
		campaignID, siteID, pgDate(d))
	if err != nil {
		return nil, dbError(err, "load shares")
	}
	shares, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (vaxbook.Share, error) {
		var (
			sh vaxbook.Share
			vd pgtype.Date
		)
		err := row.Scan(&sh.SiteID, &vd, &sh.Group, &sh.Capacity, &sh.Booked)
		sh.Date = fromDate(vd)
		return sh, err
	})
	return shares, dbError(err, "load shares")
}
