package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// columns holds requests column by column, as the arrays a statement unnests.
type columns struct {
	campaign, site []int64
	person, status []string
	date, second   []pgtype.Date
	group          []int16
	at             []time.Time
}

func (c *columns) add(req vaxbook.BookRequest) {
	status := req.Status
	if status == "" {
		status = vaxbook.StatusBooked
	}
	c.campaign = append(c.campaign, req.CampaignID)
	c.person = append(c.person, req.PersonKey)
	c.site = append(c.site, req.SiteID)
	c.date = append(c.date, pgDate(req.Date))
	c.second = append(c.second, pgDate(req.SecondDate))
	c.group = append(c.group, int16(req.Group))
	c.status = append(c.status, string(status))
	c.at = append(c.at, req.At)
}

// shareDay is a site on a vaccination date in a campaign: the ten shares a pooled
// booking may draw from.
type shareDay struct {
	campaign, site int64
	date           vaxbook.Date
}

func dayOf(req vaxbook.BookRequest) shareDay {
	return shareDay{req.CampaignID, req.SiteID, req.Date}
}

// shareGroup is one share: a day and a group.
type shareGroup struct {
	day shareDay
	grp int
}

// writes collects what a round changes once its places are counted out, so that it
// goes to the server in one pipelined round trip.
type writes struct {
	counts      map[shareGroup]int
	movedIDs    []int64
	movedGroups []int16
	losers      []int64
	// booked are the reservations that found a place; their "booked" messages go to
	// the outbox in one multi-row insert of the same round trip.
	booked []vaxbook.Reservation
}

func (w *writes) taken(d shareDay, g int) {
	if w.counts == nil {
		w.counts = map[shareGroup]int{}
	}
	w.counts[shareGroup{d, g}]++
}

func (w *writes) moved(id int64, g int) {
	w.movedIDs = append(w.movedIDs, id)
	w.movedGroups = append(w.movedGroups, int16(g))
}

// apply sends the counters, the groups of pooled bookings that drew from another share
// and the removal of the reservations that found no place. The shares are locked
// already, so the order of the statements does not matter; the CHECK on shares stays
// the backstop against overbooking.
func (w *writes) apply(ctx context.Context, tx pgx.Tx) error {
	b := &pgx.Batch{}
	if len(w.counts) > 0 {
		var campaign, site []int64
		var date []pgtype.Date
		var grp []int16
		var n []int32
		for k, v := range w.counts {
			campaign, site = append(campaign, k.day.campaign), append(site, k.day.site)
			date, grp, n = append(date, pgDate(k.day.date)), append(grp, int16(k.grp)), append(n, int32(v))
		}
		b.Queue(`
			UPDATE shares sh SET booked = sh.booked + v.n
			FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::smallint[], $5::int[]) AS v (c, s, d, g, n)
			WHERE sh.campaign_id = v.c AND sh.site_id = v.s AND sh.vdate = v.d AND sh.grp = v.g`,
			campaign, site, date, grp, n)
	}
	if len(w.movedIDs) > 0 {
		b.Queue(`
			UPDATE reservations r SET grp = v.g
			FROM unnest($1::bigint[], $2::smallint[]) AS v (id, g) WHERE r.id = v.id`,
			w.movedIDs, w.movedGroups)
	}
	if len(w.losers) > 0 {
		b.Queue(`DELETE FROM reservations WHERE id = ANY($1)`, w.losers)
	}
	queueBooked(b, w.booked)
	if b.Len() == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, b)
	for range b.Len() {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}
