package vaxbook

import (
	"cmp"
	"slices"
)

// The standby decisions. A store locks one list, reads it into a StandbyList, asks one
// of the methods below what to do, and writes the StandbyPlan it gets back in the same
// transaction. The methods read no clock and do no I/O, so that every store decides
// alike and one table test covers every rule; the stores keep only their SQL.

// StandbyList is one site's standby list of a day as a store reads it under the list's
// lock: the dose counters and the open (waiting and offered) entries.
type StandbyList struct {
	Doses LeftoverDoses
	Open  []StandbyCandidate
}

// StandbyCandidate is an open entry as the decisions see it. Booked reports that its
// person holds a reservation in the campaign (booked, confirmed or vaccinated): such a
// person is taken off the line when their turn comes, not offered a dose, because a
// person books once per campaign.
type StandbyCandidate struct {
	StandbyEntry
	Booked bool
}

// StandbyMove is one entry's change of state: the entry as it is after the move (its
// state, UpdatedAt, and OfferedAt, ExpiresAt or ReservationID when the move sets them),
// and the state it left.
type StandbyMove struct {
	From  StandbyState
	Entry StandbyEntry
}

// DoseChange is how a plan changes a list's dose counters: the numbers are added to
// released, offered and accepted.
type DoseChange struct {
	Released, Offered, Accepted int
}

// StandbyPlan is what a store writes, in the transaction that read the list, to carry
// out one decision: every move in order, and the change of the list's counters. List
// is the list as it is once the plan is written; its Doses also name the list.
type StandbyPlan struct {
	List  StandbyList
	Moves []StandbyMove
	Doses DoseChange
}

// Changed reports whether the plan changes any entry.
func (p StandbyPlan) Changed() bool { return len(p.Moves) > 0 }

// NewOffers returns the entries the plan offers a dose and that still hold the offer
// once it is written: the store writes a KindStandbyOffer message for each.
func (p StandbyPlan) NewOffers() []StandbyEntry {
	ended := p.EndedOffers()
	var out []StandbyEntry
	for _, m := range p.Moves {
		if m.Entry.State == StandbyOffered && !slices.Contains(ended, m.Entry.ID) {
			out = append(out, m.Entry)
		}
	}
	return out
}

// EndedOffers returns the IDs of the entries whose offer the plan ends (it expired,
// was declined or accepted): the store withdraws their offer messages not yet sent.
func (p StandbyPlan) EndedOffers() []int64 {
	var out []int64
	for _, m := range p.Moves {
		if m.From == StandbyOffered {
			out = append(out, m.Entry.ID)
		}
	}
	return out
}

// checkNewStandbyEntry returns CodeInvalidInput unless e names a person and a day.
func checkNewStandbyEntry(e StandbyEntry) error {
	if e.PersonKey == "" || e.Date.IsZero() {
		return Errorf(CodeInvalidInput, "a standby entry needs a person and a day")
	}
	return nil
}

// checkStandbyStanding returns nil if a person may join a standby list: CodeAlreadyBooked
// if they hold a reservation (or were vaccinated) in the campaign, CodeOnStandby if they
// hold an open entry that day, at any site.
func checkStandbyStanding(booked, onStandby bool) error {
	switch {
	case booked:
		return Errorf(CodeAlreadyBooked, "you already hold a reservation in this campaign")
	case onStandby:
		return Errorf(CodeOnStandby, "you are already on a standby list today")
	}
	return nil
}

// check returns CodeInvalidInput unless the request names a rotation group.
func (r AcceptRequest) check() error {
	if r.Group < 0 || r.Group >= Groups {
		return Errorf(CodeInvalidInput, "group %d is not a rotation group", r.Group)
	}
	return nil
}

// Settle returns the plan that settles the list at t.Now: every offer that ran out
// expires (whatever the list's day), and on the list's own day each dose nobody holds
// is offered, until an OfferExpiry of t, to the next person waiting by the time they
// joined; a person who booked meanwhile is withdrawn instead and the dose goes on.
func (l StandbyList) Settle(t StandbyTime) StandbyPlan {
	p := l.plan()
	p.settle(t)
	return p.done()
}

// Join returns the plan for e, which the store has just inserted (with its ID) at the
// back of the list, waiting since t.Now: the list settled with it, so that a dose
// already free is offered to them at once.
func (l StandbyList) Join(e StandbyEntry, t StandbyTime) StandbyPlan {
	p := l.plan()
	e.State, e.JoinedAt, e.UpdatedAt = StandbyWaiting, t.Now, t.Now
	p.List.Open = append(p.List.Open, StandbyCandidate{StandbyEntry: e})
	p.sort()
	p.settle(t)
	return p.done()
}

// Release returns the plan for one more leftover dose released on the list: counted,
// then offered if someone waits.
func (l StandbyList) Release(t StandbyTime) StandbyPlan {
	p := l.plan()
	p.Doses.Released++
	p.List.Doses.Released++
	p.settle(t)
	return p.done()
}

// Leave returns the plan that takes the person's entry e off the list at t.Now, with
// the codes of StandbyEntry.CheckLeave once the list is settled: a waiting entry is
// withdrawn, an offered one declined, and the list settled again so that a dose given
// back goes to the next in line. e is the entry as read under the list's lock.
func (l StandbyList) Leave(e StandbyEntry, personKey string, t StandbyTime) (StandbyPlan, error) {
	return l.end(e, personKey, t, func(e StandbyEntry) error { return e.CheckLeave(personKey) })
}

// Decline returns the plan that declines the offer of the person's entry e at t.Now,
// with the codes of StandbyEntry.CheckDecline once the list is settled; the dose goes
// to the next in line.
func (l StandbyList) Decline(e StandbyEntry, personKey string, t StandbyTime) (StandbyPlan, error) {
	return l.end(e, personKey, t, func(e StandbyEntry) error { return e.CheckDecline(personKey, t.Now) })
}

func (l StandbyList) end(e StandbyEntry, personKey string, t StandbyTime, check func(StandbyEntry) error) (StandbyPlan, error) {
	if e.PersonKey != personKey {
		return StandbyPlan{}, Errorf(CodeNotFound, "no such standby entry")
	}
	p := l.plan()
	p.settle(t)
	i := p.index(e.ID)
	if i >= 0 {
		e = p.List.Open[i].StandbyEntry
	}
	if err := check(e); err != nil {
		return StandbyPlan{}, err
	}
	if i < 0 {
		// The check lets only an open entry through, and open entries are on the list.
		return StandbyPlan{}, Errorf(CodeNotFound, "no such standby entry")
	}
	to := StandbyWithdrawn
	if e.State == StandbyOffered {
		to = StandbyDeclined
	}
	p.move(i, to, t)
	p.settle(t)
	return p.done(), nil
}

// LeftoverReservation returns the reservation that accepting the offer of e (as read
// under its list's lock) books for req, or the error of e.CheckAccept at req.Time.Now.
// It is confirmed or booked by InitialStatus, at e's site on e's day, and marked as a
// leftover by the store, which inserts it under the one-booking index and then writes
// the plan of Accept.
func (e StandbyEntry) LeftoverReservation(req AcceptRequest) (Reservation, error) {
	at := req.Time.Now
	if err := e.CheckAccept(req.PersonKey, at); err != nil {
		return Reservation{}, err
	}
	return Reservation{
		CampaignID: e.CampaignID, PersonKey: e.PersonKey, SiteID: e.SiteID, Date: e.Date,
		SecondDate: req.SecondDate, Group: req.Group, Status: InitialStatus(e.Date, at),
		CreatedAt: at.In(Seoul), UpdatedAt: at.In(Seoul),
	}, nil
}

// Accept returns the plan that records the offer of e (as read under the list's lock)
// accepted by the reservation with id reservationID at t.Now: the entry accepted and
// its dose moved from offered to accepted. Accepting settles nothing.
func (l StandbyList) Accept(e StandbyEntry, reservationID int64, t StandbyTime) StandbyPlan {
	p := l.plan()
	i := p.index(e.ID)
	if i < 0 {
		p.List.Open = append(p.List.Open, StandbyCandidate{StandbyEntry: e})
		i = len(p.List.Open) - 1
	}
	p.List.Open[i].ReservationID = reservationID
	p.move(i, StandbyAccepted, t)
	return p.done()
}

// Position returns e's place in the list's line: 1 for the next to be offered a dose,
// and one more for each entry waiting on the list that joined before it (the id
// breaking ties); 0 unless e is waiting.
func (l StandbyList) Position(e StandbyEntry) int {
	if e.State != StandbyWaiting {
		return 0
	}
	n := 1
	for _, c := range l.Open {
		if c.State == StandbyWaiting && serveOrder(c.StandbyEntry, e) < 0 {
			n++
		}
	}
	return n
}

// serveOrder compares two entries in the order a list serves them, the stores' ORDER
// BY joined_at, id: by the time they joined, then by id.
func serveOrder(a, b StandbyEntry) int {
	return cmp.Or(a.JoinedAt.Compare(b.JoinedAt), cmp.Compare(a.ID, b.ID))
}

// NumberLine sets the Position of the waiting entries of a line read in serving
// order: 1 for the first waiting, and so on; other entries keep 0.
func NumberLine(entries []StandbyListEntry) {
	pos := 0
	for i := range entries {
		if entries[i].State == StandbyWaiting {
			pos++
			entries[i].Position = pos
		}
	}
}

// plan starts a plan on a copy of the list, its entries in serving order.
func (l StandbyList) plan() StandbyPlan {
	p := StandbyPlan{List: StandbyList{Doses: l.Doses, Open: slices.Clone(l.Open)}}
	p.sort()
	return p
}

// sort puts the open entries in serving order.
func (p *StandbyPlan) sort() {
	slices.SortFunc(p.List.Open, func(a, b StandbyCandidate) int { return serveOrder(a.StandbyEntry, b.StandbyEntry) })
}

// index returns the place of the open entry with the id, or -1.
func (p *StandbyPlan) index(id int64) int {
	return slices.IndexFunc(p.List.Open, func(c StandbyCandidate) bool { return c.ID == id })
}

// settle expires the offers that ran out at t.Now and, on the list's own day, offers
// the free doses down the line.
func (p *StandbyPlan) settle(t StandbyTime) {
	for i := range p.List.Open {
		if p.List.Open[i].OfferDue(t.Now) {
			p.move(i, StandbyExpired, t)
		}
	}
	if DateOf(t.Now) != p.List.Doses.Date {
		return
	}
	for i := range p.List.Open {
		if p.List.Doses.Free() <= 0 {
			return
		}
		switch c := p.List.Open[i]; {
		case c.State != StandbyWaiting:
		case c.Booked:
			p.move(i, StandbyWithdrawn, t)
		default:
			p.move(i, StandbyOffered, t)
		}
	}
}

// move moves the open entry at i to state to at t.Now, keeping the counters in step:
// an offer holds a dose, an acceptance takes it, and any other end of an offer gives it
// back.
func (p *StandbyPlan) move(i int, to StandbyState, t StandbyTime) {
	c := &p.List.Open[i]
	from := c.State
	c.State, c.UpdatedAt = to, t.Now
	var d DoseChange
	switch {
	case to == StandbyOffered:
		c.OfferedAt, c.ExpiresAt = t.Now, t.OfferExpiry()
		d.Offered++
	case from == StandbyOffered && to == StandbyAccepted:
		d.Offered--
		d.Accepted++
	case from == StandbyOffered:
		d.Offered--
	}
	p.Doses.Offered += d.Offered
	p.Doses.Accepted += d.Accepted
	p.List.Doses.Offered += d.Offered
	p.List.Doses.Accepted += d.Accepted
	p.Moves = append(p.Moves, StandbyMove{From: from, Entry: c.StandbyEntry})
}

// done drops the entries the plan closed from its list.
func (p StandbyPlan) done() StandbyPlan {
	p.List.Open = slices.DeleteFunc(p.List.Open, func(c StandbyCandidate) bool { return !c.State.Open() })
	return p
}
