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
	if err := vaxbook.CheckNewStandbyEntry(e); err != nil {
		return vaxbook.StandbyEntry{}, err
	}
	l := listOf(e)
	var out vaxbook.StandbyEntry
	err := s.inTx(ctx, "join standby", func(tx pgx.Tx) error {
		if err := vaccinates(ctx, tx, l); err != nil {
			return err
		}
		list, err := openList(ctx, tx, l)
		if err != nil {
			return err
		}
		var booked, open bool
		if err := tx.QueryRow(ctx, `
			SELECT EXISTS (SELECT 1 FROM reservations WHERE campaign_id = $1 AND person_key = $2
					AND status IN ('booked', 'confirmed', 'vaccinated')),
				EXISTS (SELECT 1 FROM standby WHERE person_key = $2 AND vdate = $3 AND state IN ('waiting', 'offered'))`,
			e.CampaignID, e.PersonKey, pgDate(e.Date)).Scan(&booked, &open); err != nil {
			return err
		}
		if err := vaxbook.CheckStandbyStanding(booked, open); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO standby (campaign_id, site_id, vdate, person_key, state, joined_at, updated_at)
			VALUES ($1, $2, $3, $4, 'waiting', $5, $5) RETURNING id`,
			l.args(e.PersonKey, t.Now)...).Scan(&e.ID); err != nil {
			return standbyError(err)
		}
		if err := apply(ctx, tx, list.Join(e, t)); err != nil {
			return err
		}
		out, err = readStandby(ctx, tx, e.ID)
		return err
	})
	return out, err
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
	if err := s.settleIfDue(ctx, listOf(e), t); err != nil {
		return e, err
	}
	e, err = readStandby(ctx, s.pool, id)
	return e, dbError(err, "standby entry")
}

// LeaveStandby takes the person's open entry off its list; an offer it held passes on.
func (s *Store) LeaveStandby(ctx context.Context, personKey string, entryID int64, t vaxbook.StandbyTime) (vaxbook.StandbyEntry, error) {
	return s.endStandby(ctx, personKey, entryID, func(l vaxbook.StandbyList, e vaxbook.StandbyEntry) (vaxbook.StandbyPlan, error) {
		return l.Leave(e, personKey, t)
	})
}

// DeclineOffer declines the offer of the person's entry; the dose passes on.
func (s *Store) DeclineOffer(ctx context.Context, personKey string, entryID int64, t vaxbook.StandbyTime) (vaxbook.StandbyEntry, error) {
	return s.endStandby(ctx, personKey, entryID, func(l vaxbook.StandbyList, e vaxbook.StandbyEntry) (vaxbook.StandbyPlan, error) {
		return l.Decline(e, personKey, t)
	})
}

// endStandby writes the plan that decide makes of the person's entry and its list,
// under the list's lock, and returns the entry as it is then.
func (s *Store) endStandby(ctx context.Context, personKey string, entryID int64, decide func(vaxbook.StandbyList, vaxbook.StandbyEntry) (vaxbook.StandbyPlan, error)) (vaxbook.StandbyEntry, error) {
	var out vaxbook.StandbyEntry
	err := s.inTx(ctx, "end standby entry", func(tx pgx.Tx) error {
		e, list, err := lockEntry(ctx, tx, personKey, entryID)
		if err != nil {
			return err
		}
		p, err := decide(list, e)
		if err != nil {
			return err
		}
		if err := apply(ctx, tx, p); err != nil {
			return err
		}
		out, err = readStandby(ctx, tx, entryID)
		return err
	})
	return out, err
}

// lockEntry locks and reads the list of the person's entry and reads the entry again
// under the lock: it may have been offered, or its offer ended, since the first read.
// Another person's entry is CodeNotFound, and is not locked.
func lockEntry(ctx context.Context, tx pgx.Tx, personKey string, id int64) (vaxbook.StandbyEntry, vaxbook.StandbyList, error) {
	e, err := readStandby(ctx, tx, id)
	if err != nil {
		return e, vaxbook.StandbyList{}, err
	}
	if e.PersonKey != personKey {
		return e, vaxbook.StandbyList{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no such standby entry")
	}
	list, err := openList(ctx, tx, listOf(e))
	if err != nil {
		return e, list, err
	}
	e, err = readStandby(ctx, tx, id)
	return e, list, err
}

// AcceptOffer books the offered dose: the reservation, the entry accepted, the dose
// moved from offered to accepted, the offer's message withdrawn if not yet sent and the
// "booked" message written, in one transaction under the list's lock.
func (s *Store) AcceptOffer(ctx context.Context, req vaxbook.AcceptRequest) (vaxbook.Reservation, error) {
	if err := req.Check(); err != nil {
		return vaxbook.Reservation{}, err
	}
	var r vaxbook.Reservation
	err := s.inTx(ctx, "accept offer", func(tx pgx.Tx) error {
		e, _, err := lockEntry(ctx, tx, req.PersonKey, req.EntryID)
		if err != nil {
			return err
		}
		if r, err = e.LeftoverReservation(req); err != nil {
			return err
		}
		// The partial unique index refuses a person who holds a reservation (or was
		// vaccinated) in the campaign: one booking per person, leftover or not.
		r, err = scanReservation(tx.QueryRow(ctx, `
			INSERT INTO reservations (campaign_id, person_key, site_id, vdate, second_date,
				grp, status, created_at, updated_at, leftover)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, TRUE)
			RETURNING `+reservationColumns,
			r.CampaignID, r.PersonKey, r.SiteID, pgDate(r.Date), pgDate(r.SecondDate),
			r.Group, r.Status, req.Time.Now))
		if err != nil {
			return err
		}
		if err := apply(ctx, tx, e.Accept(r.ID, req.Time)); err != nil {
			return err
		}
		return enqueue(ctx, tx, vaxbook.KindBooked, r, "", req.Time.Now)
	})
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	return r, nil
}

// RecordLeftover adds a released dose and offers it if someone waits.
func (s *Store) RecordLeftover(ctx context.Context, campaignID, siteID int64, d vaxbook.Date, t vaxbook.StandbyTime) (vaxbook.LeftoverDoses, error) {
	l := standbyList{campaignID, siteID, d}
	var out vaxbook.LeftoverDoses
	err := s.inTx(ctx, "record leftover dose", func(tx pgx.Tx) error {
		if err := vaccinates(ctx, tx, l); err != nil {
			return err
		}
		list, err := openList(ctx, tx, l)
		if err != nil {
			return err
		}
		p := list.Release(t)
		out = p.List.Doses
		return apply(ctx, tx, p)
	})
	return out, err
}

// StandbyLine returns the list's doses and open entries, offers first and then the
// line in order, with what the clinic sees of each person, from one snapshot.
func (s *Store) StandbyLine(ctx context.Context, campaignID, siteID int64, d vaxbook.Date, t vaxbook.StandbyTime) (vaxbook.StandbyLine, error) {
	l := standbyList{campaignID, siteID, d}
	if err := s.settleIfDue(ctx, l, t); err != nil {
		return vaxbook.StandbyLine{}, err
	}
	out := vaxbook.StandbyLine{Doses: vaxbook.LeftoverDoses{CampaignID: campaignID, SiteID: siteID, Date: d}}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return out, dbError(err, "standby list")
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	err = tx.QueryRow(ctx, `
		SELECT released, offered, accepted FROM leftover_doses
		WHERE campaign_id = $1 AND site_id = $2 AND vdate = $3`, l.args()...).
		Scan(&out.Doses.Released, &out.Doses.Offered, &out.Doses.Accepted)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return out, dbError(err, "standby list")
	}
	rows, err := tx.Query(ctx, `
		SELECT `+standbyColumns+`, COALESCE(p.name, ''), p.birth
		FROM standby s LEFT JOIN persons p ON p.person_key = s.person_key
		WHERE s.campaign_id = $1 AND s.site_id = $2 AND s.vdate = $3 AND s.state IN ('waiting', 'offered')
		ORDER BY s.state = 'offered' DESC, s.joined_at, s.id`, l.args()...)
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
	limit := q.Limit
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	limit = min(limit, maxSearchLimit)
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
		q.CampaignID, pgDate(q.From), q.AfterID, q.Province, q.District, escapeLike(q.Name), limit)
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
	due, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (standbyList, error) {
		var l standbyList
		var d pgtype.Date
		err := row.Scan(&l.campaignID, &l.siteID, &d)
		l.date = fromDate(d)
		return l, err
	})
	if err != nil {
		return 0, dbError(err, "due standby lists")
	}
	n := 0
	for _, l := range due {
		var changed bool
		err := s.inTx(ctx, "settle standby list", func(tx pgx.Tx) error {
			var err error
			changed, err = settle(ctx, tx, l, t)
			return err
		})
		if err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	return n, nil
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
