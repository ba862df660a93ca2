package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"vaxbook"
)

// The standby lists' shared steps: reading entries, and settling a list (expiring the
// offers that ran out, then offering each free dose to the next person waiting). The
// single write connection serialises every settle, so no two can hand out one dose.

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

// needsSettle reports whether settling the list at t would change it: an offer ran
// out, or a dose is free while someone waits (on the list's own day).
func needsSettle(ctx context.Context, q querier, l standbyList, t vaxbook.StandbyTime) (bool, error) {
	var due bool
	err := q.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM standby
				WHERE campaign_id = ?1 AND site_id = ?2 AND vdate = ?3 AND state = 'offered' AND expires_at <= ?4)
			OR (?5 AND EXISTS (SELECT 1 FROM leftover_doses
					WHERE campaign_id = ?1 AND site_id = ?2 AND vdate = ?3 AND released > offered + accepted)
				AND EXISTS (SELECT 1 FROM standby
					WHERE campaign_id = ?1 AND site_id = ?2 AND vdate = ?3 AND state = 'waiting'))`,
		l.args(t.Now.UnixMicro(), vaxbook.DateOf(t.Now) == l.date)...).Scan(&due)
	if err != nil {
		return false, fmt.Errorf("standby list of site %d on %s: %w", l.siteID, l.date, err)
	}
	return due, nil
}

// settle expires the list's offers that ran out at t.Now (withdrawing their unsent
// messages) and, on the list's own day, offers each free dose to the next person
// waiting, by the time they joined. A person
// who has since booked (or was vaccinated) in the campaign is taken off the line
// instead: one reservation per person. Each offer writes its outbox message in tx. It
// returns how many entries changed.
func settle(ctx context.Context, tx *sql.Tx, l standbyList, t vaxbook.StandbyTime) (int, error) {
	now := t.Now.UnixMicro()
	expired, err := expireOffers(ctx, tx, l, now)
	if err != nil {
		return 0, err
	}
	if len(expired) > 0 {
		if _, err := tx.ExecContext(ctx, `
			UPDATE leftover_doses SET offered = offered - ?4
			WHERE campaign_id = ?1 AND site_id = ?2 AND vdate = ?3`, l.args(len(expired))...); err != nil {
			return 0, fmt.Errorf("return expired doses of site %d on %s: %w", l.siteID, l.date, err)
		}
		if err := withdrawOffers(ctx, tx, expired); err != nil {
			return 0, err
		}
	}
	changed := len(expired)
	if vaxbook.DateOf(t.Now) != l.date {
		return changed, nil
	}
	var free int
	err = tx.QueryRowContext(ctx, `
		SELECT released - offered - accepted FROM leftover_doses
		WHERE campaign_id = ? AND site_id = ? AND vdate = ?`, l.args()...).Scan(&free)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("leftover doses of site %d on %s: %w", l.siteID, l.date, err)
	}
	for free > 0 {
		var booked bool
		e, err := scanStandby(tx.QueryRowContext(ctx, `
			SELECT `+standbyColumns+`, EXISTS (SELECT 1 FROM reservations r
				WHERE r.campaign_id = s.campaign_id AND r.person_key = s.person_key
					AND r.status IN ('booked', 'confirmed', 'vaccinated'))
			FROM standby s
			WHERE s.campaign_id = ? AND s.site_id = ? AND s.vdate = ? AND s.state = 'waiting'
			ORDER BY s.joined_at, s.id LIMIT 1`, l.args()...), &booked)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("next in line at site %d on %s: %w", l.siteID, l.date, err)
		}
		changed++
		if booked {
			if _, err := tx.ExecContext(ctx, `
				UPDATE standby SET state = 'withdrawn', updated_at = ? WHERE id = ?`, now, e.ID); err != nil {
				return 0, fmt.Errorf("withdraw standby entry %d: %w", e.ID, err)
			}
			continue
		}
		e.State, e.OfferedAt, e.ExpiresAt = vaxbook.StandbyOffered, t.Now, t.OfferExpiry()
		if _, err := tx.ExecContext(ctx, `
			UPDATE standby SET state = 'offered', offered_at = ?, expires_at = ?, updated_at = ? WHERE id = ?`,
			now, e.ExpiresAt.UnixMicro(), now, e.ID); err != nil {
			return 0, fmt.Errorf("offer a dose to standby entry %d: %w", e.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE leftover_doses SET offered = offered + 1
			WHERE campaign_id = ? AND site_id = ? AND vdate = ?`, l.args()...); err != nil {
			return 0, fmt.Errorf("hold a dose of site %d on %s: %w", l.siteID, l.date, err)
		}
		if err := enqueueOffer(ctx, tx, e, t); err != nil {
			return 0, err
		}
		free--
	}
	return changed, nil
}

// expireOffers marks the list's offers that ran out at now expired and returns their
// entries' IDs.
func expireOffers(ctx context.Context, tx *sql.Tx, l standbyList, now int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `
		UPDATE standby SET state = 'expired', updated_at = ?4
		WHERE campaign_id = ?1 AND site_id = ?2 AND vdate = ?3 AND state = 'offered' AND expires_at <= ?4
		RETURNING id`,
		l.args(now)...)
	if err != nil {
		return nil, fmt.Errorf("expire offers of site %d on %s: %w", l.siteID, l.date, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("expire offers of site %d on %s: %w", l.siteID, l.date, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("expire offers of site %d on %s: %w", l.siteID, l.date, err)
	}
	return ids, nil
}

// enqueueOffer writes the message telling the person of e that a dose is theirs to
// accept until e.ExpiresAt. It names no reservation: there is none yet.
func enqueueOffer(ctx context.Context, tx *sql.Tx, e vaxbook.StandbyEntry, t vaxbook.StandbyTime) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO outbox (kind, person_key, reservation_id, payload, idempotency_key, next_attempt_at, created_at)
		VALUES (?, ?, 0, ?, ?, ?, ?)
		ON CONFLICT (idempotency_key) DO NOTHING`,
		string(vaxbook.KindStandbyOffer), e.PersonKey, string(vaxbook.StandbyOfferPayload(e)),
		vaxbook.IdempotencyKey(vaxbook.KindStandbyOffer, e.ID), t.Now.UnixMicro(), t.Now.UnixMicro())
	if err != nil {
		return fmt.Errorf("enqueue offer of standby entry %d: %w", e.ID, err)
	}
	return nil
}

// settleIfDue settles the list in a write transaction when a read shows it is due, so
// that the many reads of a quiet list never queue for the single writer.
func (s *Store) settleIfDue(ctx context.Context, l standbyList, t vaxbook.StandbyTime) error {
	due, err := needsSettle(ctx, s.read, l, t)
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
