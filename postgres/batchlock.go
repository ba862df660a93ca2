package postgres

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// dayShares is what a batch knows of the shares of one shareDay while it counts out
// places: which groups have a share and how many places each has left. Unless whole,
// only the groups locked are known (the requests' own groups).
type dayShares struct {
	whole  bool
	exists [vaxbook.Groups]bool
	left   [vaxbook.Groups]int
}

// errNeedAll says a pooled request found no room in its own group's share and must see
// every share of the day, which were not locked.
var errNeedAll = errors.New("pooled request needs every share of the day")

// take counts out one place for req, by the rules of takePlace: the request's own
// group's share, or, when pooled and that one is full, the share with the most places
// left (lowest group on a tie). It returns the group drawn from, CodeNotBookable (no
// such share), CodeShareFull, or errNeedAll.
func (d *dayShares) take(req vaxbook.BookRequest) (int, error) {
	g := req.Group
	if d.exists[g] && d.left[g] > 0 {
		d.left[g]--
		return g, nil
	}
	if req.Pooled && !d.whole {
		return 0, errNeedAll
	}
	if req.Pooled {
		best := -1
		for o, n := range d.left {
			if n > 0 && (best < 0 || n > d.left[best]) {
				best = o
			}
		}
		if best >= 0 {
			d.left[best]--
			return best, nil
		}
		g = max(0, slices.Index(d.exists[:], true)) // any share at all
	}
	if !d.exists[g] {
		return 0, vaxbook.Errorf(vaxbook.CodeNotBookable, "this site does not vaccinate on %s", req.Date)
	}
	return 0, vaxbook.Errorf(vaxbook.CodeShareFull, "no places left at this site on %s", req.Date)
}

// allGroups in a shareGroup asks for every share of the day.
const allGroups = -1

// lockShares locks the shares keys name (grp allGroups: every share of the day) in key
// order and returns their state for every day asked, found or not. ORDER BY is applied
// before FOR UPDATE, so every batch takes its rows in that order. With savepoint the
// statement is pipelined after SAVEPOINT lock_shares, which lockRound rolls back to.
func lockShares(ctx context.Context, tx pgx.Tx, keys []shareGroup, savepoint bool) (map[shareDay]*dayShares, error) {
	// Each share is asked for once, so that the join returns it once: a whole day
	// stands for all of its groups.
	days := make(map[shareDay]*dayShares, len(keys))
	for _, k := range keys {
		d := days[k.day]
		if d == nil {
			d = &dayShares{}
			days[k.day] = d
		}
		d.whole = d.whole || k.grp == allGroups
	}
	asked := map[shareGroup]bool{}
	var campaign, site []int64
	var date []pgtype.Date
	var grp []int16
	for _, k := range keys {
		if days[k.day].whole {
			k.grp = allGroups
		}
		if asked[k] {
			continue
		}
		asked[k] = true
		campaign, site = append(campaign, k.day.campaign), append(site, k.day.site)
		date, grp = append(date, pgDate(k.day.date)), append(grp, int16(k.grp))
	}
	b := &pgx.Batch{}
	if savepoint {
		b.Queue(`SAVEPOINT lock_shares`)
	}
	b.Queue(`
		SELECT sh.campaign_id, sh.site_id, sh.vdate, sh.grp, sh.capacity - sh.booked
		FROM shares sh
		JOIN unnest($1::bigint[], $2::bigint[], $3::date[], $4::smallint[]) AS k (c, s, d, g)
			ON sh.campaign_id = k.c AND sh.site_id = k.s AND sh.vdate = k.d
			AND (k.g = -1 OR sh.grp = k.g)
		ORDER BY sh.campaign_id, sh.site_id, sh.vdate, sh.grp
		FOR UPDATE OF sh`, campaign, site, date, grp)
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	if savepoint {
		if _, err := br.Exec(); err != nil {
			return nil, err
		}
	}
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			k       shareDay
			d       pgtype.Date
			g, left int
		)
		if err := rows.Scan(&k.campaign, &k.site, &d, &g, &left); err != nil {
			rows.Close()
			return nil, err
		}
		k.date = fromDate(d)
		if ds := days[k]; ds != nil && g >= 0 && g < vaxbook.Groups {
			ds.exists[g], ds.left[g] = true, left
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return days, br.Close()
}
