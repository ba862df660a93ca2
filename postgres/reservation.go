package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// reservationColumns is the column list scanReservation reads, in its order.
const reservationColumns = `id, campaign_id, person_key, site_id, vdate, second_date, grp,
	status, created_at, updated_at`

func scanReservation(row pgx.Row) (vaxbook.Reservation, error) {
	var (
		r             vaxbook.Reservation
		first, second pgtype.Date
		created, upd  pgtype.Timestamptz
	)
	err := row.Scan(&r.ID, &r.CampaignID, &r.PersonKey, &r.SiteID, &first, &second,
		&r.Group, &r.Status, &created, &upd)
	r.Date, r.SecondDate = fromDate(first), fromDate(second)
	r.CreatedAt, r.UpdatedAt = fromTime(created), fromTime(upd)
	return r, err
}

// Change cancels the person's active reservation req.OldID and books req.New in one
// transaction. The old reservation is locked first, so that a concurrent cancel or
// change of it waits; its place is given back before the new one is taken, so that a
// move within one full share succeeds. If the new place cannot be had, the rollback
// leaves the old reservation and its share untouched.
func (s *Store) Change(ctx context.Context, req vaxbook.ChangeRequest) (vaxbook.Reservation, error) {
	var r vaxbook.Reservation
	err := s.inTx(ctx, "change reservation", func(tx pgx.Tx) error {
		old, err := lockActive(ctx, tx, req.New.PersonKey, req.OldID)
		if err != nil {
			return err
		}
		if old.CampaignID != req.New.CampaignID {
			return vaxbook.Errorf(vaxbook.CodeNoReservation, "reservation %d is not in this campaign", req.OldID)
		}
		if old.Status != vaxbook.StatusBooked {
			return vaxbook.Errorf(vaxbook.CodeChangeLocked, "your appointment on %s is confirmed and can no longer be changed on the web", old.Date)
		}
		if _, err := release(ctx, tx, old, req.New.At); err != nil {
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
	return r, err
}

// Cancel cancels the person's active reservation and gives its place back to the share
// it was drawn from.
func (s *Store) Cancel(ctx context.Context, personKey string, reservationID int64, at time.Time) (vaxbook.Reservation, error) {
	var r vaxbook.Reservation
	err := s.inTx(ctx, "cancel reservation", func(tx pgx.Tx) error {
		old, err := lockActive(ctx, tx, personKey, reservationID)
		if err != nil {
			return err
		}
		if r, err = release(ctx, tx, old, at); err != nil {
			return err
		}
		return enqueue(ctx, tx, vaxbook.KindCancelled, r, "", at)
	})
	return r, err
}

// lockActive reads and locks the person's active reservation with the id, or fails with
// CodeNoReservation. Asking for the person's key too means nobody can touch another
// person's reservation by guessing its id.
func lockActive(ctx context.Context, tx pgx.Tx, personKey string, id int64) (vaxbook.Reservation, error) {
	r, err := scanReservation(tx.QueryRow(ctx, `
		SELECT `+reservationColumns+` FROM reservations
		WHERE id = $1 AND person_key = $2 AND status IN ('booked', 'confirmed')
		FOR UPDATE`, id, personKey))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, vaxbook.Errorf(vaxbook.CodeNoReservation, "you hold no active reservation %d", id)
	}
	return r, err
}

// release marks the locked reservation r cancelled at `at`, gives its place back and
// withdraws its unsent messages.
func release(ctx context.Context, tx pgx.Tx, r vaxbook.Reservation, at time.Time) (vaxbook.Reservation, error) {
	r, err := scanReservation(tx.QueryRow(ctx, `
		UPDATE reservations SET status = 'cancelled', updated_at = $2 WHERE id = $1
		RETURNING `+reservationColumns, r.ID, at))
	if err != nil {
		return r, err
	}
	// A reservation made from a leftover dose took no place from a share: its dose goes
	// back to the site's leftover doses instead.
	if err := releaseLeftover(ctx, tx, r.ID); err != nil {
		return r, err
	}
	_, err = tx.Exec(ctx, `
		UPDATE shares SET booked = booked - 1
		WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 AND grp = $4
			AND NOT EXISTS (SELECT 1 FROM reservations WHERE id = $5 AND leftover)`,
		r.CampaignID, r.SiteID, pgDate(r.Date), r.Group, r.ID)
	if err != nil {
		return r, err
	}
	return r, withdrawMessages(ctx, tx, r.ID)
}

// ActiveReservation returns the person's active reservation in the campaign, or
// CodeNoReservation.
func (s *Store) ActiveReservation(ctx context.Context, campaignID int64, personKey string) (vaxbook.Reservation, error) {
	r, err := scanReservation(s.pool.QueryRow(ctx, `
		SELECT `+reservationColumns+` FROM reservations
		WHERE campaign_id = $1 AND person_key = $2 AND status IN ('booked', 'confirmed')`,
		campaignID, personKey))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, vaxbook.Errorf(vaxbook.CodeNoReservation, "you hold no active reservation in this campaign")
	}
	return r, dbError(err, "load reservation")
}
