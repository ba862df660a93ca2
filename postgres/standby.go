package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

var _ vaxbook.Standby = (*Store)(nil)

// JoinStandby puts the person at the back of the site's list and settles the list, so
// that a dose already free is offered to them at once.
func (s *Store) JoinStandby(ctx context.Context, e vaxbook.StandbyEntry, t vaxbook.StandbyTime) (vaxbook.StandbyEntry, error) {
	return vaxbook.StandbyJoin(ctx, s.inStandby("join standby"), e, t)
}

// StandbyEntryOf returns the person's latest entry of day d after settling its list.
func (s *Store) StandbyEntryOf(ctx context.Context, personKey string, d vaxbook.Date, t vaxbook.StandbyTime) (vaxbook.StandbyEntry, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `
		SELECT id FROM standby WHERE person_key = $1 AND vdate = $2 ORDER BY id DESC LIMIT 1`,
		personKey, pgDate(d)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return vaxbook.StandbyEntry{}, vaxbook.Errorf(vaxbook.CodeNotFound, "you are not on a standby list on %s", d)
	}
	if err != nil {
		return vaxbook.StandbyEntry{}, dbError(err, "standby entry")
	}
	e, err := readStandby(ctx, s.pool, id)
	if err != nil {
		return e, dbError(err, "standby entry")
	}
	list, err := s.settled(ctx, e.Key(), t)
	if err != nil {
		return e, err
	}
	e, err = readStandby(ctx, s.pool, id)
	e.Position = list.Position(e)
	return e, dbError(err, "standby entry")
}

// LeaveStandby takes the person's open entry off its list; an offer it held passes on.
func (s *Store) LeaveStandby(ctx context.Context, personKey string, entryID int64, t vaxbook.StandbyTime) (vaxbook.StandbyEntry, error) {
	return vaxbook.StandbyLeave(ctx, s.inStandby("leave standby"), personKey, entryID, t)
}

// DeclineOffer declines the offer of the person's entry; the dose passes on.
func (s *Store) DeclineOffer(ctx context.Context, personKey string, entryID int64, t vaxbook.StandbyTime) (vaxbook.StandbyEntry, error) {
	return vaxbook.StandbyDecline(ctx, s.inStandby("decline offer"), personKey, entryID, t)
}

// AcceptOffer books the offered dose: the reservation, the entry accepted, the dose
// moved from offered to accepted, the offer's message withdrawn if not yet sent and the
// "booked" message written, in one transaction under the list's lock.
func (s *Store) AcceptOffer(ctx context.Context, req vaxbook.AcceptRequest) (vaxbook.Reservation, error) {
	return vaxbook.StandbyAccept(ctx, s.inStandby("accept offer"), req)
}

// RecordLeftover adds a released dose and offers it if someone waits.
func (s *Store) RecordLeftover(ctx context.Context, campaignID, siteID int64, d vaxbook.Date, t vaxbook.StandbyTime) (vaxbook.LeftoverDoses, error) {
	k := vaxbook.StandbyKey{CampaignID: campaignID, SiteID: siteID, Date: d}
	return vaxbook.StandbyRelease(ctx, s.inStandby("record leftover dose"), k, t)
}

// StandbyLine returns the list's doses and open entries, offers first and then the
// line in order, with what the clinic sees of each person, from one snapshot.
func (s *Store) StandbyLine(ctx context.Context, campaignID, siteID int64, d vaxbook.Date, t vaxbook.StandbyTime) (vaxbook.StandbyLine, error) {
	k := vaxbook.StandbyKey{CampaignID: campaignID, SiteID: siteID, Date: d}
	if _, err := s.settled(ctx, k, t); err != nil {
		return vaxbook.StandbyLine{}, err
	}
	out := vaxbook.StandbyLine{Doses: vaxbook.LeftoverDoses{CampaignID: campaignID, SiteID: siteID, Date: d}}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return out, dbError(err, "standby list")
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if out.Doses, err = readDoses(ctx, tx, k); err != nil {
		return out, dbError(err, "standby list")
	}
	rows, err := tx.Query(ctx, `
		SELECT `+standbyColumns+`, COALESCE(p.name, ''), p.birth
		FROM standby s LEFT JOIN persons p ON p.person_key = s.person_key
		WHERE s.campaign_id = $1 AND s.site_id = $2 AND s.vdate = $3 AND s.state IN ('waiting', 'offered')
		ORDER BY s.state = 'offered' DESC, s.joined_at, s.id`, keyArgs(k)...)
	if err != nil {
		return out, dbError(err, "standby list")
	}
	out.Entries, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (vaxbook.StandbyListEntry, error) {
		var le vaxbook.StandbyListEntry
		var birth pgtype.Date
		var err error
		le.StandbyEntry, err = scanStandby(row, &le.PersonName, &birth)
		le.Birth = fromDate(birth)
		return le, err
	})
	vaxbook.NumberLine(out.Entries)
	return out, dbError(err, "standby list")
}

// StandbySites returns the sites that vaccinate on q.From, with their line's length and
// free doses.
func (s *Store) StandbySites(ctx context.Context, q vaxbook.SiteQuery) ([]vaxbook.StandbySite, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT s.id, s.name, s.province, s.district, s.address, s.kind,
			(SELECT count(*)::int FROM standby w
				WHERE w.campaign_id = $1 AND w.site_id = s.id AND w.vdate = $2 AND w.state = 'waiting'),
			COALESCE((SELECT released - offered - accepted FROM leftover_doses l
				WHERE l.campaign_id = $1 AND l.site_id = s.id AND l.vdate = $2), 0)
		FROM sites s
		WHERE s.id > $3
			AND ($4 = '' OR s.province = $4)
			AND ($5 = '' OR s.district = $5)
			AND ($6 = '' OR s.name ILIKE '%' || $6 || '%' ESCAPE '\')
			AND EXISTS (SELECT 1 FROM shares sh
				WHERE sh.campaign_id = $1 AND sh.site_id = s.id AND sh.vdate = $2 AND sh.capacity > 0)
		ORDER BY s.id LIMIT $7`,
		q.CampaignID, pgDate(q.From), q.AfterID, q.Province, q.District, escapeLike(q.Name), q.PageLimit())
	if err != nil {
		return nil, dbError(err, "standby sites")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (vaxbook.StandbySite, error) {
		var st vaxbook.StandbySite
		err := row.Scan(&st.ID, &st.Name, &st.Province, &st.District, &st.Address, &st.Kind, &st.Waiting, &st.Free)
		return st, err
	})
	return out, dbError(err, "standby sites")
}

// SettleStandby settles every list that is due, each in a transaction of its own.
// Instances sweeping at once wait on each other's list locks and find nothing left.
func (s *Store) SettleStandby(ctx context.Context, t vaxbook.StandbyTime) (int, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT campaign_id, site_id, vdate FROM standby WHERE state = 'offered' AND expires_at <= $1
		UNION
		SELECT l.campaign_id, l.site_id, l.vdate FROM leftover_doses l
		WHERE l.vdate = $2 AND l.released > l.offered + l.accepted
			AND EXISTS (SELECT 1 FROM standby w WHERE w.campaign_id = l.campaign_id
				AND w.site_id = l.site_id AND w.vdate = l.vdate AND w.state = 'waiting')`,
		t.Now, pgDate(vaxbook.DateOf(t.Now)))
	if err != nil {
		return 0, dbError(err, "due standby lists")
	}
	due, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (vaxbook.StandbyKey, error) {
		var k vaxbook.StandbyKey
		var d pgtype.Date
		err := row.Scan(&k.CampaignID, &k.SiteID, &d)
		k.Date = fromDate(d)
		return k, err
	})
	if err != nil {
		return 0, dbError(err, "due standby lists")
	}
	return vaxbook.StandbySweep(ctx, s.inStandby("settle standby list"), due, t)
}

// AuditLeftovers recounts, in one statement, the open offers and leftover reservations
// holding each site's doses and compares them with its counters.
func (s *Store) AuditLeftovers(ctx context.Context, campaignID int64) (vaxbook.LeftoverAudit, error) {
	var a vaxbook.LeftoverAudit
	err := s.pool.QueryRow(ctx, `
		WITH held AS (
			SELECT site_id, vdate, sum(o)::int AS offered, sum(a)::int AS accepted FROM (
				SELECT site_id, vdate, 1 AS o, 0 AS a FROM standby
				WHERE campaign_id = $1 AND state = 'offered'
				UNION ALL
				SELECT site_id, vdate, 0, 1 FROM reservations
				WHERE campaign_id = $1 AND leftover AND status IN ('booked', 'confirmed', 'vaccinated', 'no_show')) h
			GROUP BY site_id, vdate),
		joined AS (
			SELECT COALESCE(l.offered, 0) AS offered, COALESCE(l.accepted, 0) AS accepted,
				COALESCE(h.offered, 0) AS h_offered, COALESCE(h.accepted, 0) AS h_accepted
			FROM (SELECT * FROM leftover_doses WHERE campaign_id = $1) l
			FULL JOIN held h ON h.site_id = l.site_id AND h.vdate = l.vdate)
		SELECT
			(SELECT count(*)::int FROM joined WHERE offered <> h_offered OR accepted <> h_accepted),
			(SELECT count(*)::int FROM leftover_doses WHERE campaign_id = $1 AND offered + accepted > released),
			(SELECT COALESCE(sum(released), 0)::int FROM leftover_doses WHERE campaign_id = $1),
			(SELECT count(*)::int FROM standby WHERE campaign_id = $1 AND state = 'offered'),
			(SELECT count(*)::int FROM reservations WHERE campaign_id = $1 AND leftover
				AND status IN ('booked', 'confirmed', 'vaccinated', 'no_show'))`, campaignID).
		Scan(&a.Drift, &a.Overdrawn, &a.Released, &a.OpenOffers, &a.LeftoverReservations)
	return a, dbError(err, "audit leftovers")
}
