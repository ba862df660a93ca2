package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vaxbook"
)

const reservationColumns = `id, campaign_id, person_key, site_id, vdate, second_date, grp, status, created_at, updated_at`

// Cancel cancels the person's active reservation with the id and gives its place back
// to the share it came from. CodeNoReservation if the person holds no such active one.
func (s *Store) Cancel(ctx context.Context, personKey string, reservationID int64, at time.Time) (vaxbook.Reservation, error) {
	var r vaxbook.Reservation
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		var err error
		if r, err = readReservation(ctx, tx, reservationID, personKey); err != nil {
			return err
		}
		if !r.Status.Active() {
			return vaxbook.Errorf(vaxbook.CodeNoReservation, "reservation %d is %s", reservationID, r.Status)
		}
		if err := release(ctx, tx, r, at); err != nil {
			return err
		}
		r.Status, r.UpdatedAt = vaxbook.StatusCancelled, at.In(vaxbook.Seoul)
		return enqueue(ctx, tx, vaxbook.KindCancelled, r, "", at)
	})
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	return r, nil
}

// ActiveReservation returns the person's active reservation in the campaign, or
// CodeNoReservation.
func (s *Store) ActiveReservation(ctx context.Context, campaignID int64, personKey string) (vaxbook.Reservation, error) {
	// The status condition is spelled as in the partial unique index so that the
	// planner looks the row up there.
	r, err := scanReservation(s.read.QueryRowContext(ctx, `
		SELECT `+reservationColumns+` FROM reservations
		WHERE campaign_id = ? AND person_key = ? AND status IN `+activeStatuses, campaignID, personKey))
	if errors.Is(err, sql.ErrNoRows) {
		return vaxbook.Reservation{}, vaxbook.Errorf(vaxbook.CodeNoReservation, "you hold no active reservation in this campaign")
	}
	if err != nil {
		return vaxbook.Reservation{}, fmt.Errorf("active reservation in campaign %d: %w", campaignID, err)
	}
	return r, nil
}

// readReservation reads the person's reservation with the id, in any status, or returns
// CodeNoReservation: another person's reservation is reported as missing.
func readReservation(ctx context.Context, tx *sql.Tx, id int64, personKey string) (vaxbook.Reservation, error) {
	r, err := scanReservation(tx.QueryRowContext(ctx, `
		SELECT `+reservationColumns+` FROM reservations WHERE id = ? AND person_key = ?`, id, personKey))
	if errors.Is(err, sql.ErrNoRows) {
		return vaxbook.Reservation{}, vaxbook.Errorf(vaxbook.CodeNoReservation, "you hold no reservation %d", id)
	}
	if err != nil {
		return vaxbook.Reservation{}, fmt.Errorf("read reservation %d: %w", id, err)
	}
	return r, nil
}

// release cancels the active reservation r at the instant at, gives its place back and
// withdraws its unsent messages.
func release(ctx context.Context, tx *sql.Tx, r vaxbook.Reservation, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `
		UPDATE reservations SET status = 'cancelled', updated_at = ? WHERE id = ?`, at.UnixMicro(), r.ID); err != nil {
		return fmt.Errorf("cancel reservation %d: %w", r.ID, err)
	}
	// A reservation made from a leftover dose took no place from a share: its dose goes
	// back to the site's leftover doses instead.
	if err := releaseLeftover(ctx, tx, r.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE shares SET booked = booked - 1
		WHERE campaign_id = ? AND site_id = ? AND vdate = ? AND grp = ?
			AND NOT EXISTS (SELECT 1 FROM reservations WHERE id = ? AND leftover = 1)`,
		r.CampaignID, r.SiteID, r.Date.String(), r.Group, r.ID); err != nil {
		return translate(fmt.Errorf("give back place of reservation %d: %w", r.ID, err))
	}
	return withdrawMessages(ctx, tx, r.ID)
}

func scanReservation(row *sql.Row) (vaxbook.Reservation, error) {
	var r vaxbook.Reservation
	var vdate, second sql.NullString
	var status string
	var created, updated sql.NullInt64
	err := row.Scan(&r.ID, &r.CampaignID, &r.PersonKey, &r.SiteID, &vdate, &second, &r.Group, &status, &created, &updated)
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	if r.Date, err = parseDate(vdate); err != nil {
		return vaxbook.Reservation{}, err
	}
	if r.SecondDate, err = parseDate(second); err != nil {
		return vaxbook.Reservation{}, err
	}
	r.Status = vaxbook.Status(status)
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	return r, nil
}
