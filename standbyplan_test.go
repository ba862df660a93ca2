package vaxbook_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"vaxbook"
)

// The standby decisions, one table: each row is a list as a store reads it under its
// lock, one decision at an instant, and the plan the store must write (or the error,
// when nothing may be written). The stores' conformance suite checks that the plans are
// written; this table checks what they say.

// planDay is the day of the table's lists, and planNow the instant of most decisions.
var (
	planDay = vaxbook.NewDate(2021, time.September, 6)
	planNow = planDay.At(10, 0)
	planT   = vaxbook.StandbyTime{Now: planNow, OfferWindow: 10 * time.Minute}
)

// waiting is entry id of person-id, waiting since minute m of planDay's 9 o'clock.
func waiting(id int64, m int) vaxbook.StandbyCandidate {
	joined := planDay.At(9, m)
	return vaxbook.StandbyCandidate{StandbyEntry: vaxbook.StandbyEntry{
		ID: id, CampaignID: 1, SiteID: 7, Date: planDay, PersonKey: fmt.Sprintf("person-%d", id),
		State: vaxbook.StandbyWaiting, JoinedAt: joined, UpdatedAt: joined,
	}}
}

// booked is a waiting entry whose person holds a reservation in the campaign.
func booked(id int64, m int) vaxbook.StandbyCandidate {
	c := waiting(id, m)
	c.Booked = true
	return c
}

// offered is an entry offered a dose at 9:55 that runs out at expires.
func offered(id int64, m int, expires time.Time) vaxbook.StandbyCandidate {
	c := waiting(id, m)
	c.State, c.OfferedAt, c.ExpiresAt = vaxbook.StandbyOffered, planDay.At(9, 55), expires
	return c
}

// closed is an entry of the list that is no longer open (not read with the list).
func closed(id int64, state vaxbook.StandbyState) vaxbook.StandbyEntry {
	e := waiting(id, 0).StandbyEntry
	e.State = state
	return e
}

func doses(released, offered, accepted int) vaxbook.LeftoverDoses {
	return vaxbook.LeftoverDoses{CampaignID: 1, SiteID: 7, Date: planDay, Released: released, Offered: offered, Accepted: accepted}
}

func list(d vaxbook.LeftoverDoses, open ...vaxbook.StandbyCandidate) vaxbook.StandbyList {
	return vaxbook.StandbyList{Doses: d, Open: open}
}

// moves renders a plan's moves as "id:from>to", in order.
func moves(p vaxbook.StandbyPlan) []string {
	var out []string
	for _, m := range p.Moves {
		out = append(out, fmt.Sprintf("%d:%s>%s", m.Entry.ID, m.From, m.Entry.State))
	}
	return out
}

func entryIDs(es []vaxbook.StandbyEntry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestStandbyDecisions(t *testing.T) {
	later := planNow.Add(5 * time.Minute)
	tests := []struct {
		name   string
		decide func() (vaxbook.StandbyPlan, error)
		code   vaxbook.Code
		moves  []string
		change vaxbook.DoseChange
		after  vaxbook.LeftoverDoses
		offers []int64 // entries given an offer message
		ended  []int64 // entries whose unsent offer message is withdrawn
	}{
		// Settling.
		{name: "a quiet list settles to nothing",
			decide: settle(list(doses(1, 1, 0), offered(1, 0, later), waiting(2, 1)), planT),
			after:  doses(1, 1, 0)},
		{name: "a free dose goes to the first in line by the time they joined",
			decide: settle(list(doses(1, 0, 0), waiting(3, 2), waiting(2, 1)), planT),
			moves:  []string{"2:waiting>offered"}, change: vaxbook.DoseChange{Offered: 1}, after: doses(1, 1, 0),
			offers: []int64{2}},
		{name: "people who joined in the same instant are served by id",
			decide: settle(list(doses(1, 0, 0), waiting(5, 1), waiting(4, 1)), planT),
			moves:  []string{"4:waiting>offered"}, change: vaxbook.DoseChange{Offered: 1}, after: doses(1, 1, 0),
			offers: []int64{4}},
		{name: "each free dose goes down the line, and doses nobody waits for stay free",
			decide: settle(list(doses(3, 0, 1), waiting(1, 0)), planT),
			moves:  []string{"1:waiting>offered"}, change: vaxbook.DoseChange{Offered: 1}, after: doses(3, 1, 1),
			offers: []int64{1}},
		{name: "no free dose, no offer",
			decide: settle(list(doses(2, 1, 1), offered(1, 0, later), waiting(2, 1)), planT),
			after:  doses(2, 1, 1)},
		{name: "a person who booked meanwhile is withdrawn and the dose goes to the next",
			decide: settle(list(doses(1, 0, 0), booked(1, 0), waiting(2, 1)), planT),
			moves:  []string{"1:waiting>withdrawn", "2:waiting>offered"}, change: vaxbook.DoseChange{Offered: 1},
			after: doses(1, 1, 0), offers: []int64{2}},
		{name: "a person who booked is left in line while no dose is free",
			decide: settle(list(doses(0, 0, 0), booked(1, 0)), planT),
			after:  doses(0, 0, 0)},
		{name: "an offer that ran out expires and its dose goes to the next",
			decide: settle(list(doses(1, 1, 0), offered(1, 0, planNow.Add(-time.Minute)), waiting(2, 1)), planT),
			moves:  []string{"1:offered>expired", "2:waiting>offered"}, after: doses(1, 1, 0),
			offers: []int64{2}, ended: []int64{1}},
		{name: "an offer runs out at the instant it expires",
			decide: settle(list(doses(1, 1, 0), offered(1, 0, planNow)), planT),
			moves:  []string{"1:offered>expired"}, change: vaxbook.DoseChange{Offered: -1}, after: doses(1, 0, 0),
			ended: []int64{1}},
		{name: "yesterday's offers expire but its free doses are offered to nobody",
			decide: settle(list(doses(2, 1, 0), offered(1, 0, planNow.Add(-time.Minute)), waiting(2, 1)),
				vaxbook.StandbyTime{Now: planDay.AddDays(1).At(8, 0), OfferWindow: 10 * time.Minute}),
			moves: []string{"1:offered>expired"}, change: vaxbook.DoseChange{Offered: -1}, after: doses(2, 0, 0),
			ended: []int64{1}},

		// Joining.
		{name: "who joins with a dose free is offered it at once",
			decide: join(list(doses(1, 0, 0)), 9),
			moves:  []string{"9:waiting>offered"}, change: vaxbook.DoseChange{Offered: 1}, after: doses(1, 1, 0),
			offers: []int64{9}},
		{name: "who joins behind others waits at the back",
			decide: join(list(doses(1, 1, 0), offered(1, 0, later), waiting(2, 1)), 9),
			after:  doses(1, 1, 0)},

		// Releasing a dose.
		{name: "a released dose is counted and offered to the first in line",
			decide: release(list(doses(0, 0, 0), waiting(1, 0), waiting(2, 1))),
			moves:  []string{"1:waiting>offered"}, change: vaxbook.DoseChange{Released: 1, Offered: 1},
			after: doses(1, 1, 0), offers: []int64{1}},
		{name: "a released dose nobody waits for stays free",
			decide: release(list(doses(1, 0, 1))),
			change: vaxbook.DoseChange{Released: 1}, after: doses(2, 0, 1)},

		// Leaving.
		{name: "leaving while waiting withdraws the entry",
			decide: leave(list(doses(0, 0, 0), waiting(1, 0), waiting(2, 1)), waiting(1, 0).StandbyEntry, "person-1"),
			moves:  []string{"1:waiting>withdrawn"}, after: doses(0, 0, 0)},
		{name: "leaving with an offer declines it and the dose goes to the next",
			decide: leave(list(doses(1, 1, 0), offered(1, 0, later), waiting(2, 1)), offered(1, 0, later).StandbyEntry, "person-1"),
			moves:  []string{"1:offered>declined", "2:waiting>offered"}, after: doses(1, 1, 0),
			offers: []int64{2}, ended: []int64{1}},
		{name: "leaving when the settled list just offered you a dose declines it",
			decide: leave(list(doses(1, 0, 0), waiting(1, 0)), waiting(1, 0).StandbyEntry, "person-1"),
			moves:  []string{"1:waiting>offered", "1:offered>declined"}, after: doses(1, 0, 0),
			ended: []int64{1}},
		{name: "another person's entry cannot be left",
			decide: leave(list(doses(0, 0, 0), waiting(1, 0)), waiting(1, 0).StandbyEntry, "person-2"),
			code:   vaxbook.CodeNotFound},
		{name: "an entry whose offer ran out is no longer on the list",
			decide: leave(list(doses(1, 1, 0), offered(1, 0, planNow)), offered(1, 0, planNow).StandbyEntry, "person-1"),
			code:   vaxbook.CodeNotFound},
		{name: "an accepted entry cannot be left",
			decide: leave(list(doses(1, 0, 1)), closed(1, vaxbook.StandbyAccepted), "person-1"),
			code:   vaxbook.CodeNotFound},

		// Declining.
		{name: "declining passes the dose to the next in line",
			decide: decline(list(doses(1, 1, 0), offered(1, 0, later), booked(2, 1), waiting(3, 2)), offered(1, 0, later).StandbyEntry, "person-1"),
			moves:  []string{"1:offered>declined", "2:waiting>withdrawn", "3:waiting>offered"}, after: doses(1, 1, 0),
			offers: []int64{3}, ended: []int64{1}},
		{name: "declining with nobody next gives the dose back",
			decide: decline(list(doses(1, 1, 0), offered(1, 0, later)), offered(1, 0, later).StandbyEntry, "person-1"),
			moves:  []string{"1:offered>declined"}, change: vaxbook.DoseChange{Offered: -1}, after: doses(1, 0, 0),
			ended: []int64{1}},
		{name: "declining while waiting is refused",
			decide: decline(list(doses(0, 0, 0), waiting(1, 0)), waiting(1, 0).StandbyEntry, "person-1"),
			code:   vaxbook.CodeNoOffer},
		{name: "declining an offer that ran out is refused",
			decide: decline(list(doses(1, 1, 0), offered(1, 0, planNow)), offered(1, 0, planNow).StandbyEntry, "person-1"),
			code:   vaxbook.CodeOfferExpired},
		{name: "declining an accepted dose is refused",
			decide: decline(list(doses(1, 0, 1)), closed(1, vaxbook.StandbyAccepted), "person-1"),
			code:   vaxbook.CodeNoOffer},
		{name: "another person's offer cannot be declined",
			decide: decline(list(doses(1, 1, 0), offered(1, 0, later)), offered(1, 0, later).StandbyEntry, "person-2"),
			code:   vaxbook.CodeNotFound},

		// Accepting.
		{name: "accepting moves the dose from offered to accepted, and settles nothing",
			decide: accept(list(doses(2, 1, 0), offered(1, 0, later), waiting(2, 1)), offered(1, 0, later).StandbyEntry, "person-1"),
			moves:  []string{"1:offered>accepted"}, change: vaxbook.DoseChange{Offered: -1, Accepted: 1},
			after: doses(2, 0, 1), ended: []int64{1}},
		{name: "accepting an offer that ran out is refused",
			decide: accept(list(doses(1, 1, 0)), offered(1, 0, planNow).StandbyEntry, "person-1"), code: vaxbook.CodeOfferExpired},
		{name: "accepting twice is refused",
			decide: accept(list(doses(1, 1, 0)), closed(1, vaxbook.StandbyAccepted), "person-1"), code: vaxbook.CodeAlreadyBooked},
		{name: "accepting while waiting is refused",
			decide: accept(list(doses(1, 1, 0)), waiting(1, 0).StandbyEntry, "person-1"), code: vaxbook.CodeNoOffer},
		{name: "accepting an expired entry is refused",
			decide: accept(list(doses(1, 1, 0)), closed(1, vaxbook.StandbyExpired), "person-1"), code: vaxbook.CodeOfferExpired},
		{name: "another person's offer cannot be accepted",
			decide: accept(list(doses(1, 1, 0)), offered(1, 0, later).StandbyEntry, "person-2"), code: vaxbook.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.decide()
			if got := vaxbook.ErrorCode(err); got != tt.code {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
			if err != nil {
				return
			}
			if got := moves(p); !slices.Equal(got, tt.moves) {
				t.Errorf("moves %q, want %q", got, tt.moves)
			}
			if p.Doses != tt.change {
				t.Errorf("dose change %+v, want %+v", p.Doses, tt.change)
			}
			if p.List.Doses != tt.after {
				t.Errorf("doses after %+v, want %+v", p.List.Doses, tt.after)
			}
			if got := entryIDs(p.NewOffers()); !slices.Equal(got, tt.offers) {
				t.Errorf("offer messages for %v, want %v", got, tt.offers)
			}
			if got := p.EndedOffers(); !slices.Equal(got, tt.ended) {
				t.Errorf("offer messages withdrawn for %v, want %v", got, tt.ended)
			}
			if p.Changed() != (len(tt.moves) > 0) {
				t.Errorf("Changed() = %v with moves %q", p.Changed(), tt.moves)
			}
			for _, c := range p.List.Open {
				if !c.State.Open() {
					t.Errorf("entry %d is %s but still on the list", c.ID, c.State)
				}
			}
		})
	}
}

func settle(l vaxbook.StandbyList, t vaxbook.StandbyTime) func() (vaxbook.StandbyPlan, error) {
	return func() (vaxbook.StandbyPlan, error) { return l.Settle(t), nil }
}

func join(l vaxbook.StandbyList, id int64) func() (vaxbook.StandbyPlan, error) {
	return func() (vaxbook.StandbyPlan, error) {
		e := vaxbook.StandbyEntry{ID: id, CampaignID: 1, SiteID: 7, Date: planDay, PersonKey: "person-new"}
		return l.Join(e, planT), nil
	}
}

func release(l vaxbook.StandbyList) func() (vaxbook.StandbyPlan, error) {
	return func() (vaxbook.StandbyPlan, error) { return l.Release(planT), nil }
}

func leave(l vaxbook.StandbyList, e vaxbook.StandbyEntry, person string) func() (vaxbook.StandbyPlan, error) {
	return func() (vaxbook.StandbyPlan, error) { return l.Leave(e, person, planT) }
}

func decline(l vaxbook.StandbyList, e vaxbook.StandbyEntry, person string) func() (vaxbook.StandbyPlan, error) {
	return func() (vaxbook.StandbyPlan, error) { return l.Decline(e, person, planT) }
}

// accept decides as a store does: the reservation first, then, once it is inserted
// (as id 100), the plan.
func accept(l vaxbook.StandbyList, e vaxbook.StandbyEntry, person string) func() (vaxbook.StandbyPlan, error) {
	return func() (vaxbook.StandbyPlan, error) {
		r, err := e.LeftoverReservation(vaxbook.AcceptRequest{EntryID: e.ID, PersonKey: person, Time: planT})
		if err != nil {
			return vaxbook.StandbyPlan{}, err
		}
		r.ID = 100
		return l.Accept(e, r.ID, planT), nil
	}
}

func TestAStandbyOfferRunsForItsWindowButNeverPastMidnight(t *testing.T) {
	tests := []struct {
		name   string
		at     time.Time
		window time.Duration
		want   time.Time
	}{
		{"the configured window", planNow, 3 * time.Minute, planNow.Add(3 * time.Minute)},
		{"the default window when none is set", planNow, 0, planNow.Add(vaxbook.DefaultOfferWindow)},
		{"cut at midnight late in the day", planDay.At(23, 55), 10 * time.Minute, planDay.AddDays(1).At(0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := list(doses(1, 0, 0), waiting(1, 0)).Settle(vaxbook.StandbyTime{Now: tt.at, OfferWindow: tt.window})
			if len(p.Moves) != 1 {
				t.Fatalf("moves %q, want one offer", moves(p))
			}
			e := p.Moves[0].Entry
			if !e.OfferedAt.Equal(tt.at) || !e.ExpiresAt.Equal(tt.want) || !e.UpdatedAt.Equal(tt.at) {
				t.Errorf("offered %s until %s (updated %s), want %s until %s", e.OfferedAt, e.ExpiresAt, e.UpdatedAt, tt.at, tt.want)
			}
		})
	}
}

func TestALeftoverReservationIsTheOfferedPersonsOwnOnTheEntrysDay(t *testing.T) {
	e := offered(1, 0, planNow.Add(5*time.Minute)).StandbyEntry
	second := planDay.AddDays(42)
	r, err := e.LeftoverReservation(vaxbook.AcceptRequest{EntryID: 1, PersonKey: e.PersonKey, SecondDate: second, Group: 3, Time: planT})
	if err != nil {
		t.Fatal(err)
	}
	want := vaxbook.Reservation{CampaignID: 1, PersonKey: e.PersonKey, SiteID: 7, Date: planDay, SecondDate: second, Group: 3,
		Status: vaxbook.StatusConfirmed, CreatedAt: planNow, UpdatedAt: planNow}
	if r != want {
		t.Errorf("reservation %+v, want %+v", r, want)
	}
	p := list(doses(1, 1, 0), offered(1, 0, planNow.Add(5*time.Minute))).Accept(e, 100, planT)
	if got := p.Moves[0].Entry; got.ReservationID != 100 || !got.UpdatedAt.Equal(planNow) {
		t.Errorf("accepted entry %+v, want reservation 100 at %s", got, planNow)
	}
}

func TestAPlaceInLineCountsTheWaitingWhoJoinedBefore(t *testing.T) {
	l := list(doses(1, 1, 0), offered(1, 0, planNow.Add(time.Minute)), waiting(4, 3), waiting(2, 1), waiting(3, 1))
	for _, tt := range []struct {
		e    vaxbook.StandbyEntry
		want int
	}{
		{waiting(2, 1).StandbyEntry, 1},
		{waiting(3, 1).StandbyEntry, 2},
		{waiting(4, 3).StandbyEntry, 3},
		{offered(1, 0, planNow.Add(time.Minute)).StandbyEntry, 0},
		{closed(5, vaxbook.StandbyExpired), 0},
	} {
		if got := l.Position(tt.e); got != tt.want {
			t.Errorf("place of entry %d (%s) = %d, want %d", tt.e.ID, tt.e.State, got, tt.want)
		}
	}
	line := []vaxbook.StandbyListEntry{{StandbyEntry: offered(1, 0, planNow).StandbyEntry},
		{StandbyEntry: waiting(2, 1).StandbyEntry}, {StandbyEntry: waiting(3, 1).StandbyEntry}}
	vaxbook.NumberLine(line)
	if line[0].Position != 0 || line[1].Position != 1 || line[2].Position != 2 {
		t.Errorf("numbered line %d %d %d, want 0 1 2", line[0].Position, line[1].Position, line[2].Position)
	}
}
