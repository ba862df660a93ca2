package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vaxbook"
)

// Book performs the requests and returns one result per request, in order. A single
// request runs in a transaction of its own. Several run in one write transaction (a
// group commit: one fsync for all of them), each under a SAVEPOINT that is rolled back
// when that request fails, so that one person's share_full or already_booked leaves the
// others' bookings in the transaction. Results are given only after the commit: if the
// COMMIT fails, every request that had succeeded gets that error, so nothing is
// acknowledged that is not durable.
func (s *Store) Book(ctx context.Context, reqs []vaxbook.BookRequest) []vaxbook.BookResult {
	out := make([]vaxbook.BookResult, len(reqs))
	if len(reqs) == 1 {
		var r vaxbook.Reservation
		err := s.inWrite(ctx, func(tx *sql.Tx) error {
			var err error
			if r, err = book(ctx, tx, reqs[0]); err != nil {
				return err
			}
			return enqueue(ctx, tx, vaxbook.KindBooked, r, "", reqs[0].At)
		})
		out[0] = vaxbook.BookResult{Reservation: r, Err: err}
		return out
	}
	if len(reqs) == 0 {
		return out
	}
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		for i, req := range reqs {
			var err error
			if out[i], err = bookSaved(ctx, tx, req); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for i := range out {
			if out[i].Err == nil {
				out[i] = vaxbook.BookResult{Err: err}
			}
		}
	}
	return out
}

// bookSaved runs book under a savepoint and rolls back to it if the request fails, so
// that the transaction goes on as if the request had never been tried; the request's
// outcome is the first result. The savepoint name is reused: each is released before
// the next is taken. The error result is one that leaves the transaction in an
// unknown state (a savepoint that could not be taken or rolled back): the whole batch
// must then be rolled back, never committed.
func bookSaved(ctx context.Context, tx *sql.Tx, req vaxbook.BookRequest) (vaxbook.BookResult, error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT book`); err != nil {
		return vaxbook.BookResult{}, fmt.Errorf("savepoint: %w", err)
	}
	r, err := book(ctx, tx, req)
	if err == nil {
		// The notification is written under the same savepoint, so a request that
		// fails leaves no message behind and one that commits always has one.
		err = enqueue(ctx, tx, vaxbook.KindBooked, r, "", req.At)
	}
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO book`); rerr != nil {
			return vaxbook.BookResult{}, fmt.Errorf("roll back booking of %s: %w (after %w)", req.PersonKey, rerr, err)
		}
		r, err = vaxbook.Reservation{}, translate(err)
	}
	if _, rerr := tx.ExecContext(ctx, `RELEASE book`); rerr != nil {
		return vaxbook.BookResult{}, fmt.Errorf("release savepoint: %w", rerr)
	}
	return vaxbook.BookResult{Reservation: r, Err: err}, nil
}

// book inserts the reservation of req and takes its place from a share. The insert comes
// first so that a person who already holds a reservation learns that (CodeAlreadyBooked
// from the unique partial index) rather than that the share is full. It leaves the
// transaction to be rolled back on error.
func book(ctx context.Context, tx *sql.Tx, req vaxbook.BookRequest) (vaxbook.Reservation, error) {
	status := req.Status
	if status == "" {
		status = vaxbook.StatusBooked
	}
	switch {
	case !status.Active():
		return vaxbook.Reservation{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "a new reservation is booked or confirmed, not %s", status)
	case req.PersonKey == "" || req.Date.IsZero():
		return vaxbook.Reservation{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "a booking needs a person and a date")
	case req.Group < 0 || req.Group >= vaxbook.Groups:
		return vaxbook.Reservation{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "group %d is not a rotation group", req.Group)
	}
	r := vaxbook.Reservation{
		CampaignID: req.CampaignID, PersonKey: req.PersonKey, SiteID: req.SiteID,
		Date: req.Date, SecondDate: req.SecondDate, Group: req.Group, Status: status,
		CreatedAt: req.At.In(vaxbook.Seoul), UpdatedAt: req.At.In(vaxbook.Seoul),
	}
	err := tx.QueryRowContext(ctx, `
		INSERT INTO reservations (campaign_id, person_key, site_id, vdate, second_date, grp, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.CampaignID, r.PersonKey, r.SiteID, r.Date.String(), dateArg(r.SecondDate), r.Group, string(r.Status),
		req.At.UnixMicro(), req.At.UnixMicro()).Scan(&r.ID)
	if err != nil {
		return vaxbook.Reservation{}, translate(fmt.Errorf("insert reservation: %w", err))
	}
	g, err := takePlace(ctx, tx, req)
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	if g != r.Group {
		// A pooled booking drew from another group's share: the reservation names the
		// share its place came from, so that a cancel gives it back there.
		if _, err := tx.ExecContext(ctx, `UPDATE reservations SET grp = ? WHERE id = ?`, g, r.ID); err != nil {
			return vaxbook.Reservation{}, fmt.Errorf("record group of reservation %d: %w", r.ID, err)
		}
		r.Group = g
	}
	return r, nil
}

// takePlace adds one to the booked counter of a share with room and returns its group:
// the person's own group's share or, when pooled, the own share if it has room and else
// the share at the same site and date with the most places left. The "booked < capacity"
// condition makes the check and the take one statement.
func takePlace(ctx context.Context, tx *sql.Tx, req vaxbook.BookRequest) (int, error) {
	var g int
	err := tx.QueryRowContext(ctx, `
		UPDATE shares SET booked = booked + 1
		WHERE campaign_id = ?1 AND site_id = ?2 AND vdate = ?3 AND grp = (
			SELECT grp FROM shares
			WHERE campaign_id = ?1 AND site_id = ?2 AND vdate = ?3 AND booked < capacity
				AND (?4 OR grp = ?5)
			ORDER BY grp = ?5 DESC, capacity - booked DESC, grp
			LIMIT 1)
		RETURNING grp`,
		req.CampaignID, req.SiteID, req.Date.String(), req.Pooled, req.Group).Scan(&g)
	if err == nil {
		return g, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, translate(fmt.Errorf("book site %d on %s: %w", req.SiteID, req.Date, err))
	}
	var exists bool
	err = tx.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM shares WHERE campaign_id = ? AND site_id = ? AND vdate = ?)`,
		req.CampaignID, req.SiteID, req.Date.String()).Scan(&exists)
	switch {
	case err != nil:
		return 0, fmt.Errorf("find shares of site %d on %s: %w", req.SiteID, req.Date, err)
	case !exists:
		return 0, vaxbook.Errorf(vaxbook.CodeNotBookable, "this site does not vaccinate on %s", req.Date)
	case req.Pooled:
		return 0, vaxbook.Errorf(vaxbook.CodeShareFull, "no place is left at this site on %s", req.Date)
	default:
		return 0, vaxbook.Errorf(vaxbook.CodeShareFull, "no place is left for your group at this site on %s", req.Date)
	}
}

// Change cancels the active reservation req.OldID and books req.New in one transaction;
// if the new place cannot be had, everything is rolled back and the old reservation
// stands. The old reservation must be the same person's, in the same campaign, and still
// booked: a confirmed one is CodeChangeLocked.
func (s *Store) Change(ctx context.Context, req vaxbook.ChangeRequest) (vaxbook.Reservation, error) {
	var r vaxbook.Reservation
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		old, err := readReservation(ctx, tx, req.OldID, req.New.PersonKey)
		if err != nil {
			return err
		}
		switch {
		case old.CampaignID != req.New.CampaignID || !old.Status.Active():
			return vaxbook.Errorf(vaxbook.CodeNoReservation, "you hold no active reservation %d in this campaign", req.OldID)
		case old.Status != vaxbook.StatusBooked:
			return vaxbook.Errorf(vaxbook.CodeChangeLocked, "your reservation on %s is confirmed and can no longer be changed", old.Date)
		}
		if err := release(ctx, tx, old, req.New.At); err != nil {
			return err
		}
		if r, err = book(ctx, tx, req.New); err != nil {
			return err
		}
		if err := markReplaced(ctx, tx, old.ID, r.ID); err != nil {
			return err
		}
		return enqueue(ctx, tx, vaxbook.KindChanged, r, "", req.New.At)
	})
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	return r, nil
}
