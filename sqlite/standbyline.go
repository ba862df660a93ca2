package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"vaxbook"
)

// The standby lists' reads and writes. The decisions are vaxbook.StandbyList's: a
// change reads the list (openList), asks it for a plan and writes the plan (apply) in
// one transaction. The single write connection serialises every change, so no two can
// hand out one dose.

const standbyColumns = `s.id, s.campaign_id, s.site_id, s.vdate, s.person_key, s.state, s.joined_at,
	s.updated_at, s.offered_at, s.expires_at, s.reservation_id`

// standbyPosition is the place in line of a waiting entry s: the waiting entries of its
// list that joined before it, and itself.
const standbyPosition = `CASE WHEN s.state = 'waiting' THEN (SELECT COUNT(*) FROM standby w
	WHERE w.campaign_id = s.campaign_id AND w.site_id = s.site_id AND w.vdate = s.vdate
		AND w.state = 'waiting' AND (w.joined_at, w.id) <= (s.joined_at, s.id)) ELSE 0 END`

// rowScanner is what a *sql.Row and *sql.Rows have in common.
type rowScanner interface {
	Scan(dest ...any) error
}

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

// readStandby reads the entry with the id and its place in line, or CodeNotFound.
func readStandby(ctx context.Context, q querier, id int64) (vaxbook.StandbyEntry, error) {
	var pos int
	e, err := scanStandby(q.QueryRowContext(ctx, `
		SELECT `+standbyColumns+`, `+standbyPosition+` FROM standby s WHERE s.id = ?`, id), &pos)
	if errors.Is(err, sql.ErrNoRows) {
		return e, vaxbook.Errorf(vaxbook.CodeNotFound, "no such standby entry")
	}
	if err != nil {
		return e, fmt.Errorf("read standby entry %d: %w", id, err)
	}
	e.Position = pos
	return e, nil
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
	return append([]any{l.campaignID, l.siteID, l.date.String()}, more...)
}

// vaccinates reports whether the site vaccinates on the list's day in its campaign:
// it has a share with a capacity that day.
func vaccinates(ctx context.Context, q querier, l standbyList) error {
	var ok bool
	err := q.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM shares
			WHERE campaign_id = ? AND site_id = ? AND vdate = ? AND capacity > 0)`, l.args()...).Scan(&ok)
	if err != nil {
		return fmt.Errorf("shares of site %d on %s: %w", l.siteID, l.date, err)
	}
	if !ok {
		return vaxbook.Errorf(vaxbook.CodeStandbyClosed, "this site does not vaccinate on %s", l.date)
	}
	return nil
}

// openList reads the list for a change inside the write transaction tx, first giving
// it a leftover_doses row (with no dose) if it has none, so that the plan's counters
// have a row to change.
func openList(ctx context.Context, tx *sql.Tx, l standbyList) (vaxbook.StandbyList, error) {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO leftover_doses (campaign_id, site_id, vdate) VALUES (?, ?, ?)
		ON CONFLICT (campaign_id, site_id, vdate) DO NOTHING`, l.args()...); err != nil {
		return vaxbook.StandbyList{}, fmt.Errorf("doses row of site %d on %s: %w", l.siteID, l.date, err)
	}
	return readList(ctx, tx, l)
}

// readList reads the list's doses (zero when none was ever released) and its open
// entries, each with whether its person holds a reservation in the campaign.
func readList(ctx context.Context, q querier, l standbyList) (vaxbook.StandbyList, error) {
	var out vaxbook.StandbyList
	var err error
	if out.Doses, err = readDoses(ctx, q, l); err != nil {
		return out, err
	}
	rows, err := q.QueryContext(ctx, `
		SELECT `+standbyColumns+`, EXISTS (SELECT 1 FROM reservations r
			WHERE r.campaign_id = s.campaign_id AND r.person_key = s.person_key
				AND r.status IN ('booked', 'confirmed', 'vaccinated'))
		FROM standby s
		WHERE s.campaign_id = ? AND s.site_id = ? AND s.vdate = ? AND s.state IN ('waiting', 'offered')
		ORDER BY s.joined_at, s.id`, l.args()...)
	if err != nil {
		return out, fmt.Errorf("standby list of site %d on %s: %w", l.siteID, l.date, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c vaxbook.StandbyCandidate
		if c.StandbyEntry, err = scanStandby(rows, &c.Booked); err != nil {
			return out, fmt.Errorf("standby list of site %d on %s: %w", l.siteID, l.date, err)
		}
		out.Open = append(out.Open, c)
	}
	return out, rows.Err()
}

// readDoses returns the list's leftover doses, zero when none was ever released.
func readDoses(ctx context.Context, q querier, l standbyList) (vaxbook.LeftoverDoses, error) {
	out := vaxbook.LeftoverDoses{CampaignID: l.campaignID, SiteID: l.siteID, Date: l.date}
	err := q.QueryRowContext(ctx, `
		SELECT released, offered, accepted FROM leftover_doses
		WHERE campaign_id = ? AND site_id = ? AND vdate = ?`, l.args()...).Scan(&out.Released, &out.Offered, &out.Accepted)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return out, fmt.Errorf("leftover doses of site %d on %s: %w", l.siteID, l.date, err)
	}
	return out, nil
}

// apply writes plan p in tx: each move with the offer message it makes or withdraws,
// then the change of the list's counters.
func apply(ctx context.Context, tx *sql.Tx, p vaxbook.StandbyPlan) error {
	for _, m := range p.Moves {
		e := m.Entry
		var resv any
		if e.ReservationID != 0 {
			resv = e.ReservationID
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE standby SET state = ?, updated_at = ?, offered_at = ?, expires_at = ?, reservation_id = ?
			WHERE id = ?`,
			string(e.State), timeArg(e.UpdatedAt), timeArg(e.OfferedAt), timeArg(e.ExpiresAt), resv, e.ID); err != nil {
			return fmt.Errorf("standby entry %d to %s: %w", e.ID, e.State, err)
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
	d, l := p.Doses, p.List.Doses
	if d == (vaxbook.DoseChange{}) {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE leftover_doses SET released = released + ?4, offered = offered + ?5, accepted = accepted + ?6
		WHERE campaign_id = ?1 AND site_id = ?2 AND vdate = ?3`,
		l.CampaignID, l.SiteID, l.Date.String(), d.Released, d.Offered, d.Accepted)
	if err != nil {
		return translate(fmt.Errorf("leftover doses of site %d on %s: %w", l.SiteID, l.Date, err))
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

// settle settles the list in tx and returns whether that changed an entry.
func settle(ctx context.Context, tx *sql.Tx, l standbyList, t vaxbook.StandbyTime) (bool, error) {
	list, err := openList(ctx, tx, l)
	if err != nil {
		return false, err
	}
	p := list.Settle(t)
	return p.Changed(), apply(ctx, tx, p)
}

// settleIfDue settles the list in a write transaction when a read shows that settling
// would change it, so that the many reads of a quiet list never queue for the single
// writer.
func (s *Store) settleIfDue(ctx context.Context, l standbyList, t vaxbook.StandbyTime) error {
	var due bool
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		list, err := readList(ctx, tx, l)
		due = list.Settle(t).Changed()
		return err
	})
	if err != nil || !due {
		return err
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := settle(ctx, tx, l, t)
		return err
	})
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
