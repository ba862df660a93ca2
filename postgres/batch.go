package postgres

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"vaxbook"
)

// bookBatch books many requests in one transaction (a group commit) with a fixed number
// of statements per batch instead of several per request: one multi-row INSERT of the
// reservations, one SELECT … FOR UPDATE of the shares they draw from, the places
// counted out in Go, and one pipelined round of writes. It gives what savepoints around
// each request would — every request succeeds or fails on its own, as if run one after
// another (in the order of reqs, but a person's repeated requests after their first;
// see bookAll) — without four round trips per request (SAVEPOINT, INSERT, UPDATE,
// RELEASE), which alone would cap one connection near the goal of 15,000 bookings/s.
//
// Nothing is acknowledged before the commit. A deadlock or serialization failure runs
// the whole batch again (bounded by txAttempts); any other failure of the transaction,
// the COMMIT included, becomes the error of every request that had not failed on its
// own. A lost connection during COMMIT leaves the outcome unknown to the store: the
// client finds a booking that did commit with GET reservation.
func (s *Store) bookBatch(ctx context.Context, reqs []vaxbook.BookRequest) []vaxbook.BookResult {
	out := make([]vaxbook.BookResult, len(reqs))
	var valid []int
	for i, req := range reqs {
		if err := checkRequest(req); err != nil {
			out[i].Err = err
			continue
		}
		valid = append(valid, i)
	}
	if len(valid) == 0 {
		return out
	}
	var err error
	for range txAttempts {
		for _, i := range valid {
			out[i] = vaxbook.BookResult{}
		}
		err = s.tryTx(ctx, func(tx pgx.Tx) error { return bookAll(ctx, tx, reqs, valid, out) })
		if !retryable(err) {
			break
		}
	}
	if err != nil {
		err = dbError(err, "book batch")
		for _, i := range valid {
			if out[i].Err == nil {
				out[i] = vaxbook.BookResult{Err: err}
			}
		}
	}
	return out
}

// checkRequest refuses what no row can make valid, before the batch touches the
// database.
func checkRequest(req vaxbook.BookRequest) error {
	switch {
	case req.Status != "" && !req.Status.Active():
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "a new reservation cannot be %s", req.Status)
	case req.PersonKey == "" || req.Date.IsZero():
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "a booking needs a person and a date")
	case req.Group < 0 || req.Group >= vaxbook.Groups:
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "group %d is not a rotation group", req.Group)
	}
	return nil
}

// personKey names a person within a campaign: the unit of "one active reservation".
type personKey struct {
	campaign int64
	person   string
}

func keyOf(req vaxbook.BookRequest) personKey { return personKey{req.CampaignID, req.PersonKey} }

func alreadyBooked() error {
	return vaxbook.Errorf(vaxbook.CodeAlreadyBooked, "you already hold a reservation in this campaign")
}

// bookAll books reqs[idx…] into out inside tx. A multi-row INSERT cannot insert one
// person twice, so the batch runs in rounds, each with at most one request per person:
// the first requests of every person, then the second ones of those whose first
// failed (a later request of a person booked in an earlier round is already_booked at
// once), and so on. That is the outcome of running the requests one by one in an order
// that puts each person's repeats last; rounds past the first are rare (one person
// booking from several devices at once).
func bookAll(ctx context.Context, tx pgx.Tx, reqs []vaxbook.BookRequest, idx []int, out []vaxbook.BookResult) error {
	booked := map[personKey]bool{}
	for len(idx) > 0 {
		var round, later []int
		seen := map[personKey]bool{}
		for _, i := range idx {
			k := keyOf(reqs[i])
			switch {
			case booked[k]:
				out[i].Err = alreadyBooked()
			case seen[k]:
				later = append(later, i)
			default:
				seen[k] = true
				round = append(round, i)
			}
		}
		if err := bookRound(ctx, tx, reqs, round, out); err != nil {
			return err
		}
		for _, i := range round {
			if out[i].Err == nil {
				booked[keyOf(reqs[i])] = true
			}
		}
		idx = later
	}
	return nil
}

// bookRound books reqs[round…], at most one per person, in three steps.
//
//  1. Insert every reservation, skipping persons who already hold an active one: ON
//     CONFLICT on the partial unique index waits for a concurrent insert of the same
//     person and skips the row if that one commits, so already_booked is exact. The
//     rows go in by person key, so that two batches wait on each other's persons in one
//     order.
//  2. Lock the shares the inserted rows draw from, in key order (see lockRound).
//  3. Count out the places in Go, in the order of the requests, then write the counters,
//     the pooled groups and the removal of the rows that found no place.
//
// Inserting before locking means a person already booked never locks, nor waits for, a
// share that every booker of that site and date contends for.
func bookRound(ctx context.Context, tx pgx.Tx, reqs []vaxbook.BookRequest, round []int, out []vaxbook.BookResult) error {
	inserted, err := insertReservations(ctx, tx, reqs, round)
	if err != nil {
		return err
	}
	var todo []int
	for _, i := range round {
		if _, ok := inserted[keyOf(reqs[i])]; ok {
			todo = append(todo, i)
		} else {
			out[i].Err = alreadyBooked()
		}
	}
	if len(todo) == 0 {
		return nil
	}
	days, err := lockRound(ctx, tx, reqs, todo)
	if err != nil {
		return err
	}
	var w writes
	for _, i := range todo {
		req := reqs[i]
		r := inserted[keyOf(req)]
		g, err := days[dayOf(req)].take(req)
		if err != nil {
			out[i].Err = err
			w.losers = append(w.losers, r.ID)
			continue
		}
		w.taken(dayOf(req), g)
		if g != r.Group {
			// A pooled booking drew from another group's share: record which, so that a
			// cancellation gives the place back to the share it came from.
			w.moved(r.ID, g)
			r.Group = g
		}
		out[i].Reservation = r
		w.booked = append(w.booked, r)
	}
	return w.apply(ctx, tx)
}

// lockRound locks the shares that reqs[todo…] may draw from and returns their state.
// Every lock statement takes its rows in key order, so that concurrent batches cannot
// deadlock on shares. It first locks only each request's own group's share, which is
// all a request needs unless it is pooled and that share is full: locking all ten
// shares of every site and date would write ten times the row locks and make batches
// wait on each other for rows neither touches. When a dry run of the count finds a
// pooled request that needs the other shares, the narrow locks are undone with ROLLBACK
// TO SAVEPOINT (which releases row locks taken after the savepoint) and the rows are
// locked again, whole days where needed, in one ordered statement: locking the extra
// rows on top of those held would take them out of order. Each repeat widens at least
// one more day, so the loop ends.
func lockRound(ctx context.Context, tx pgx.Tx, reqs []vaxbook.BookRequest, todo []int) (map[shareDay]*dayShares, error) {
	pooled := slices.ContainsFunc(todo, func(i int) bool { return reqs[i].Pooled })
	wide := map[shareDay]bool{}
	for first := true; ; first = false {
		var keys []shareGroup
		for _, i := range todo {
			d, g := dayOf(reqs[i]), reqs[i].Group
			if wide[d] {
				g = allGroups
			}
			keys = append(keys, shareGroup{d, g})
		}
		// Only pooled requests can need a second look; the savepoint is taken before
		// the first lock and reused by every repeat.
		days, err := lockShares(ctx, tx, keys, pooled && first)
		if err != nil || !pooled {
			return days, err
		}
		widened := false
		trial := make(map[shareDay]*dayShares, len(days))
		for k, d := range days {
			c := *d
			trial[k] = &c
		}
		for _, i := range todo {
			d := dayOf(reqs[i])
			if _, err := trial[d].take(reqs[i]); err == errNeedAll {
				wide[d], widened = true, true
			}
		}
		if !widened {
			return days, nil
		}
		if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT lock_shares`); err != nil {
			return nil, err
		}
	}
}

// insertReservations inserts the reservations of reqs[round…] in one statement and
// returns those inserted by person; a person missing from the map holds an active
// reservation already.
func insertReservations(ctx context.Context, tx pgx.Tx, reqs []vaxbook.BookRequest, round []int) (map[personKey]vaxbook.Reservation, error) {
	order := slices.Clone(round)
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(strings.Compare(reqs[a].PersonKey, reqs[b].PersonKey),
			cmp.Compare(reqs[a].CampaignID, reqs[b].CampaignID))
	})
	var c columns
	for _, i := range order {
		c.add(reqs[i])
	}
	rows, err := tx.Query(ctx, `
		INSERT INTO reservations (campaign_id, person_key, site_id, vdate, second_date,
			grp, status, created_at, updated_at)
		SELECT c, p, s, d, sd, g, st, a, a
		FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::date[], $5::date[],
			$6::smallint[], $7::text[], $8::timestamptz[]) AS v (c, p, s, d, sd, g, st, a)
		ON CONFLICT (campaign_id, person_key) WHERE status IN ('booked', 'confirmed', 'vaccinated') DO NOTHING
		RETURNING `+reservationColumns,
		c.campaign, c.person, c.site, c.date, c.second, c.group, c.status, c.at)
	if err != nil {
		return nil, err
	}
	got, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (vaxbook.Reservation, error) {
		return scanReservation(row)
	})
	if err != nil {
		return nil, err
	}
	inserted := make(map[personKey]vaxbook.Reservation, len(got))
	for _, r := range got {
		inserted[personKey{r.CampaignID, r.PersonKey}] = r
	}
	return inserted, nil
}
