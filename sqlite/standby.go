package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vaxbook"
)

var _ vaxbook.Standby = (*Store)(nil)

// JoinStandby puts the person at the back of the site's list and settles the list, so
// that a dose already free is offered to them at once.
func (s *Store) JoinStandby(ctx context.Context, e vaxbook.StandbyEntry, t vaxbook.StandbyTime) (vaxbook.StandbyEntry, error) {
	return vaxbook.StandbyJoin(ctx, s.inStandby, e, t)
}

// StandbyEntryOf returns the person's latest entry of day d after settling its list.
func (s *Store) StandbyEntryOf(ctx context.Context, personKey string, d vaxbook.Date, t vaxbook.StandbyTime) (vaxbook.StandbyEntry, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `
		SELECT id FROM standby WHERE person_key = ? AND vdate = ? ORDER BY id DESC LIMIT 1`,
		personKey, d.String()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return vaxbook.StandbyEntry{}, vaxbook.Errorf(vaxbook.CodeNotFound, "you are not on a standby list on %s", d)
	}
	if err != nil {
		return vaxbook.StandbyEntry{}, fmt.Errorf("standby entry of %s: %w", d, err)
	}
	e, err := readStandby(ctx, s.read, id)
	if err != nil {
		return e, err
	}
	list, err := s.settled(ctx, e.Key(), t)
	if err != nil {
		return e, err
	}
	e, err = readStandby(ctx, s.read, id)
	e.Position = list.Position(e)
	return e, err
}

// LeaveStandby takes the person's open entry off its list; an offer it held passes on.
func (s *Store) LeaveStandby(ctx context.Context, personKey string, entryID int64, t vaxbook.StandbyTime) (vaxbook.StandbyEntry, error) {
	return vaxbook.StandbyLeave(ctx, s.inStandby, personKey, entryID, t)
}

// DeclineOffer declines the offer of the person's entry; the dose passes on.
func (s *Store) DeclineOffer(ctx context.Context, personKey string, entryID int64, t vaxbook.StandbyTime) (vaxbook.StandbyEntry, error) {
	return vaxbook.StandbyDecline(ctx, s.inStandby, personKey, entryID, t)
}

// AcceptOffer books the offered dose: the reservation, the entry accepted, the dose
// moved from offered to accepted, the offer's message withdrawn if not yet sent and the
// "booked" message written, in one transaction.
func (s *Store) AcceptOffer(ctx context.Context, req vaxbook.AcceptRequest) (vaxbook.Reservation, error) {
	return vaxbook.StandbyAccept(ctx, s.inStandby, req)
}

// RecordLeftover adds a released dose and offers it if someone waits.
func (s *Store) RecordLeftover(ctx context.Context, campaignID, siteID int64, d vaxbook.Date, t vaxbook.StandbyTime) (vaxbook.LeftoverDoses, error) {
	return vaxbook.StandbyRelease(ctx, s.inStandby, vaxbook.StandbyKey{CampaignID: campaignID, SiteID: siteID, Date: d}, t)
}

// StandbyLine returns the list's doses and open entries, offers first and then the
// line in order, with what the clinic sees of each person.
func (s *Store) StandbyLine(ctx context.Context, campaignID, siteID int64, d vaxbook.Date, t vaxbook.StandbyTime) (vaxbook.StandbyLine, error) {
	k := vaxbook.StandbyKey{CampaignID: campaignID, SiteID: siteID, Date: d}
	if _, err := s.settled(ctx, k, t); err != nil {
		return vaxbook.StandbyLine{}, err
	}
	var out vaxbook.StandbyLine
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		var err error
		if out.Doses, err = readDoses(ctx, tx, k); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT `+standbyColumns+`, COALESCE(p.name, ''), p.birth
			FROM standby s LEFT JOIN persons p ON p.person_key = s.person_key
			WHERE s.campaign_id = ? AND s.site_id = ? AND s.vdate = ? AND s.state IN ('waiting', 'offered')
			ORDER BY s.state = 'offered' DESC, s.joined_at, s.id`, keyArgs(k)...)
		if err != nil {
			return fmt.Errorf("standby list of site %d on %s: %w", siteID, d, err)
		}
		defer rows.Close()
		for rows.Next() {
			var le vaxbook.StandbyListEntry
			var birth sql.NullString
			if le.StandbyEntry, err = scanStandby(rows, &le.PersonName, &birth); err != nil {
				return fmt.Errorf("standby list of site %d on %s: %w", siteID, d, err)
			}
			if le.Birth, err = parseDate(birth); err != nil {
				return err
			}
			out.Entries = append(out.Entries, le)
		}
		vaxbook.NumberLine(out.Entries)
		return rows.Err()
	})
	return out, err
}

// StandbySites returns the sites that vaccinate on q.From, with their line's length and
// free doses.
func (s *Store) StandbySites(ctx context.Context, q vaxbook.SiteQuery) ([]vaxbook.StandbySite, error) {
	rows, err := s.read.QueryContext(ctx, `
		SELECT s.id, s.name, s.province, s.district, s.address, s.kind,
			(SELECT COUNT(*) FROM standby w
				WHERE w.campaign_id = ?1 AND w.site_id = s.id AND w.vdate = ?2 AND w.state = 'waiting'),
			COALESCE((SELECT released - offered - accepted FROM leftover_doses l
				WHERE l.campaign_id = ?1 AND l.site_id = s.id AND l.vdate = ?2), 0)
		FROM sites s
		WHERE s.id > ?3
			AND (?4 = '' OR s.province = ?4)
			AND (?5 = '' OR s.district = ?5)
			AND (?6 = '' OR s.name LIKE '%' || ?6 || '%' ESCAPE '\')
			AND EXISTS (SELECT 1 FROM shares sh
				WHERE sh.campaign_id = ?1 AND sh.site_id = s.id AND sh.vdate = ?2 AND sh.capacity > 0)
		ORDER BY s.id LIMIT ?7`,
		q.CampaignID, q.From.String(), q.AfterID, q.Province, q.District, likeEscaper.Replace(q.Name), q.PageLimit())
	if err != nil {
		return nil, fmt.Errorf("standby sites: %w", err)
	}
	defer rows.Close()
	var out []vaxbook.StandbySite
	for rows.Next() {
		var st vaxbook.StandbySite
		if err := rows.Scan(&st.ID, &st.Name, &st.Province, &st.District, &st.Address, &st.Kind, &st.Waiting, &st.Free); err != nil {
			return nil, fmt.Errorf("standby sites: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// SettleStandby settles every list that is due, each in a transaction of its own.
func (s *Store) SettleStandby(ctx context.Context, t vaxbook.StandbyTime) (int, error) {
	rows, err := s.read.QueryContext(ctx, `
		SELECT campaign_id, site_id, vdate FROM standby WHERE state = 'offered' AND expires_at <= ?1
		UNION
		SELECT l.campaign_id, l.site_id, l.vdate FROM leftover_doses l
		WHERE l.vdate = ?2 AND l.released > l.offered + l.accepted
			AND EXISTS (SELECT 1 FROM standby w WHERE w.campaign_id = l.campaign_id
				AND w.site_id = l.site_id AND w.vdate = l.vdate AND w.state = 'waiting')`,
		t.Now.UnixMicro(), vaxbook.DateOf(t.Now).String())
	if err != nil {
		return 0, fmt.Errorf("due standby lists: %w", err)
	}
	var due []vaxbook.StandbyKey
	for rows.Next() {
		var k vaxbook.StandbyKey
		var vdate sql.NullString
		if err := rows.Scan(&k.CampaignID, &k.SiteID, &vdate); err != nil {
			rows.Close()
			return 0, fmt.Errorf("due standby lists: %w", err)
		}
		if k.Date, err = parseDate(vdate); err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, k)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, fmt.Errorf("due standby lists: %w", err)
	}
	return vaxbook.StandbySweep(ctx, s.inStandby, due, t)
}

// AuditLeftovers recounts, in one snapshot, the open offers and leftover reservations
// holding each site's doses and compares them with its counters.
func (s *Store) AuditLeftovers(ctx context.Context, campaignID int64) (vaxbook.LeftoverAudit, error) {
	var a vaxbook.LeftoverAudit
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `
			WITH held AS (
				SELECT site_id, vdate, SUM(o) AS offered, SUM(a) AS accepted FROM (
					SELECT site_id, vdate, 1 AS o, 0 AS a FROM standby
					WHERE campaign_id = ?1 AND state = 'offered'
					UNION ALL
					SELECT site_id, vdate, 0, 1 FROM reservations
					WHERE campaign_id = ?1 AND leftover = 1 AND status IN `+placeStatuses+`)
				GROUP BY site_id, vdate)
			SELECT
				(SELECT COUNT(*) FROM leftover_doses l LEFT JOIN held h ON h.site_id = l.site_id AND h.vdate = l.vdate
					WHERE l.campaign_id = ?1
						AND (l.offered != COALESCE(h.offered, 0) OR l.accepted != COALESCE(h.accepted, 0)))
				+ (SELECT COUNT(*) FROM held h WHERE NOT EXISTS (SELECT 1 FROM leftover_doses l
					WHERE l.campaign_id = ?1 AND l.site_id = h.site_id AND l.vdate = h.vdate)),
				(SELECT COUNT(*) FROM leftover_doses WHERE campaign_id = ?1 AND offered + accepted > released),
				(SELECT COALESCE(SUM(released), 0) FROM leftover_doses WHERE campaign_id = ?1),
				(SELECT COUNT(*) FROM standby WHERE campaign_id = ?1 AND state = 'offered'),
				(SELECT COUNT(*) FROM reservations WHERE campaign_id = ?1 AND leftover = 1 AND status IN `+placeStatuses+`)`,
			campaignID).Scan(&a.Drift, &a.Overdrawn, &a.Released, &a.OpenOffers, &a.LeftoverReservations)
		if err != nil {
			return fmt.Errorf("audit leftovers of campaign %d: %w", campaignID, err)
		}
		return nil
	})
	return a, err
}
