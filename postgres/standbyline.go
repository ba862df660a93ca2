package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// The standby lists' reads and writes. The changes are package vaxbook's
// (StandbyJoin, StandbySettle, ...), run in a transaction through standbyTx. The lock
// is the list's leftover_doses row (LockList), taken before any entry is read or
// written: it serialises everything done to one list, across
// instances, so that no two transactions hand out one dose or offer one entry twice,
// while lists of different sites never wait on each other. A booking elsewhere takes no
// list lock; the one-reservation index decides between it and an acceptance.

// onStandbyIndex is the partial unique index of one open entry per person and day.
const onStandbyIndex = "standby_one_open"

// standbyColumns are an entry's columns, as scanStandby reads them.
const standbyColumns = `s.id, s.campaign_id, s.site_id, s.vdate, s.person_key, s.state, s.joined_at,
	s.updated_at, s.offered_at, s.expires_at, s.reservation_id`

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

// readStandby reads the entry with the id (its Position left 0), or CodeNotFound.
func readStandby(ctx context.Context, q querier, id int64) (vaxbook.StandbyEntry, error) {
	e, err := scanStandby(q.QueryRow(ctx, `SELECT `+standbyColumns+` FROM standby s WHERE s.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return e, vaxbook.Errorf(vaxbook.CodeNotFound, "no such standby entry")
	}
	return e, err
}

// keyArgs returns the list's key as the first three arguments of a statement.
func keyArgs(k vaxbook.StandbyKey, more ...any) []any {
	return append([]any{k.CampaignID, k.SiteID, pgDate(k.Date)}, more...)
}

// standbyTx is a transaction as the standby changes of package vaxbook use it.
type standbyTx struct{ tx pgx.Tx }

var _ vaxbook.StandbyTx = standbyTx{}

// CheckVaccinates returns CodeStandbyClosed unless the site has a share with a
// capacity on the list's day in its campaign.
func (t standbyTx) CheckVaccinates(ctx context.Context, k vaxbook.StandbyKey) error {
	var ok bool
	if err := t.tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM shares
			WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3 AND capacity > 0)`, keyArgs(k)...).Scan(&ok); err != nil || ok {
		return err
	}
	return vaxbook.Errorf(vaxbook.CodeStandbyClosed, "this site does not vaccinate on %s", k.Date)
}

// Standing reports whether the person holds a reservation in the campaign or an open
// entry on day d.
func (t standbyTx) Standing(ctx context.Context, campaignID int64, personKey string, d vaxbook.Date) (booked, onStandby bool, err error) {
	err = t.tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM reservations WHERE campaign_id = $1 AND person_key = $2
				AND status IN ('booked', 'confirmed', 'vaccinated')),
			EXISTS (SELECT 1 FROM standby WHERE person_key = $2 AND vdate = $3 AND state IN ('waiting', 'offered'))`,
		campaignID, personKey, pgDate(d)).Scan(&booked, &onStandby)
	return booked, onStandby, err
}

// LockList locks the list's leftover_doses row, creating it with no dose if needed,
// and reads the list. The no-op update is what takes the row lock on a conflict.
func (t standbyTx) LockList(ctx context.Context, k vaxbook.StandbyKey) (vaxbook.StandbyList, error) {
	d := vaxbook.LeftoverDoses{CampaignID: k.CampaignID, SiteID: k.SiteID, Date: k.Date}
	if err := t.tx.QueryRow(ctx, `
		INSERT INTO leftover_doses (campaign_id, site_id, vdate) VALUES ($1, $2, $3)
		ON CONFLICT (campaign_id, site_id, vdate) DO UPDATE SET released = leftover_doses.released
		RETURNING released, offered, accepted`, keyArgs(k)...).Scan(&d.Released, &d.Offered, &d.Accepted); err != nil {
		return vaxbook.StandbyList{}, err
	}
	return readEntries(ctx, t.tx, d)
}

// Entry reads the entry with the id.
func (t standbyTx) Entry(ctx context.Context, id int64) (vaxbook.StandbyEntry, error) {
	return readStandby(ctx, t.tx, id)
}

// InsertEntry inserts a waiting entry; the one-open-entry index is CodeOnStandby.
func (t standbyTx) InsertEntry(ctx context.Context, e vaxbook.StandbyEntry) (id int64, err error) {
	err = t.tx.QueryRow(ctx, `
		INSERT INTO standby (campaign_id, site_id, vdate, person_key, state, joined_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		keyArgs(e.Key(), e.PersonKey, string(e.State), e.JoinedAt, e.UpdatedAt)...).Scan(&id)
	return id, standbyError(err)
}

// BookLeftover inserts the leftover reservation and its "booked" message. The partial
// unique index refuses a person who holds a reservation (or was vaccinated) in the
// campaign: one booking per person, leftover or not.
func (t standbyTx) BookLeftover(ctx context.Context, r vaxbook.Reservation) (vaxbook.Reservation, error) {
	out, err := scanReservation(t.tx.QueryRow(ctx, `
		INSERT INTO reservations (campaign_id, person_key, site_id, vdate, second_date,
			grp, status, created_at, updated_at, leftover)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, TRUE)
		RETURNING `+reservationColumns,
		r.CampaignID, r.PersonKey, r.SiteID, pgDate(r.Date), pgDate(r.SecondDate),
		r.Group, r.Status, r.CreatedAt))
	if err != nil {
		return out, err
	}
	return out, enqueue(ctx, t.tx, vaxbook.KindBooked, out, "", r.CreatedAt)
}

// readEntries returns the list of doses d with its open entries, each with whether its
// person holds a reservation in the campaign.
func readEntries(ctx context.Context, q querier, d vaxbook.LeftoverDoses) (vaxbook.StandbyList, error) {
	rows, err := q.Query(ctx, `
		SELECT `+standbyColumns+`, EXISTS (SELECT 1 FROM reservations r
			WHERE r.campaign_id = s.campaign_id AND r.person_key = s.person_key
				AND r.status IN ('booked', 'confirmed', 'vaccinated'))
		FROM standby s
		WHERE s.campaign_id = $1 AND s.site_id = $2 AND s.vdate = $3 AND s.state IN ('waiting', 'offered')
		ORDER BY s.joined_at, s.id`, keyArgs(d.Key())...)
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
func readDoses(ctx context.Context, q querier, k vaxbook.StandbyKey) (vaxbook.LeftoverDoses, error) {
	d := vaxbook.LeftoverDoses{CampaignID: k.CampaignID, SiteID: k.SiteID, Date: k.Date}
	err := q.QueryRow(ctx, `
		SELECT released, offered, accepted FROM leftover_doses
		WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3`, keyArgs(k)...).
		Scan(&d.Released, &d.Offered, &d.Accepted)
	if errors.Is(err, pgx.ErrNoRows) {
		err = nil
	}
	return d, err
}

// Apply writes plan p in one batch: each move, the messages of the offers it makes,
// and the change of the list's counters; then it withdraws the messages of the offers
// it ends. One round trip keeps the list's lock short.
func (t standbyTx) Apply(ctx context.Context, p vaxbook.StandbyPlan) error {
	b := &pgx.Batch{}
	for _, m := range p.Moves {
		e := m.Entry
		b.Queue(`
			UPDATE standby SET state = $2, updated_at = $3, offered_at = $4, expires_at = $5, reservation_id = $6
			WHERE id = $1`,
			e.ID, string(e.State), e.UpdatedAt, pgTime(e.OfferedAt), pgTime(e.ExpiresAt),
			pgtype.Int8{Int64: e.ReservationID, Valid: e.ReservationID != 0})
	}
	// An offer's message names no reservation: there is none yet.
	for _, e := range p.NewOffers() {
		b.Queue(`
			INSERT INTO outbox (kind, person_key, reservation_id, payload, idempotency_key, next_attempt_at, created_at)
			VALUES ($1, $2, 0, $3, $4, $5, $5)
			ON CONFLICT (idempotency_key) DO NOTHING`,
			string(vaxbook.KindStandbyOffer), e.PersonKey, string(vaxbook.StandbyOfferPayload(e)),
			vaxbook.IdempotencyKey(vaxbook.KindStandbyOffer, e.ID), e.OfferedAt)
	}
	if d := p.Doses; d != (vaxbook.DoseChange{}) {
		b.Queue(`
			UPDATE leftover_doses SET released = released + $4, offered = offered + $5, accepted = accepted + $6
			WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3`,
			keyArgs(p.List.Doses.Key(), d.Released, d.Offered, d.Accepted)...)
	}
	if b.Len() > 0 {
		if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
	}
	return withdrawOffers(ctx, t.tx, p.EndedOffers())
}

// settled returns the list of k settled at t (vaxbook.StandbySettled), read from one
// snapshot, so that the many reads of a quiet list take no lock.
func (s *Store) settled(ctx context.Context, k vaxbook.StandbyKey, t vaxbook.StandbyTime) (vaxbook.StandbyList, error) {
	read := func() (vaxbook.StandbyList, error) { return s.snapshotList(ctx, k) }
	list, err := vaxbook.StandbySettled(ctx, read, s.inStandby("settle standby list"), k, t)
	return list, dbError(err, "standby list")
}

// snapshotList reads the list from one snapshot, taking no lock.
func (s *Store) snapshotList(ctx context.Context, k vaxbook.StandbyKey) (vaxbook.StandbyList, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return vaxbook.StandbyList{}, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	d, err := readDoses(ctx, tx, k)
	if err != nil {
		return vaxbook.StandbyList{}, err
	}
	return readEntries(ctx, tx, d)
}

// inStandby returns the runner of the standby changes of package vaxbook: a
// transaction of inTx (retried as it retries), doing says what for.
func (s *Store) inStandby(doing string) vaxbook.StandbyRun {
	return func(ctx context.Context, fn func(vaxbook.StandbyTx) error) error {
		return s.inTx(ctx, doing, func(tx pgx.Tx) error { return fn(standbyTx{tx}) })
	}
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
