package vaxbook

import "context"

// The standby changes, step by step. Each store runs them inside one transaction of its
// own and supplies the reads and writes (StandbyTx, in its SQL); the order of the steps
// and every decision are written once, here and in standbyplan.go. The steps lock the
// list before they read anything they decide from, so that the plan they write was
// made from what the list is.

// StandbyKey names one standby list: a campaign's site on a day.
type StandbyKey struct {
	CampaignID, SiteID int64
	Date               Date
}

// Key returns the key of e's list.
func (e StandbyEntry) Key() StandbyKey { return StandbyKey{e.CampaignID, e.SiteID, e.Date} }

// Key returns the key of the doses' list.
func (l LeftoverDoses) Key() StandbyKey { return StandbyKey{l.CampaignID, l.SiteID, l.Date} }

// StandbyTx is one write transaction of a store as the standby changes use it.
type StandbyTx interface {
	// CheckVaccinates returns CodeStandbyClosed unless the site has a share with a
	// capacity on the list's day in its campaign.
	CheckVaccinates(ctx context.Context, k StandbyKey) error
	// Standing reports whether the person holds a reservation (booked, confirmed or
	// vaccinated) in the campaign, and whether they hold an open entry on day d.
	Standing(ctx context.Context, campaignID int64, personKey string, d Date) (booked, onStandby bool, err error)
	// LockList locks the list for the rest of the transaction (against every other
	// transaction that locks it) and then reads it, first giving it dose counters
	// with none released if it has none.
	LockList(ctx context.Context, k StandbyKey) (StandbyList, error)
	// Entry reads the entry with the id (without its Position), or CodeNotFound.
	Entry(ctx context.Context, id int64) (StandbyEntry, error)
	// InsertEntry inserts e as it is (waiting) and returns its ID; CodeOnStandby if
	// the person holds another open entry that day.
	InsertEntry(ctx context.Context, e StandbyEntry) (int64, error)
	// BookLeftover inserts r as a reservation made from a leftover dose, with its
	// "booked" message, and returns it as stored: CodeAlreadyBooked if the person
	// holds a reservation (or was vaccinated) in the campaign.
	BookLeftover(ctx context.Context, r Reservation) (Reservation, error)
	// Apply writes plan p: every move with the offer message it makes (KindStandbyOffer)
	// or withdraws if not yet sent, and the change of the list's counters.
	Apply(ctx context.Context, p StandbyPlan) error
}

// StandbyRun runs fn in one write transaction of a store and commits it if fn returns
// nil. A store that retries a transaction (a serialization failure, a lost connection)
// may run fn again, from the start, in a new transaction.
type StandbyRun func(ctx context.Context, fn func(StandbyTx) error) error

// inStandby runs change in a transaction of run and returns its result, or the zero
// value with the error that rolled the transaction back.
func inStandby[T any](ctx context.Context, run StandbyRun, change func(StandbyTx) (T, error)) (T, error) {
	var out T
	err := run(ctx, func(tx StandbyTx) error {
		var err error
		out, err = change(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// StandbyJoin puts the person of e at the back of e's list at t.Now and settles the
// list, as Standby.JoinStandby describes, and returns the entry as stored.
func StandbyJoin(ctx context.Context, run StandbyRun, e StandbyEntry, t StandbyTime) (StandbyEntry, error) {
	if err := checkNewStandbyEntry(e); err != nil {
		return StandbyEntry{}, err
	}
	return inStandby(ctx, run, func(tx StandbyTx) (StandbyEntry, error) {
		e := e // a retried transaction starts again from the caller's entry
		if err := tx.CheckVaccinates(ctx, e.Key()); err != nil {
			return StandbyEntry{}, err
		}
		list, err := tx.LockList(ctx, e.Key())
		if err != nil {
			return StandbyEntry{}, err
		}
		booked, open, err := tx.Standing(ctx, e.CampaignID, e.PersonKey, e.Date)
		if err != nil {
			return StandbyEntry{}, err
		}
		if err := checkStandbyStanding(booked, open); err != nil {
			return StandbyEntry{}, err
		}
		e.State, e.JoinedAt, e.UpdatedAt = StandbyWaiting, t.Now, t.Now
		if e.ID, err = tx.InsertEntry(ctx, e); err != nil {
			return StandbyEntry{}, err
		}
		p := list.Join(e, t)
		if err := tx.Apply(ctx, p); err != nil {
			return StandbyEntry{}, err
		}
		return placed(ctx, tx, e.ID, p.List)
	})
}

// StandbyLeave takes the person's entry off its list at t.Now, as
// Standby.LeaveStandby describes, and returns the entry as stored.
func StandbyLeave(ctx context.Context, run StandbyRun, personKey string, entryID int64, t StandbyTime) (StandbyEntry, error) {
	return inStandby(ctx, run, func(tx StandbyTx) (StandbyEntry, error) {
		return standbyEnd(ctx, tx, personKey, entryID, func(l StandbyList, e StandbyEntry) (StandbyPlan, error) {
			return l.Leave(e, personKey, t)
		})
	})
}

// StandbyDecline declines the offer of the person's entry at t.Now, as
// Standby.DeclineOffer describes, and returns the entry as stored.
func StandbyDecline(ctx context.Context, run StandbyRun, personKey string, entryID int64, t StandbyTime) (StandbyEntry, error) {
	return inStandby(ctx, run, func(tx StandbyTx) (StandbyEntry, error) {
		return standbyEnd(ctx, tx, personKey, entryID, func(l StandbyList, e StandbyEntry) (StandbyPlan, error) {
			return l.Decline(e, personKey, t)
		})
	})
}

// standbyEnd locks the list of the person's entry, writes the plan decide makes of the
// list and the entry, and returns the entry as written.
func standbyEnd(ctx context.Context, tx StandbyTx, personKey string, entryID int64, decide func(StandbyList, StandbyEntry) (StandbyPlan, error)) (StandbyEntry, error) {
	e, list, err := lockEntry(ctx, tx, personKey, entryID)
	if err != nil {
		return StandbyEntry{}, err
	}
	p, err := decide(list, e)
	if err != nil {
		return StandbyEntry{}, err
	}
	if err := tx.Apply(ctx, p); err != nil {
		return StandbyEntry{}, err
	}
	return placed(ctx, tx, entryID, p.List)
}

// placed reads the entry with the id as the transaction wrote it, with its place in
// list, the list as the written plan left it.
func placed(ctx context.Context, tx StandbyTx, id int64, list StandbyList) (StandbyEntry, error) {
	e, err := tx.Entry(ctx, id)
	if err != nil {
		return StandbyEntry{}, err
	}
	e.Position = list.Position(e)
	return e, nil
}

// lockEntry locks and reads the list of the person's entry, then reads the entry again
// under the lock: it may have been offered a dose, or its offer may have ended, since
// the first read. Another person's entry is CodeNotFound, and its list is not locked.
func lockEntry(ctx context.Context, tx StandbyTx, personKey string, id int64) (StandbyEntry, StandbyList, error) {
	e, err := tx.Entry(ctx, id)
	if err != nil {
		return StandbyEntry{}, StandbyList{}, err
	}
	if e.PersonKey != personKey {
		return StandbyEntry{}, StandbyList{}, Errorf(CodeNotFound, "no such standby entry")
	}
	list, err := tx.LockList(ctx, e.Key())
	if err != nil {
		return StandbyEntry{}, StandbyList{}, err
	}
	e, err = tx.Entry(ctx, id)
	return e, list, err
}

// StandbyAccept books the dose offered to the entry of req, as Standby.AcceptOffer
// describes: the reservation with its message, the entry accepted, the dose counted as
// accepted and the offer's unsent message withdrawn.
func StandbyAccept(ctx context.Context, run StandbyRun, req AcceptRequest) (Reservation, error) {
	if err := req.check(); err != nil {
		return Reservation{}, err
	}
	return inStandby(ctx, run, func(tx StandbyTx) (Reservation, error) {
		e, list, err := lockEntry(ctx, tx, req.PersonKey, req.EntryID)
		if err != nil {
			return Reservation{}, err
		}
		r, err := e.LeftoverReservation(req)
		if err != nil {
			return Reservation{}, err
		}
		if r, err = tx.BookLeftover(ctx, r); err != nil {
			return Reservation{}, err
		}
		if err := tx.Apply(ctx, list.Accept(e, r.ID, req.Time)); err != nil {
			return Reservation{}, err
		}
		return r, nil
	})
}

// StandbyRelease records one leftover dose on the list at t.Now and offers it if
// someone waits, as Standby.RecordLeftover describes, and returns the list's doses.
func StandbyRelease(ctx context.Context, run StandbyRun, k StandbyKey, t StandbyTime) (LeftoverDoses, error) {
	return inStandby(ctx, run, func(tx StandbyTx) (LeftoverDoses, error) {
		if err := tx.CheckVaccinates(ctx, k); err != nil {
			return LeftoverDoses{}, err
		}
		list, err := tx.LockList(ctx, k)
		if err != nil {
			return LeftoverDoses{}, err
		}
		p := list.Release(t)
		if err := tx.Apply(ctx, p); err != nil {
			return LeftoverDoses{}, err
		}
		return p.List.Doses, nil
	})
}

// StandbySettle settles the list at t.Now (StandbyList.Settle) and returns the plan it
// wrote: its List is the list as settled.
func StandbySettle(ctx context.Context, run StandbyRun, k StandbyKey, t StandbyTime) (StandbyPlan, error) {
	return inStandby(ctx, run, func(tx StandbyTx) (StandbyPlan, error) {
		list, err := tx.LockList(ctx, k)
		if err != nil {
			return StandbyPlan{}, err
		}
		p := list.Settle(t)
		if err := tx.Apply(ctx, p); err != nil {
			return StandbyPlan{}, err
		}
		return p, nil
	})
}

// StandbySettled returns the list of key k settled at t: read returns it as it is
// (from one snapshot, taking no lock), and only when settling would change it is it
// settled in a transaction of run. The many reads of a quiet list thus never wait on
// a lock or a writer.
func StandbySettled(ctx context.Context, read func() (StandbyList, error), run StandbyRun, k StandbyKey, t StandbyTime) (StandbyList, error) {
	list, err := read()
	if err != nil || !list.Settle(t).Changed() {
		return list, err
	}
	p, err := StandbySettle(ctx, run, k, t)
	return p.List, err
}

// StandbySweep settles each list of due in a transaction of its own and returns how
// many that changed, as Standby.SettleStandby describes; it stops at the first error.
func StandbySweep(ctx context.Context, run StandbyRun, due []StandbyKey, t StandbyTime) (int, error) {
	n := 0
	for _, k := range due {
		p, err := StandbySettle(ctx, run, k, t)
		if err != nil {
			return n, err
		}
		if p.Changed() {
			n++
		}
	}
	return n, nil
}
