package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"vaxbook"
)

// Book books the requests and returns one result per request, in order. A single
// request runs in a transaction of its own (the path of one booking at a time); several
// run in one transaction, a group commit, through bookBatch.
func (s *Store) Book(ctx context.Context, reqs []vaxbook.BookRequest) []vaxbook.BookResult {
	if len(reqs) > 1 {
		return s.bookBatch(ctx, reqs)
	}
	out := make([]vaxbook.BookResult, len(reqs))
	for i, req := range reqs {
		var r vaxbook.Reservation
		err := s.inTx(ctx, "book", func(tx pgx.Tx) error {
			var err error
			if r, err = book(ctx, tx, req); err != nil {
				return err
			}
			return enqueue(ctx, tx, vaxbook.KindBooked, r, "", req.At)
		})
		out[i] = vaxbook.BookResult{Reservation: r, Err: err}
	}
	return out
}

// book inserts the reservation and takes its place, inside tx. On any error the caller
// must roll tx back (or back to a savepoint taken before the call): the row may be
// inserted already.
//
// The reservation is inserted first so that a person already booked fails on the
// partial unique index without ever touching, and locking, the share row that every
// booker of that site and date contends for. The share is then taken by one
// conditional UPDATE: at READ COMMITTED a writer that finds the row locked waits for
// the holder to commit and re-evaluates "booked < capacity" on the new version, so two
// bookers can never both take the last place, and the CHECK on shares is the backstop.
// The share's row lock is held only from that UPDATE to the commit.
func book(ctx context.Context, tx pgx.Tx, req vaxbook.BookRequest) (vaxbook.Reservation, error) {
	status := req.Status
	if status == "" {
		status = vaxbook.StatusBooked
	}
	if !status.Active() {
		return vaxbook.Reservation{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "a new reservation cannot be %s", status)
	}
	r, err := scanReservation(tx.QueryRow(ctx, `
		INSERT INTO reservations (campaign_id, person_key, site_id, vdate, second_date,
			grp, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
		RETURNING `+reservationColumns,
		req.CampaignID, req.PersonKey, req.SiteID, pgDate(req.Date), pgDate(req.SecondDate),
		req.Group, status, req.At))
	if err != nil {
		return r, err
	}
	grp, err := takePlace(ctx, tx, req)
	if err != nil {
		return r, err
	}
	if grp != r.Group {
		// A pooled booking drew from another group's share: record which, so that a
		// cancellation gives the place back to the share it came from.
		_, err = tx.Exec(ctx, `UPDATE reservations SET grp = $2 WHERE id = $1`, r.ID, grp)
		r.Group = grp
	}
	return r, err
}

// takePlace adds one to the booked count of a share with room and returns its group:
// the request's group, or, when pooled and that share is full, the other share at the
// site and date with the most room. It fails with CodeNotBookable when the site has no
// shares that day and CodeShareFull when none has room.
func takePlace(ctx context.Context, tx pgx.Tx, req vaxbook.BookRequest) (int, error) {
	key := []any{req.CampaignID, req.SiteID, pgDate(req.Date)}
	tag, err := tx.Exec(ctx, `
		UPDATE shares SET booked = booked + 1
		WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 AND grp = $4
			AND booked < capacity`, append(key, req.Group)...)
	if err != nil {
		return 0, err
	}
	if tag.RowsAffected() == 1 {
		return req.Group, nil
	}
	if req.Pooled {
		grp, ok, err := takePooled(ctx, tx, key)
		if err != nil || ok {
			return grp, err
		}
	}
	q := `SELECT EXISTS (SELECT 1 FROM shares WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3`
	args := key
	if !req.Pooled {
		q += ` AND grp = $4`
		args = append(args, req.Group)
	}
	var exists bool
	if err := tx.QueryRow(ctx, q+`)`, args...).Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, vaxbook.Errorf(vaxbook.CodeNotBookable, "this site does not vaccinate on %s", req.Date)
	}
	return 0, vaxbook.Errorf(vaxbook.CodeShareFull, "no places left at this site on %s", req.Date)
}

// takePooled takes a place from any share at the site and date (key: campaign, site,
// date) with room, most remaining first. It first skips the shares other bookers hold
// locked, so that a surge on one site spreads over its ten rows instead of queueing on
// one. A locked share may still have room once its holder commits, so when that finds
// nothing it tries, waiting on each lock, every share that had room when read: a share
// filled meanwhile fails its "booked < capacity" and the next is tried. The loop is
// bounded by the number of groups, and it reports false only when every share it saw
// with room filled up.
func takePooled(ctx context.Context, tx pgx.Tx, key []any) (int, bool, error) {
	var grp int
	err := tx.QueryRow(ctx, `
		UPDATE shares SET booked = booked + 1
		WHERE (campaign_id, site_id, vdate, grp) IN (
			SELECT campaign_id, site_id, vdate, grp FROM shares
			WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 AND booked < capacity
			ORDER BY capacity - booked DESC, grp
			LIMIT 1 FOR UPDATE SKIP LOCKED)
		AND booked < capacity
		RETURNING grp`, key...).Scan(&grp)
	if err == nil {
		return grp, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, false, err
	}
	rows, err := tx.Query(ctx, `
		SELECT grp FROM shares
		WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 AND booked < capacity
		ORDER BY capacity - booked DESC, grp`, key...)
	if err != nil {
		return 0, false, err
	}
	groups, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return 0, false, err
	}
	for _, g := range groups {
		tag, err := tx.Exec(ctx, `
			UPDATE shares SET booked = booked + 1
			WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 AND grp = $4
				AND booked < capacity`, append(key, g)...)
		if err != nil {
			return 0, false, err
		}
		if tag.RowsAffected() == 1 {
			return g, true, nil
		}
	}
	return 0, false, nil
}
