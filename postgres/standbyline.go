package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// The standby lists' reads and writes. The decisions are vaxbook.StandbyList's: a
// change locks and reads the list (openList), asks it for a plan and writes the plan
// (apply) in one transaction. The lock is the list's leftover_doses row, taken before
// any entry is read or written: it serialises everything done to one list, across
// instances, so that no two transactions hand out one dose or offer one entry twice,
// while lists of different sites never wait on each other. A booking elsewhere takes no
// list lock; the one-reservation index decides between it and an acceptance.

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

// querier is what the pool and a transaction have in common for reading.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
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

func listOfDoses(d vaxbook.LeftoverDoses) standbyList {
	return standbyList{d.CampaignID, d.SiteID, d.Date}
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

// openList locks the list and reads it for a change.
func openList(ctx context.Context, tx pgx.Tx, l standbyList) (vaxbook.StandbyList, error) {
	d, err := lockList(ctx, tx, l)
	if err != nil {
		return vaxbook.StandbyList{}, err
	}
	return readEntries(ctx, tx, l, d)
}

// readEntries returns the list of doses d with its open entries, each with whether its
// person holds a reservation in the campaign.
func readEntries(ctx context.Context, q querier, l standbyList, d vaxbook.LeftoverDoses) (vaxbook.StandbyList, error) {
	rows, err := q.Query(ctx, `
		SELECT `+standbyColumns+`, EXISTS (SELECT 1 FROM reservations r
			WHERE r.campaign_id = s.campaign_id AND r.person_key = s.person_key
				AND r.status IN ('booked', 'confirmed', 'vaccinated'))
		FROM standby s
		WHERE s.campaign_id = $1 AND s.site_id = $2 AND s.vdate = $3 AND s.state IN ('waiting', 'offered')
		ORDER BY s.joined_at, s.id`, l.args()...)
	if err != nil {
		return vaxbook.StandbyList{}, err
	}
	open, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (vaxbook.StandbyCandidate, error) {
		var c vaxbook.StandbyCandidate
		var err error
		c.StandbyEntry, err = scanStandby(row, &c.Booked)
		return c, err
	})
	return vaxbook.StandbyList{Doses: d, Open: open}, err
}

// readDoses returns the list's leftover doses, zero when none was ever released.
func readDoses(ctx context.Context, q querier, l standbyList) (vaxbook.LeftoverDoses, error) {
	d := vaxbook.LeftoverDoses{CampaignID: l.campaignID, SiteID: l.siteID, Date: l.date}
	err := q.QueryRow(ctx, `
		SELECT released, offered, accepted FROM leftover_doses
		WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3`, l.args()...).
		Scan(&d.Released, &d.Offered, &d.Accepted)
	if errors.Is(err, pgx.ErrNoRows) {
		err = nil
	}
	return d, err
}

// apply writes plan p in tx, which holds the list's lock: each move with the offer
// message it makes or withdraws, then the change of the list's counters.
func apply(ctx context.Context, tx pgx.Tx, p vaxbook.StandbyPlan) error {
	for _, m := range p.Moves {
		e := m.Entry
		if _, err := tx.Exec(ctx, `
			UPDATE standby SET state = $2, updated_at = $3, offered_at = $4, expires_at = $5, reservation_id = $6
			WHERE id = $1`,
			e.ID, string(e.State), e.UpdatedAt, pgTime(e.OfferedAt), pgTime(e.ExpiresAt),
			pgtype.Int8{Int64: e.ReservationID, Valid: e.ReservationID != 0}); err != nil {
			return err
		}
		var err error
		switch {
		case m.Offers():
			err = enqueueOffer(ctx, tx, e)
		case m.EndsOffer():
			err = withdrawOffers(ctx, tx, []int64{e.ID})
		}
		if err != nil {
			return err
		}
	}
	if p.Doses == (vaxbook.DoseChange{}) {
		return nil
	}
	_, err := tx.Exec(ctx, `
		UPDATE leftover_doses SET released = released + $4, offered = offered + $5, accepted = accepted + $6
		WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3`,
		listOfDoses(p.List.Doses).args(p.Doses.Released, p.Doses.Offered, p.Doses.Accepted)...)
	return err
}

// enqueueOffer writes the message telling the person of e that a dose is theirs to
// accept until e.ExpiresAt. It names no reservation: there is none yet.
func enqueueOffer(ctx context.Context, tx pgx.Tx, e vaxbook.StandbyEntry) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO outbox (kind, person_key, reservation_id, payload, idempotency_key, next_attempt_at, created_at)
		VALUES ($1, $2, 0, $3, $4, $5, $5)
		ON CONFLICT (idempotency_key) DO NOTHING`,
		string(vaxbook.KindStandbyOffer), e.PersonKey, string(vaxbook.StandbyOfferPayload(e)),
		vaxbook.IdempotencyKey(vaxbook.KindStandbyOffer, e.ID), e.OfferedAt)
	return err
}

// settle locks and settles the list in tx and returns whether that changed an entry.
func settle(ctx context.Context, tx pgx.Tx, l standbyList, t vaxbook.StandbyTime) (bool, error) {
	list, err := openList(ctx, tx, l)
	if err != nil {
		return false, err
	}
	p := list.Settle(t)
	return p.Changed(), apply(ctx, tx, p)
}

// settleIfDue settles the list in a transaction when a snapshot read shows that
// settling would change it, so that the many reads of a quiet list take no lock.
func (s *Store) settleIfDue(ctx context.Context, l standbyList, t vaxbook.StandbyTime) error {
	due, err := s.settleDue(ctx, l, t)
	if err != nil || !due {
		return dbError(err, "standby list")
	}
	return s.inTx(ctx, "settle standby list", func(tx pgx.Tx) error {
		_, err := settle(ctx, tx, l, t)
		return err
	})
}

// settleDue reports whether settling the list at t would change it, from one snapshot.
func (s *Store) settleDue(ctx context.Context, l standbyList, t vaxbook.StandbyTime) (bool, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return false, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	d, err := readDoses(ctx, tx, l)
	if err != nil {
		return false, err
	}
	list, err := readEntries(ctx, tx, l, d)
	return err == nil && list.Settle(t).Changed(), err
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
