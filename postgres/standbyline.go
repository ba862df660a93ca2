package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// The standby lists' shared steps. Every transaction that changes a list first locks
// its leftover_doses row (lockList), and only then reads or writes its entries: the row
// lock serialises everything done to one list, across instances, so that no two
// transactions hand out one dose or offer one entry twice, while lists of different
// sites never wait on each other. A booking elsewhere takes no list lock; the
// one-reservation index decides between it and an acceptance.

const standbyColumns = `s.id, s.campaign_id, s.site_id, s.vdate, s.person_key, s.state, s.joined_at,
	s.updated_at, s.offered_at, s.expires_at, s.reservation_id`

// standbyPosition is the place in line of a waiting entry s: the waiting entries of its
// list that joined before it, and itself.
const standbyPosition = `CASE WHEN s.state = 'waiting' THEN (SELECT count(*)::int FROM standby w
	WHERE w.campaign_id = s.campaign_id AND w.site_id = s.site_id AND w.vdate = s.vdate
		AND w.state = 'waiting' AND (w.joined_at, w.id) <= (s.joined_at, s.id)) ELSE 0 END`

// onStandbyIndex is the partial unique index of one open entry per person and day.
const onStandbyIndex = "standby_one_open"

// scanStandby reads standbyColumns followed by extra destinations.
func scanStandby(row pgx.Row, extra ...any) (vaxbook.StandbyEntry, error) {
	var e vaxbook.StandbyEntry
	var vdate pgtype.Date
	var joined, updated, offered, expires pgtype.Timestamptz
	var resv pgtype.Int8
	dest := append([]any{&e.ID, &e.CampaignID, &e.SiteID, &vdate, &e.PersonKey, &e.State, &joined,
		&updated, &offered, &expires, &resv}, extra...)
	err := row.Scan(dest...)
	e.Date, e.ReservationID = fromDate(vdate), resv.Int64
	e.JoinedAt, e.UpdatedAt = fromTime(joined), fromTime(updated)
	e.OfferedAt, e.ExpiresAt = fromTime(offered), fromTime(expires)
	return e, err
}

// querier is what the pool and a transaction have in common for reading one row.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// readStandby reads the entry with the id and its place in line, or CodeNotFound.
func readStandby(ctx context.Context, q querier, id int64) (vaxbook.StandbyEntry, error) {
	var pos int
	e, err := scanStandby(q.QueryRow(ctx, `
		SELECT `+standbyColumns+`, `+standbyPosition+` FROM standby s WHERE s.id = $1`, id), &pos)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, vaxbook.Errorf(vaxbook.CodeNotFound, "no such standby entry")
	}
	e.Position = pos
	return e, err
}

// standbyList names one list: a campaign's site on a day.
type standbyList struct {
	campaignID, siteID int64
	date               vaxbook.Date
}

func listOf(e vaxbook.StandbyEntry) standbyList {
	return standbyList{e.CampaignID, e.SiteID, e.Date}
}

// args returns the list's key as the first three arguments of a statement.
func (l standbyList) args(more ...any) []any {
	return append([]any{l.campaignID, l.siteID, pgDate(l.date)}, more...)
}

// lockList locks the list's leftover_doses row, creating it with no dose if needed,
// and returns the doses. The no-op update is what takes the row lock on a conflict.
func lockList(ctx context.Context, tx pgx.Tx, l standbyList) (vaxbook.LeftoverDoses, error) {
	d := vaxbook.LeftoverDoses{CampaignID: l.campaignID, SiteID: l.siteID, Date: l.date}
	err := tx.QueryRow(ctx, `
		INSERT INTO leftover_doses (campaign_id, site_id, vdate) VALUES ($1, $2, $3)
		ON CONFLICT (campaign_id, site_id, vdate) DO UPDATE SET released = leftover_doses.released
		RETURNING released, offered, accepted`, l.args()...).Scan(&d.Released, &d.Offered, &d.Accepted)
	return d, err
}

// vaccinates returns CodeStandbyClosed unless the site has a share with a capacity on
// the list's day in its campaign.
func vaccinates(ctx context.Context, q querier, l standbyList) error {
	var ok bool
	err := q.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM shares
			WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 AND capacity > 0)`, l.args()...).Scan(&ok)
	if err != nil {
		return err
	}
	if !ok {
		return vaxbook.Errorf(vaxbook.CodeStandbyClosed, "this site does not vaccinate on %s", l.date)
	}
	return nil
}

// needsSettle reports whether settling the list at t would change it: an offer ran
// out, or a dose is free while someone waits (on the list's own day).
func needsSettle(ctx context.Context, q querier, l standbyList, t vaxbook.StandbyTime) (bool, error) {
	var due bool
	err := q.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM standby
				WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 AND state = 'offered' AND expires_at <= $4)
			OR ($5 AND EXISTS (SELECT 1 FROM leftover_doses
					WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 AND released > offered + accepted)
				AND EXISTS (SELECT 1 FROM standby
					WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 AND state = 'waiting'))`,
		l.args(t.Now, vaxbook.DateOf(t.Now) == l.date)...).Scan(&due)
	return due, err
}

// settle locks the list, expires its offers that ran out at t.Now (withdrawing their
// unsent messages) and, on the list's own day, offers each free dose to the next person
// waiting, by the time they joined.
// A person who has since booked (or was vaccinated) in the campaign is taken off the
// line instead: one reservation per person. Each offer writes its outbox message in
// tx. It returns how many entries changed.
func settle(ctx context.Context, tx pgx.Tx, l standbyList, t vaxbook.StandbyTime) (int, error) {
	if _, err := lockList(ctx, tx, l); err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, `
		UPDATE standby SET state = 'expired', updated_at = $4
		WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 AND state = 'offered' AND expires_at <= $4
		RETURNING id`,
		l.args(t.Now)...)
	if err != nil {
		return 0, err
	}
	expired, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, err
	}
	if err := withdrawOffers(ctx, tx, expired); err != nil {
		return 0, err
	}
	changed := len(expired)
	var free int
	err = tx.QueryRow(ctx, `
		UPDATE leftover_doses SET offered = offered - $4
		WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3
		RETURNING released - offered - accepted`, l.args(changed)...).Scan(&free)
	if err != nil {
		return 0, err
	}
	if vaxbook.DateOf(t.Now) != l.date {
		return changed, nil
	}
	for free > 0 {
		var booked bool
		e, err := scanStandby(tx.QueryRow(ctx, `
			SELECT `+standbyColumns+`, EXISTS (SELECT 1 FROM reservations r
				WHERE r.campaign_id = s.campaign_id AND r.person_key = s.person_key
					AND r.status IN ('booked', 'confirmed', 'vaccinated'))
			FROM standby s
			WHERE s.campaign_id = $1 AND s.site_id = $2 AND s.vdate = $3 AND s.state = 'waiting'
			ORDER BY s.joined_at, s.id LIMIT 1`, l.args()...), &booked)
		if errors.Is(err, pgx.ErrNoRows) {
			break
		}
		if err != nil {
			return 0, err
		}
		changed++
		if booked {
			if _, err := tx.Exec(ctx, `UPDATE standby SET state = 'withdrawn', updated_at = $2 WHERE id = $1`, e.ID, t.Now); err != nil {
				return 0, err
			}
			continue
		}
		e.State, e.OfferedAt, e.ExpiresAt = vaxbook.StandbyOffered, t.Now, t.OfferExpiry()
		if _, err := tx.Exec(ctx, `
			UPDATE standby SET state = 'offered', offered_at = $2, expires_at = $3, updated_at = $2 WHERE id = $1`,
			e.ID, t.Now, e.ExpiresAt); err != nil {
			return 0, err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE leftover_doses SET offered = offered + 1
			WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3`, l.args()...); err != nil {
			return 0, err
		}
		if err := enqueueOffer(ctx, tx, e, t); err != nil {
			return 0, err
		}
		free--
	}
	return changed, nil
}

// enqueueOffer writes the message telling the person of e that a dose is theirs to
// accept until e.ExpiresAt. It names no reservation: there is none yet.
func enqueueOffer(ctx context.Context, tx pgx.Tx, e vaxbook.StandbyEntry, t vaxbook.StandbyTime) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO outbox (kind, person_key, reservation_id, payload, idempotency_key, next_attempt_at, created_at)
		VALUES ($1, $2, 0, $3, $4, $5, $5)
		ON CONFLICT (idempotency_key) DO NOTHING`,
		string(vaxbook.KindStandbyOffer), e.PersonKey, string(vaxbook.StandbyOfferPayload(e)),
		vaxbook.IdempotencyKey(vaxbook.KindStandbyOffer, e.ID), t.Now)
	return err
}

// settleIfDue settles the list in a transaction when a read shows it is due, so that
// the many reads of a quiet list take no lock.
func (s *Store) settleIfDue(ctx context.Context, l standbyList, t vaxbook.StandbyTime) error {
	due, err := needsSettle(ctx, s.pool, l, t)
	if err != nil || !due {
		return dbError(err, "standby list")
	}
	return s.inTx(ctx, "settle standby list", func(tx pgx.Tx) error {
		_, err := settle(ctx, tx, l, t)
		return err
	})
}

// releaseLeftover gives the dose of a cancelled leftover reservation back to its
// site's leftover doses; it does nothing for a reservation made from a share.
func releaseLeftover(ctx context.Context, tx pgx.Tx, reservationID int64) error {
	_, err := tx.Exec(ctx, `
		UPDATE leftover_doses l SET accepted = l.accepted - 1
		FROM reservations r
		WHERE r.id = $1 AND r.leftover
			AND l.campaign_id = r.campaign_id AND l.site_id = r.site_id AND l.vdate = r.vdate`, reservationID)
	return err
}

// standbyError maps the one-open-entry index to CodeOnStandby; other errors are
// returned as they are, for inTx to translate.
func standbyError(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == sqlUnique && pe.ConstraintName == onStandbyIndex {
		return vaxbook.Errorf(vaxbook.CodeOnStandby, "you are already on a standby list today")
	}
	return err
}
