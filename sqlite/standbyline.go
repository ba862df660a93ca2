package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"vaxbook"
)

// The standby lists' reads and writes. The changes are package vaxbook's
// (StandbyJoin, StandbySettle, ...), run in a write transaction through standbyTx. The
// single write connection serialises every change, so no two can hand out one dose.

// rowScanner is what a *sql.Row and *sql.Rows have in common.
type rowScanner interface {
	Scan(dest ...any) error
}

// standbyColumns are an entry's columns, as scanStandby reads them.
const standbyColumns = `s.id, s.campaign_id, s.site_id, s.vdate, s.person_key, s.state, s.joined_at,
	s.updated_at, s.offered_at, s.expires_at, s.reservation_id`

// scanStandby reads standbyColumns followed by extra destinations.
func scanStandby(row rowScanner, extra ...any) (vaxbook.StandbyEntry, error) {
	var e vaxbook.StandbyEntry
	var vdate sql.NullString
	var state string
	var joined, updated, offered, expires, resv sql.NullInt64
	dest := append([]any{&e.ID, &e.CampaignID, &e.SiteID, &vdate, &e.PersonKey, &state, &joined,
		&updated, &offered, &expires, &resv}, extra...)
	if err := row.Scan(dest...); err != nil {
		return e, err
	}
	d, err := parseDate(vdate)
	if err != nil {
		return e, err
	}
	e.Date, e.State, e.ReservationID = d, vaxbook.StandbyState(state), resv.Int64
	e.JoinedAt, e.UpdatedAt = parseTime(joined), parseTime(updated)
	e.OfferedAt, e.ExpiresAt = parseTime(offered), parseTime(expires)
	return e, nil
}

// readStandby reads the entry with the id (its Position left 0), or CodeNotFound.
func readStandby(ctx context.Context, q querier, id int64) (vaxbook.StandbyEntry, error) {
	e, err := scanStandby(q.QueryRowContext(ctx, `SELECT `+standbyColumns+` FROM standby s WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, vaxbook.Errorf(vaxbook.CodeNotFound, "no such standby entry")
	}
	if err != nil {
		return e, fmt.Errorf("read standby entry %d: %w", id, err)
	}
	return e, nil
}

// keyArgs returns the list's key as the first three arguments of a statement.
func keyArgs(k vaxbook.StandbyKey, more ...any) []any {
	return append([]any{k.CampaignID, k.SiteID, k.Date.String()}, more...)
}

// standbyTx is a write transaction as the standby changes of package vaxbook use it.
// The single write connection is every list's lock.
type standbyTx struct{ tx *sql.Tx }

var _ vaxbook.StandbyTx = standbyTx{}

// CheckVaccinates reports whether the site has a share with a capacity on the list's
// day in its campaign.
func (t standbyTx) CheckVaccinates(ctx context.Context, k vaxbook.StandbyKey) error {
	var ok bool
	err := t.tx.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM shares
			WHERE campaign_id = ? AND site_id = ? AND vdate = ? AND capacity > 0)`, keyArgs(k)...).Scan(&ok)
	if err != nil {
		return fmt.Errorf("shares of site %d on %s: %w", k.SiteID, k.Date, err)
	}
	if !ok {
		return vaxbook.Errorf(vaxbook.CodeStandbyClosed, "this site does not vaccinate on %s", k.Date)
	}
	return nil
}

// Standing reports whether the person holds a reservation in the campaign or an open
// entry on day d.
func (t standbyTx) Standing(ctx context.Context, campaignID int64, personKey string, d vaxbook.Date) (booked, onStandby bool, err error) {
	err = t.tx.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM reservations WHERE campaign_id = ?1 AND person_key = ?2
				AND status IN ('booked', 'confirmed', 'vaccinated')),
			EXISTS (SELECT 1 FROM standby WHERE person_key = ?2 AND vdate = ?3 AND state IN ('waiting', 'offered'))`,
		campaignID, personKey, d.String()).Scan(&booked, &onStandby)
	if err != nil {
		return false, false, fmt.Errorf("standing of %s: %w", personKey, err)
	}
	return booked, onStandby, nil
}

// LockList reads the list, first giving it a leftover_doses row (with no dose) if it
// has none, so that a plan's counters have a row to change.
func (t standbyTx) LockList(ctx context.Context, k vaxbook.StandbyKey) (vaxbook.StandbyList, error) {
	if _, err := t.tx.ExecContext(ctx, `
		INSERT INTO leftover_doses (campaign_id, site_id, vdate) VALUES (?, ?, ?)
		ON CONFLICT (campaign_id, site_id, vdate) DO NOTHING`, keyArgs(k)...); err != nil {
		return vaxbook.StandbyList{}, fmt.Errorf("doses row of site %d on %s: %w", k.SiteID, k.Date, err)
	}
	return readList(ctx, t.tx, k)
}

// Entry reads the entry with the id.
func (t standbyTx) Entry(ctx context.Context, id int64) (vaxbook.StandbyEntry, error) {
	return readStandby(ctx, t.tx, id)
}

// InsertEntry inserts a waiting entry.
func (t standbyTx) InsertEntry(ctx context.Context, e vaxbook.StandbyEntry) (int64, error) {
	var id int64
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO standby (campaign_id, site_id, vdate, person_key, state, joined_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		keyArgs(e.Key(), e.PersonKey, string(e.State), e.JoinedAt.UnixMicro(), e.UpdatedAt.UnixMicro())...).Scan(&id)
	if err != nil {
		return 0, translateStandby(fmt.Errorf("join standby: %w", err))
	}
	return id, nil
}

// BookLeftover inserts the leftover reservation and its "booked" message. The partial
// unique index refuses a person who holds a reservation (or was vaccinated) in the
// campaign: one booking per person, leftover or not.
func (t standbyTx) BookLeftover(ctx context.Context, r vaxbook.Reservation) (vaxbook.Reservation, error) {
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO reservations (campaign_id, person_key, site_id, vdate, second_date, grp, status,
			created_at, updated_at, leftover)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		r.CampaignID, r.PersonKey, r.SiteID, r.Date.String(), dateArg(r.SecondDate), r.Group, string(r.Status),
		r.CreatedAt.UnixMicro(), r.UpdatedAt.UnixMicro()).Scan(&r.ID)
	if err != nil {
		return r, translate(fmt.Errorf("insert leftover reservation: %w", err))
	}
	return r, enqueue(ctx, t.tx, vaxbook.KindBooked, r, "", r.CreatedAt)
}

// readList reads the list's doses (zero when none was ever released) and its open
// entries, each with whether its person holds a reservation in the campaign.
func readList(ctx context.Context, q querier, k vaxbook.StandbyKey) (vaxbook.StandbyList, error) {
	var out vaxbook.StandbyList
	var err error
	if out.Doses, err = readDoses(ctx, q, k); err != nil {
		return out, err
	}
	rows, err := q.QueryContext(ctx, `
		SELECT `+standbyColumns+`, EXISTS (SELECT 1 FROM reservations r
			WHERE r.campaign_id = s.campaign_id AND r.person_key = s.person_key
				AND r.status IN ('booked', 'confirmed', 'vaccinated'))
		FROM standby s
		WHERE s.campaign_id = ? AND s.site_id = ? AND s.vdate = ? AND s.state IN ('waiting', 'offered')
		ORDER BY s.joined_at, s.id`, keyArgs(k)...)
	if err != nil {
		return out, fmt.Errorf("standby list of site %d on %s: %w", k.SiteID, k.Date, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c vaxbook.StandbyCandidate
		if c.StandbyEntry, err = scanStandby(rows, &c.Booked); err != nil {
			return out, fmt.Errorf("standby list of site %d on %s: %w", k.SiteID, k.Date, err)
		}
		out.Open = append(out.Open, c)
	}
	return out, rows.Err()
}

// readDoses returns the list's leftover doses, zero when none was ever released.
func readDoses(ctx context.Context, q querier, k vaxbook.StandbyKey) (vaxbook.LeftoverDoses, error) {
	out := vaxbook.LeftoverDoses{CampaignID: k.CampaignID, SiteID: k.SiteID, Date: k.Date}
	err := q.QueryRowContext(ctx, `
		SELECT released, offered, accepted FROM leftover_doses
		WHERE campaign_id = ? AND site_id = ? AND vdate = ?`, keyArgs(k)...).Scan(&out.Released, &out.Offered, &out.Accepted)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return out, fmt.Errorf("leftover doses of site %d on %s: %w", k.SiteID, k.Date, err)
	}
	return out, nil
}

// Apply writes plan p: each move, the messages of the offers it makes and the
// withdrawal of those of the offers it ends, then the change of the list's counters.
func (t standbyTx) Apply(ctx context.Context, p vaxbook.StandbyPlan) error {
	for _, m := range p.Moves {
		e := m.Entry
		var resv any
		if e.ReservationID != 0 {
			resv = e.ReservationID
		}
		if _, err := t.tx.ExecContext(ctx, `
			UPDATE standby SET state = ?, updated_at = ?, offered_at = ?, expires_at = ?, reservation_id = ?
			WHERE id = ?`,
			string(e.State), timeArg(e.UpdatedAt), timeArg(e.OfferedAt), timeArg(e.ExpiresAt), resv, e.ID); err != nil {
			return fmt.Errorf("standby entry %d to %s: %w", e.ID, e.State, err)
		}
	}
	for _, e := range p.NewOffers() {
		if err := enqueueOffer(ctx, t.tx, e); err != nil {
			return err
		}
	}
	if err := withdrawOffers(ctx, t.tx, p.EndedOffers()); err != nil {
		return err
	}
	if p.Doses == (vaxbook.DoseChange{}) {
		return nil
	}
	k := p.List.Doses.Key()
	_, err := t.tx.ExecContext(ctx, `
		UPDATE leftover_doses SET released = released + ?4, offered = offered + ?5, accepted = accepted + ?6
		WHERE campaign_id = ?1 AND site_id = ?2 AND vdate = ?3`, keyArgs(k, p.Doses.Released, p.Doses.Offered, p.Doses.Accepted)...)
	if err != nil {
		return translate(fmt.Errorf("leftover doses of site %d on %s: %w", k.SiteID, k.Date, err))
	}
	return nil
}

// enqueueOffer writes the message telling the person of e that a dose is theirs to
// accept until e.ExpiresAt. It names no reservation: there is none yet.
func enqueueOffer(ctx context.Context, tx *sql.Tx, e vaxbook.StandbyEntry) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO outbox (kind, person_key, reservation_id, payload, idempotency_key, next_attempt_at, created_at)
		VALUES (?1, ?2, 0, ?3, ?4, ?5, ?5)
		ON CONFLICT (idempotency_key) DO NOTHING`,
		string(vaxbook.KindStandbyOffer), e.PersonKey, string(vaxbook.StandbyOfferPayload(e)),
		vaxbook.IdempotencyKey(vaxbook.KindStandbyOffer, e.ID), e.OfferedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("enqueue offer of standby entry %d: %w", e.ID, err)
	}
	return nil
}

// settled returns the list of k settled at t (vaxbook.StandbySettled), read in a read
// transaction, so that the many reads of a quiet list never queue for the single
// writer.
func (s *Store) settled(ctx context.Context, k vaxbook.StandbyKey, t vaxbook.StandbyTime) (vaxbook.StandbyList, error) {
	read := func() (list vaxbook.StandbyList, err error) {
		err = s.inRead(ctx, func(tx *sql.Tx) error {
			list, err = readList(ctx, tx, k)
			return err
		})
		return list, err
	}
	return vaxbook.StandbySettled(ctx, read, s.inStandby, k, t)
}

// inStandby runs fn in a write transaction: the standby changes of package vaxbook
// run in it.
func (s *Store) inStandby(ctx context.Context, fn func(vaxbook.StandbyTx) error) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error { return fn(standbyTx{tx}) })
}

// releaseLeftover gives the dose of a cancelled leftover reservation back to its
// site's leftover doses; it does nothing for a reservation made from a share.
func releaseLeftover(ctx context.Context, tx *sql.Tx, reservationID int64) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE leftover_doses SET accepted = accepted - 1
		WHERE (campaign_id, site_id, vdate) IN (SELECT campaign_id, site_id, vdate FROM reservations
			WHERE id = ? AND leftover = 1)`, reservationID)
	if err != nil {
		return translate(fmt.Errorf("give back leftover dose of reservation %d: %w", reservationID, err))
	}
	return nil
}

// onStandbyIndex is how SQLite names the one-open-entry index in its UNIQUE error.
const onStandbyIndex = "standby.person_key"

// translateStandby maps the one-open-entry index to CodeOnStandby; other errors go
// through translate.
func translateStandby(err error) error {
	if err != nil && strings.Contains(err.Error(), onStandbyIndex) {
		return vaxbook.Errorf(vaxbook.CodeOnStandby, "you are already on a standby list today")
	}
	return translate(err)
}
