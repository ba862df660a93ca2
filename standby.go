package vaxbook

import (
	"context"
	"encoding/json"
	"time"
)

// Leftover doses (잔여백신): when a confirmed person cancels late or does not come, the
// clinic records the dose as left over, and it is offered to the site's same-day standby
// list (당일 예비명단), first come first served. The person at the head of the line gets a
// short window to accept; a dose declined or not taken in time goes to the next. The
// rules of every booking hold: one reservation per person and campaign, always in the
// name of the person verified in the session.
//
// Leftover doses are counted apart from the fair shares of rule 4: a reservation made
// from one is marked as such and never counts in a share's booked counter, so that the
// audit of shares still matches its rows, and the site-and-date leftover counters
// (released, offered, accepted) have an audit of their own.

// DefaultOfferWindow is how long a person has to accept a leftover dose offered to them
// when the service is not configured otherwise: short, because the dose is already
// thawed and the clinic closes the same day.
const DefaultOfferWindow = 10 * time.Minute

// KindStandbyOffer is the notification that a leftover dose is offered to a person. Its
// outbox row names the standby entry (not a reservation) in ReservationID, and its
// idempotency key is IdempotencyKey(KindStandbyOffer, entry id): an entry is offered a
// dose at most once. The transaction that ends the offer (it expires, is declined or
// accepted) deletes the row if it is not yet sent, so that no late text offers a dose
// that is no longer the person's.
const KindStandbyOffer MessageKind = "standby_offer"

// The audit actions of the clinic side of the standby list.
const (
	AuditViewStandby    = "view_standby"
	AuditRecordLeftover = "record_leftover"
)

// StandbyState is the state of a standby entry.
type StandbyState string

// The standby states. An entry waits in line, is offered a dose, and then is accepted,
// declined or expired; a person may withdraw an entry that is waiting. Waiting and
// offered entries are open: a person holds at most one open entry per day.
const (
	StandbyWaiting   StandbyState = "waiting"
	StandbyOffered   StandbyState = "offered"
	StandbyAccepted  StandbyState = "accepted"
	StandbyDeclined  StandbyState = "declined"
	StandbyExpired   StandbyState = "expired"
	StandbyWithdrawn StandbyState = "withdrawn"
)

// Open reports whether the entry is still in line or holds an offer.
func (s StandbyState) Open() bool { return s == StandbyWaiting || s == StandbyOffered }

// StandbyEntry is a person's place on a site's standby list for one day, and the offer
// of a dose once one is made to them (an entry is offered at most one dose).
type StandbyEntry struct {
	ID         int64
	CampaignID int64
	SiteID     int64
	PersonKey  string
	Date       Date
	State      StandbyState
	JoinedAt   time.Time
	UpdatedAt  time.Time
	// OfferedAt and ExpiresAt are set once a dose is offered: the person may accept
	// it from OfferedAt until just before ExpiresAt.
	OfferedAt time.Time
	ExpiresAt time.Time
	// ReservationID is the reservation made when the offer was accepted.
	ReservationID int64
	// Position is the entry's place in line, 1 for the next to be offered a dose, when
	// it is waiting; 0 otherwise.
	Position int
}

// StandbyTime is the instant of a standby operation and how long an offer made during
// it lasts. The store makes offers inside its transactions, so it is told both.
type StandbyTime struct {
	Now         time.Time
	OfferWindow time.Duration
}

// OfferExpiry returns when an offer made at t.Now expires: t.OfferWindow later
// (DefaultOfferWindow when not set), but never after the day ends, because a leftover
// dose is given on the day it was left.
func (t StandbyTime) OfferExpiry() time.Time {
	w := t.OfferWindow
	if w <= 0 {
		w = DefaultOfferWindow
	}
	return minTime(t.Now.Add(w), DateOf(t.Now).AddDays(1).At(0, 0))
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// OfferDue reports whether e holds an offer that has run out at t and must pass on.
func (e StandbyEntry) OfferDue(t time.Time) bool {
	return e.State == StandbyOffered && !t.Before(e.ExpiresAt)
}

// CheckStandbyJoin returns nil if a person born on birth may join a standby list of the
// campaign for day d at t: the list is for the same day only, on a vaccination date of
// the campaign (CodeStandbyClosed), and for the campaign's cohort (CodeNotEligible).
// The rules that need rows (the site vaccinates that day, the person holds no
// reservation and no other open entry) are the store's.
func CheckStandbyJoin(c Campaign, birth Date, d Date, t time.Time) error {
	if d != DateOf(t) {
		return Errorf(CodeStandbyClosed, "the standby list is for today (%s) only", DateOf(t))
	}
	if d.Before(c.VaccinationFrom) || d.After(c.VaccinationTo) {
		return Errorf(CodeStandbyClosed, "%s is not a vaccination date of this campaign (%s to %s)", d, c.VaccinationFrom, c.VaccinationTo)
	}
	if !c.InCohort(birth) {
		return Errorf(CodeNotEligible, "people born on %s are not in this campaign's cohort (%s to %s)", birth, c.CohortFrom, c.CohortTo)
	}
	return nil
}

// CheckLeftover returns nil if a clinic may record a leftover dose of the campaign for
// day d at t: on that same day, a vaccination date of the campaign.
func CheckLeftover(c Campaign, d Date, t time.Time) error {
	if d != DateOf(t) {
		return Errorf(CodeStandbyClosed, "leftover doses are recorded on their day only (today is %s)", DateOf(t))
	}
	if d.Before(c.VaccinationFrom) || d.After(c.VaccinationTo) {
		return Errorf(CodeStandbyClosed, "%s is not a vaccination date of this campaign", d)
	}
	return nil
}

// CheckAccept returns nil if the person may accept the offer of e at t. Another
// person's entry is reported as missing (CodeNotFound); an offer already accepted is
// CodeAlreadyBooked; one that ran out (or whose day is over) CodeOfferExpired; an entry
// that holds no offer CodeNoOffer.
func (e StandbyEntry) CheckAccept(personKey string, t time.Time) error {
	if e.PersonKey != personKey {
		return Errorf(CodeNotFound, "no such standby entry")
	}
	switch {
	case e.State == StandbyAccepted:
		return Errorf(CodeAlreadyBooked, "you already accepted this dose; your appointment is today")
	case e.State == StandbyExpired, e.OfferDue(t), e.State == StandbyOffered && DateOf(t) != e.Date:
		return Errorf(CodeOfferExpired, "the offer ran out at %s and went to the next person in line", e.ExpiresAt.In(Seoul).Format("15:04"))
	case e.State != StandbyOffered:
		return Errorf(CodeNoOffer, "no dose is offered to you (your standby entry is %s)", e.State)
	}
	return nil
}

// CheckDecline returns nil if the person may decline the offer of e at t, with the
// codes of CheckAccept; declining an accepted offer is CodeNoOffer (cancel the
// reservation instead).
func (e StandbyEntry) CheckDecline(personKey string, t time.Time) error {
	err := e.CheckAccept(personKey, t)
	if ErrorCode(err) == CodeAlreadyBooked {
		return Errorf(CodeNoOffer, "you accepted this dose; it can no longer be declined")
	}
	return err
}

// CheckLeave returns nil if the person may take e off the list: only an open entry of
// their own. Leaving with an offer declines it.
func (e StandbyEntry) CheckLeave(personKey string) error {
	if e.PersonKey != personKey {
		return Errorf(CodeNotFound, "no such standby entry")
	}
	if !e.State.Open() {
		return Errorf(CodeNotFound, "you are not on a standby list (your entry is %s)", e.State)
	}
	return nil
}

// LeftoverDoses are a site's leftover doses of one campaign on one day: how many the
// clinic released, how many are held by an open offer, and how many were taken by a
// reservation. Offered + Accepted never exceeds Released.
type LeftoverDoses struct {
	CampaignID int64
	SiteID     int64
	Date       Date
	Released   int
	Offered    int
	Accepted   int
}

// Free returns the doses released that nobody holds: they go to the next person to
// join the list.
func (l LeftoverDoses) Free() int { return l.Released - l.Offered - l.Accepted }

// StandbyLine is a site's standby list of a day as its clinic sees it: the doses, and
// the open entries in the order they will be served (offers first, then the line).
type StandbyLine struct {
	Doses   LeftoverDoses
	Entries []StandbyListEntry
}

// Waiting returns how many entries wait in line.
func (l StandbyLine) Waiting() int {
	n := 0
	for _, e := range l.Entries {
		if e.State == StandbyWaiting {
			n++
		}
	}
	return n
}

// StandbyListEntry is one open entry as the clinic sees it: what its appointment list
// shows of a person (name and birth date), never the phone or the person key.
type StandbyListEntry struct {
	StandbyEntry
	PersonName string
	Birth      Date
}

// StandbySite is a site that vaccinates on a day, with its standby line's length and
// its doses nobody holds, for a resident choosing where to wait.
type StandbySite struct {
	Site
	Waiting int
	Free    int
}

// AcceptRequest asks for the reservation of an accepted offer: the entry, the person
// (who must own it), the second-dose date and rotation group of the reservation, and the
// time of the acceptance.
type AcceptRequest struct {
	EntryID    int64
	PersonKey  string
	SecondDate Date
	Group      int
	Time       StandbyTime
}

// LeftoverAudit counts the violations of the leftover accounting from the rows; every
// field but the totals is zero in a healthy store.
type LeftoverAudit struct {
	// Drift counts site-and-day counters whose offered or accepted value differs from
	// the open offers and leftover reservations that hold a dose.
	Drift int
	// Overdrawn counts counters where more doses are held than were released.
	Overdrawn int
	// Released, OpenOffers and LeftoverReservations are the totals compared.
	Released             int
	OpenOffers           int
	LeftoverReservations int
}

// StandbyOfferPayload returns the payload of the message offering e's dose: the place,
// the day and the time the offer runs out.
func StandbyOfferPayload(e StandbyEntry) []byte {
	b, _ := json.Marshal(struct {
		MessagePayload
		ExpiresAt string `json:"expires_at"`
	}{MessagePayload{CampaignID: e.CampaignID, SiteID: e.SiteID, Date: e.Date.String()}, e.ExpiresAt.In(Seoul).Format(time.RFC3339)})
	return b
}

// Standby is the storage of standby lists and leftover doses. Both stores implement it,
// and both pass the conformance suite's standby table. Every method that changes a list
// first settles it at t.Now: offers that ran out expire, and every dose nobody holds is
// offered to the next person waiting (skipping those who booked meanwhile), each offer
// with its outbox message in the same transaction.
type Standby interface {
	// JoinStandby puts the person at the back of the site's list for e.Date and
	// returns the entry (already offered a dose if one was free). CodeStandbyClosed
	// if the site does not vaccinate that day, CodeAlreadyBooked if the person holds a
	// reservation (or was vaccinated) in the campaign, CodeOnStandby if they hold an
	// open entry that day.
	JoinStandby(ctx context.Context, e StandbyEntry, t StandbyTime) (StandbyEntry, error)
	// StandbyEntryOf returns the person's latest entry of day d, settling its list
	// first, or CodeNotFound.
	StandbyEntryOf(ctx context.Context, personKey string, d Date, t StandbyTime) (StandbyEntry, error)
	// LeaveStandby takes the person's open entry off its list (an offer it holds is
	// declined and passes on). CodeNotFound if the person has no such open entry.
	LeaveStandby(ctx context.Context, personKey string, entryID int64, t StandbyTime) (StandbyEntry, error)
	// DeclineOffer declines the offer of the person's entry; the dose passes on. The
	// codes are those of StandbyEntry.CheckDecline.
	DeclineOffer(ctx context.Context, personKey string, entryID int64, t StandbyTime) (StandbyEntry, error)
	// AcceptOffer books the offered dose for the person: a confirmed reservation at
	// the entry's site on its day, counted as a leftover (never in a share), with its
	// "booked" message, in one transaction. The codes are those of
	// StandbyEntry.CheckAccept, and CodeAlreadyBooked if the person holds a
	// reservation in the campaign; on any error nothing is booked.
	AcceptOffer(ctx context.Context, req AcceptRequest) (Reservation, error)
	// RecordLeftover adds one leftover dose of the campaign at the site on day d and
	// offers it at once if someone waits. CodeStandbyClosed if the site does not
	// vaccinate that day in the campaign.
	RecordLeftover(ctx context.Context, campaignID, siteID int64, d Date, t StandbyTime) (LeftoverDoses, error)
	// StandbyLine returns the site's doses and open entries of day d, settling the
	// list first.
	StandbyLine(ctx context.Context, campaignID, siteID int64, d Date, t StandbyTime) (StandbyLine, error)
	// StandbySites returns the sites matching q (province, district, name, paging)
	// that vaccinate on q.From in campaign q.CampaignID, by id.
	StandbySites(ctx context.Context, q SiteQuery) ([]StandbySite, error)
	// SettleStandby settles every list with an offer that ran out or a dose free for
	// someone waiting, and returns how many lists it settled. The jobs runner calls it
	// so that doses pass on even when nobody reads the list.
	SettleStandby(ctx context.Context, t StandbyTime) (int, error)
	// AuditLeftovers counts the violations of the leftover accounting of a campaign.
	AuditLeftovers(ctx context.Context, campaignID int64) (LeftoverAudit, error)
}
