package storetest

import (
	"testing"
	"time"

	"vaxbook"
)

// The standby list tests run on day1 itself, at 10:00: sites A and B vaccinate that
// day, site C does not.
var standbyAt = day1.At(10, 0)

// offerWindow is the window the tests give an offer.
const offerWindow = 10 * time.Minute

// standbyTime returns the standby time of an operation at t.
func standbyTime(t time.Time) vaxbook.StandbyTime {
	return vaxbook.StandbyTime{Now: t, OfferWindow: offerWindow}
}

// join puts p on the list of site on day1 at t.
func (f fixture) join(tb testing.TB, p vaxbook.Person, site int64, t time.Time) (vaxbook.StandbyEntry, error) {
	tb.Helper()
	e := vaxbook.StandbyEntry{CampaignID: f.c.ID, SiteID: site, PersonKey: p.Key, Date: day1}
	return f.s.JoinStandby(tb.Context(), e, standbyTime(t))
}

// mustJoin joins and fails the test if that is refused.
func (f fixture) mustJoin(tb testing.TB, p vaxbook.Person, site int64, t time.Time) vaxbook.StandbyEntry {
	tb.Helper()
	e, err := f.join(tb, p, site, t)
	if err != nil {
		tb.Fatalf("JoinStandby(%s at site %d): %v", p.Key, site, err)
	}
	return e
}

// mustLeftover records one leftover dose at site on day1 at t.
func (f fixture) mustLeftover(tb testing.TB, site int64, t time.Time) vaxbook.LeftoverDoses {
	tb.Helper()
	d, err := f.s.RecordLeftover(tb.Context(), f.c.ID, site, day1, standbyTime(t))
	if err != nil {
		tb.Fatalf("RecordLeftover(site %d): %v", site, err)
	}
	return d
}

// mustEntry returns p's latest entry of day1, read at t.
func (f fixture) mustEntry(tb testing.TB, p vaxbook.Person, t time.Time) vaxbook.StandbyEntry {
	tb.Helper()
	e, err := f.s.StandbyEntryOf(tb.Context(), p.Key, day1, standbyTime(t))
	if err != nil {
		tb.Fatalf("StandbyEntryOf(%s): %v", p.Key, err)
	}
	return e
}

// wantState fails the test unless p's entry is in state, read at t.
func (f fixture) wantState(tb testing.TB, p vaxbook.Person, t time.Time, state vaxbook.StandbyState) vaxbook.StandbyEntry {
	tb.Helper()
	e := f.mustEntry(tb, p, t)
	if e.State != state {
		tb.Fatalf("%s's standby entry is %s, want %s", p.Key, e.State, state)
	}
	return e
}

// accept accepts entry e's offer as person p at t.
func (f fixture) accept(tb testing.TB, e vaxbook.StandbyEntry, p vaxbook.Person, t time.Time) (vaxbook.Reservation, error) {
	tb.Helper()
	return f.s.AcceptOffer(tb.Context(), vaxbook.AcceptRequest{
		EntryID: e.ID, PersonKey: p.Key, SecondDate: f.c.SecondDose(e.Date), Group: vaxbook.GroupOf(p.Birth),
		Time: standbyTime(t),
	})
}

// mustLine returns the list of site on day1 read at t.
func (f fixture) mustLine(tb testing.TB, site int64, t time.Time) vaxbook.StandbyLine {
	tb.Helper()
	l, err := f.s.StandbyLine(tb.Context(), f.c.ID, site, day1, standbyTime(t))
	if err != nil {
		tb.Fatalf("StandbyLine(site %d): %v", site, err)
	}
	return l
}

// wantDoses fails the test unless the site's leftover doses on day1 are released,
// offered and accepted.
func (f fixture) wantDoses(tb testing.TB, site int64, t time.Time, released, offered, accepted int) {
	tb.Helper()
	d := f.mustLine(tb, site, t).Doses
	if d.Released != released || d.Offered != offered || d.Accepted != accepted {
		tb.Errorf("leftover doses at site %d: released %d, offered %d, accepted %d; want %d, %d, %d",
			site, d.Released, d.Offered, d.Accepted, released, offered, accepted)
	}
}

// mustAuditLeftovers fails the test unless the shares and the leftover doses both match
// their rows, and returns the leftover audit.
func (f fixture) mustAuditLeftovers(tb testing.TB) vaxbook.LeftoverAudit {
	tb.Helper()
	mustAudit(tb, f.s, f.c.ID)
	a, err := f.s.AuditLeftovers(tb.Context(), f.c.ID)
	if err != nil {
		tb.Fatalf("AuditLeftovers: %v", err)
	}
	if a.Drift != 0 || a.Overdrawn != 0 || a.OpenOffers+a.LeftoverReservations > a.Released {
		tb.Errorf("AuditLeftovers = %+v, want no drift and no more doses held than released", a)
	}
	return a
}

// offers returns the pending standby-offer messages by person.
func offers(tb testing.TB, s vaxbook.Store) map[string]int {
	tb.Helper()
	ms, err := s.OutboxMessages(tb.Context(), vaxbook.OutboxPending, 1000)
	if err != nil {
		tb.Fatalf("OutboxMessages: %v", err)
	}
	out := map[string]int{}
	for _, m := range ms {
		if m.Kind == vaxbook.KindStandbyOffer {
			out[m.PersonKey]++
		}
	}
	return out
}

var standbyTests = []storeTest{
	{"people join a site's list in order and see their place in line", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		ps := f.mustPersons(t, 3, func(int) int { return 2 })
		for i, p := range ps {
			e := f.mustJoin(t, p, siteA, standbyAt.Add(time.Duration(i)*time.Second))
			if e.ID == 0 || e.State != vaxbook.StandbyWaiting || e.Position != i+1 || e.SiteID != siteA || e.Date != day1 {
				t.Fatalf("join %d = %+v; want waiting at place %d of site A on %s", i, e, i+1, day1)
			}
		}
		if e := f.mustEntry(t, ps[1], standbyAt.Add(time.Minute)); e.Position != 2 || e.PersonKey != ps[1].Key {
			t.Errorf("second person's entry = %+v; want place 2", e)
		}
		if l := f.mustLine(t, siteA, standbyAt); l.Waiting() != 3 || l.Entries[0].PersonName != ps[0].Name || l.Entries[2].Position != 3 {
			t.Errorf("line = %+v; want the three in order with their names", l)
		}
		_, err := s.StandbyEntryOf(t.Context(), "nobody", day1, standbyTime(standbyAt))
		wantCode(t, "entry of a person not on any list", err, vaxbook.CodeNotFound)
	}},
	{"a person holds one open entry a day, at one site", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		first := f.mustJoin(t, p, siteA, standbyAt)
		_, err := f.join(t, p, siteB, standbyAt)
		wantCode(t, "join a second site", err, vaxbook.CodeOnStandby)
		_, err = f.join(t, p, siteA, standbyAt)
		wantCode(t, "join the same site again", err, vaxbook.CodeOnStandby)
		if _, err := s.LeaveStandby(t.Context(), p.Key, first.ID, standbyTime(standbyAt)); err != nil {
			t.Fatalf("LeaveStandby: %v", err)
		}
		if again := f.mustJoin(t, p, siteB, standbyAt.Add(time.Minute)); again.ID == first.ID || again.Position != 1 {
			t.Errorf("join after leaving = %+v; want a new entry first in line", again)
		}
	}},
	{"only a site that vaccinates that day has a standby list", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		_, err := f.join(t, f.mustPerson(t, 1, 2), siteC, standbyAt)
		wantCode(t, "join at a site without capacity that day", err, vaxbook.CodeStandbyClosed)
		_, err = s.RecordLeftover(t.Context(), f.c.ID, siteC, day1, standbyTime(standbyAt))
		wantCode(t, "leftover at a site without capacity that day", err, vaxbook.CodeStandbyClosed)
	}},
	{"a person who holds a reservation or was vaccinated cannot join", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteB, day2, 100)
		booked, vaccinated := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		mustBook(t, s, f.req(booked, siteB, day2))
		r := mustBook(t, s, f.req(vaccinated, siteB, day1))
		if _, err := s.MarkAttendance(t.Context(), siteB, r.ID, vaxbook.StatusVaccinated, standbyAt); err != nil {
			t.Fatal(err)
		}
		_, err := f.join(t, booked, siteA, standbyAt)
		wantCode(t, "join while booked", err, vaxbook.CodeAlreadyBooked)
		_, err = f.join(t, vaccinated, siteA, standbyAt)
		wantCode(t, "join once vaccinated", err, vaxbook.CodeAlreadyBooked)
	}},
	{"a leftover dose is offered to the first in line with a message, in one step", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p1, p2 := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 3)
		f.mustJoin(t, p1, siteA, standbyAt)
		f.mustJoin(t, p2, siteA, standbyAt.Add(time.Second))
		at := standbyAt.Add(time.Minute)
		d := f.mustLeftover(t, siteA, at)
		if d.Released != 1 || d.Offered != 1 || d.Accepted != 0 || d.Free() != 0 {
			t.Errorf("doses after one leftover = %+v; want 1 released and offered", d)
		}
		e := f.wantState(t, p1, at, vaxbook.StandbyOffered)
		if !e.OfferedAt.Equal(at) || !e.ExpiresAt.Equal(at.Add(offerWindow)) {
			t.Errorf("offer made %v expiring %v; want %v and %v", e.OfferedAt, e.ExpiresAt, at, at.Add(offerWindow))
		}
		if w := f.wantState(t, p2, at, vaxbook.StandbyWaiting); w.Position != 1 {
			t.Errorf("second person is at place %d, want 1 (next in line)", w.Position)
		}
		if got := offers(t, s); got[p1.Key] != 1 || got[p2.Key] != 0 {
			t.Errorf("standby offer messages %v; want one for %s", got, p1.Key)
		}
		f.mustAuditLeftovers(t)
	}},
	{"a dose nobody waits for goes to the next person to join", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		if d := f.mustLeftover(t, siteA, standbyAt); d.Free() != 1 {
			t.Fatalf("doses = %+v; want one free", d)
		}
		if e := f.mustJoin(t, f.mustPerson(t, 1, 2), siteA, standbyAt.Add(time.Minute)); e.State != vaxbook.StandbyOffered {
			t.Errorf("joining with a dose free = %+v; want offered at once", e)
		}
		f.wantDoses(t, siteA, standbyAt.Add(time.Minute), 1, 1, 0)
	}},
	{"accepting books a confirmed reservation that no share counts", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		e := f.mustJoin(t, p, siteA, standbyAt)
		f.mustLeftover(t, siteA, standbyAt)
		at := standbyAt.Add(5 * time.Minute)
		r, err := f.accept(t, e, p, at)
		if err != nil {
			t.Fatalf("AcceptOffer: %v", err)
		}
		if r.ID == 0 || r.Status != vaxbook.StatusConfirmed || r.SiteID != siteA || r.Date != day1 || r.SecondDate != f.c.SecondDose(day1) {
			t.Errorf("reservation = %+v; want confirmed at site A on %s", r, day1)
		}
		if got := f.mustActive(t, p.Key); got.ID != r.ID {
			t.Errorf("active reservation %d, want %d", got.ID, r.ID)
		}
		if e := f.wantState(t, p, at, vaxbook.StandbyAccepted); e.ReservationID != r.ID {
			t.Errorf("entry names reservation %d, want %d", e.ReservationID, r.ID)
		}
		if n := sum(booked(f.mustShares(t, siteA, day1))); n != 0 {
			t.Errorf("shares at A booked %d after a leftover reservation, want 0", n)
		}
		f.wantDoses(t, siteA, at, 1, 0, 1)
		if a := f.mustAuditLeftovers(t); a.LeftoverReservations != 1 || a.Released != 1 {
			t.Errorf("AuditLeftovers = %+v; want 1 released and 1 leftover reservation", a)
		}
	}},
	{"accepting another's offer, twice, or too late changes nothing", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p1, p2, p3 := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2), f.mustPerson(t, 3, 2)
		e1 := f.mustJoin(t, p1, siteA, standbyAt)
		e2 := f.mustJoin(t, p2, siteA, standbyAt.Add(time.Second))
		f.mustJoin(t, p3, siteA, standbyAt.Add(2*time.Second))
		f.mustLeftover(t, siteA, standbyAt)
		_, err := f.accept(t, e1, p2, standbyAt)
		wantCode(t, "accept another person's offer", err, vaxbook.CodeNotFound)
		_, err = f.accept(t, e2, p2, standbyAt)
		wantCode(t, "accept while waiting", err, vaxbook.CodeNoOffer)
		late := standbyAt.Add(offerWindow)
		_, err = f.accept(t, e1, p1, late)
		wantCode(t, "accept when the window has run out", err, vaxbook.CodeOfferExpired)
		f.wantNoActive(t, p1.Key)
		f.wantNoActive(t, p2.Key)
		// The dose passed to the second person on the next read.
		e2 = f.wantState(t, p2, late, vaxbook.StandbyOffered)
		f.wantState(t, p1, late, vaxbook.StandbyExpired)
		_, err = f.accept(t, e1, p1, late)
		wantCode(t, "accept an expired offer", err, vaxbook.CodeOfferExpired)
		if _, err := f.accept(t, e2, p2, late); err != nil {
			t.Fatalf("AcceptOffer: %v", err)
		}
		_, err = f.accept(t, e2, p2, late)
		wantCode(t, "accept twice", err, vaxbook.CodeAlreadyBooked)
		f.wantDoses(t, siteA, late, 1, 0, 1)
		if a := f.mustAuditLeftovers(t); a.LeftoverReservations != 1 {
			t.Errorf("AuditLeftovers = %+v; want one leftover reservation", a)
		}
	}},
	{"declining or leaving passes the dose to the next in line", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		ps := f.mustPersons(t, 4, func(int) int { return 2 })
		es := make([]vaxbook.StandbyEntry, len(ps))
		for i, p := range ps {
			es[i] = f.mustJoin(t, p, siteA, standbyAt.Add(time.Duration(i)*time.Second))
		}
		at := standbyAt.Add(time.Minute)
		f.mustLeftover(t, siteA, at)
		_, err := s.DeclineOffer(t.Context(), ps[1].Key, es[1].ID, standbyTime(at))
		wantCode(t, "decline without an offer", err, vaxbook.CodeNoOffer)
		if e, err := s.DeclineOffer(t.Context(), ps[0].Key, es[0].ID, standbyTime(at)); err != nil || e.State != vaxbook.StandbyDeclined {
			t.Fatalf("DeclineOffer = %+v, %v; want declined", e, err)
		}
		f.wantState(t, ps[1], at, vaxbook.StandbyOffered)
		// Leaving with an offer declines it too; the third person gets the dose.
		if e, err := s.LeaveStandby(t.Context(), ps[1].Key, es[1].ID, standbyTime(at)); err != nil || e.State != vaxbook.StandbyDeclined {
			t.Fatalf("LeaveStandby with an offer = %+v, %v; want declined", e, err)
		}
		f.wantState(t, ps[2], at, vaxbook.StandbyOffered)
		if e, err := s.LeaveStandby(t.Context(), ps[3].Key, es[3].ID, standbyTime(at)); err != nil || e.State != vaxbook.StandbyWithdrawn {
			t.Fatalf("LeaveStandby while waiting = %+v, %v; want withdrawn", e, err)
		}
		_, err = s.LeaveStandby(t.Context(), ps[3].Key, es[3].ID, standbyTime(at))
		wantCode(t, "leave twice", err, vaxbook.CodeNotFound)
		_, err = s.LeaveStandby(t.Context(), ps[0].Key, es[2].ID, standbyTime(at))
		wantCode(t, "leave another person's entry", err, vaxbook.CodeNotFound)
		f.wantState(t, ps[2], at, vaxbook.StandbyOffered)
		f.wantDoses(t, siteA, at, 1, 1, 0)
		// The declined offers' texts, not yet sent, were withdrawn.
		if got := offers(t, s); got[ps[0].Key] != 0 || got[ps[1].Key] != 0 || got[ps[2].Key] != 1 || got[ps[3].Key] != 0 {
			t.Errorf("pending standby offer messages %v; want one, for the third person only", got)
		}
		f.mustAuditLeftovers(t)
	}},
	{"places in line move up as the line is served, and a malformed acceptance books nothing", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		ps := f.mustPersons(t, 3, func(int) int { return 2 })
		es := make([]vaxbook.StandbyEntry, len(ps))
		for i, p := range ps {
			es[i] = f.mustJoin(t, p, siteA, standbyAt.Add(time.Duration(i)*time.Second))
		}
		at := standbyAt.Add(time.Minute)
		if e, err := s.LeaveStandby(t.Context(), ps[0].Key, es[0].ID, standbyTime(at)); err != nil || e.Position != 0 {
			t.Fatalf("LeaveStandby = %+v, %v; want withdrawn, in no place", e, err)
		}
		if e := f.mustEntry(t, ps[2], at); e.Position != 2 {
			t.Errorf("third person's place after the first left = %d, want 2", e.Position)
		}
		f.mustLeftover(t, siteA, at)
		if e := f.wantState(t, ps[1], at, vaxbook.StandbyOffered); e.Position != 0 {
			t.Errorf("offered entry in place %d, want 0", e.Position)
		}
		if e := f.mustEntry(t, ps[2], at); e.Position != 1 {
			t.Errorf("third person's place once the second was offered the dose = %d, want 1", e.Position)
		}
		_, err := s.AcceptOffer(t.Context(), vaxbook.AcceptRequest{EntryID: es[1].ID, PersonKey: ps[1].Key,
			SecondDate: f.c.SecondDose(day1), Group: vaxbook.Groups, Time: standbyTime(at)})
		wantCode(t, "accept with no rotation group", err, vaxbook.CodeInvalidInput)
		f.wantState(t, ps[1], at, vaxbook.StandbyOffered)
		f.wantDoses(t, siteA, at, 1, 1, 0)
		// Read after the offer ran out, the list settles: the dose passes on, and the
		// one reading is told their new standing.
		late := at.Add(offerWindow)
		f.wantState(t, ps[2], late, vaxbook.StandbyOffered)
		f.wantState(t, ps[1], late, vaxbook.StandbyExpired)
		f.wantDoses(t, siteA, late, 1, 1, 0)
		if a := f.mustAuditLeftovers(t); a.LeftoverReservations != 0 || a.OpenOffers != 1 {
			t.Errorf("AuditLeftovers = %+v; want one open offer and no leftover reservation", a)
		}
	}},
	{"an offer that expires, is declined or accepted takes its unsent text with it", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		ps := f.mustPersons(t, 4, func(int) int { return 2 })
		es := make([]vaxbook.StandbyEntry, len(ps))
		for i, p := range ps {
			es[i] = f.mustJoin(t, p, siteA, standbyAt.Add(time.Duration(i)*time.Second))
		}
		for range 3 {
			f.mustLeftover(t, siteA, standbyAt)
		}
		if got := offers(t, s); got[ps[0].Key] != 1 || got[ps[1].Key] != 1 || got[ps[2].Key] != 1 {
			t.Fatalf("pending standby offer messages %v; want one each for the first three", got)
		}
		// The third person's text failed for good: a dead row, which an operator could
		// still retry.
		for _, m := range mustClaim(t, s, standbyAt, 3) {
			if m.PersonKey == ps[2].Key {
				if err := s.MarkFailed(t.Context(), vaxbook.OutboxFailure{ID: m.ID, LastError: "gateway: 410", Next: standbyAt, Dead: true}); err != nil {
					t.Fatalf("MarkFailed: %v", err)
				}
			}
		}
		at := standbyAt.Add(time.Minute)
		if _, err := s.DeclineOffer(t.Context(), ps[0].Key, es[0].ID, standbyTime(at)); err != nil {
			t.Fatalf("DeclineOffer: %v", err)
		}
		if _, err := f.accept(t, es[1], ps[1], at); err != nil {
			t.Fatalf("AcceptOffer: %v", err)
		}
		// The sweep expires the third person's offer, made at standbyAt; the fourth's,
		// made at the decline, still runs.
		if n, err := s.SettleStandby(t.Context(), standbyTime(standbyAt.Add(offerWindow))); err != nil || n != 1 {
			t.Fatalf("SettleStandby = %d, %v; want 1 list settled", n, err)
		}
		f.wantState(t, ps[2], standbyAt.Add(offerWindow), vaxbook.StandbyExpired)
		if got := offers(t, s); got[ps[0].Key] != 0 || got[ps[1].Key] != 0 || got[ps[2].Key] != 0 || got[ps[3].Key] != 1 {
			t.Errorf("pending standby offer messages %v; want one, for the fourth person, whose offer still runs", got)
		}
		for _, m := range mustMessages(t, s, vaxbook.OutboxDead) {
			if m.Kind == vaxbook.KindStandbyOffer {
				t.Errorf("dead offer message %s left after its offer expired", m.IdempotencyKey)
			}
		}
		f.mustAuditLeftovers(t)
	}},
	{"a person who booked while waiting is skipped, and one who books holding an offer cannot accept", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteB, day2, 100)
		p1, p2 := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		f.mustJoin(t, p1, siteA, standbyAt)
		e2 := f.mustJoin(t, p2, siteA, standbyAt.Add(time.Second))
		elsewhere := mustBook(t, s, f.req(p1, siteB, day2))
		f.mustLeftover(t, siteA, standbyAt.Add(time.Minute))
		f.wantState(t, p1, standbyAt.Add(time.Minute), vaxbook.StandbyWithdrawn)
		f.wantState(t, p2, standbyAt.Add(time.Minute), vaxbook.StandbyOffered)
		// p2 books elsewhere while holding the offer: the acceptance is refused.
		other := mustBook(t, s, f.req(p2, siteB, day2))
		_, err := f.accept(t, e2, p2, standbyAt.Add(2*time.Minute))
		wantCode(t, "accept while holding a reservation", err, vaxbook.CodeAlreadyBooked)
		if r := f.mustActive(t, p2.Key); r.ID != other.ID {
			t.Errorf("p2's active reservation %d, want %d", r.ID, other.ID)
		}
		if r := f.mustActive(t, p1.Key); r.ID != elsewhere.ID {
			t.Errorf("p1's active reservation %d, want %d", r.ID, elsewhere.ID)
		}
		f.wantDoses(t, siteA, standbyAt.Add(2*time.Minute), 1, 1, 0)
		f.mustAuditLeftovers(t)
	}},
	{"the sweep passes on offers that ran out on lists nobody reads", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p1, p2 := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		f.mustJoin(t, p1, siteA, standbyAt)
		f.mustJoin(t, p2, siteA, standbyAt.Add(time.Second))
		f.mustLeftover(t, siteA, standbyAt)
		if n, err := s.SettleStandby(t.Context(), standbyTime(standbyAt.Add(time.Minute))); err != nil || n != 0 {
			t.Errorf("SettleStandby before expiry = %d, %v; want 0", n, err)
		}
		late := standbyAt.Add(offerWindow + time.Second)
		if n, err := s.SettleStandby(t.Context(), standbyTime(late)); err != nil || n != 1 {
			t.Fatalf("SettleStandby after expiry = %d, %v; want 1 list settled", n, err)
		}
		if n, err := s.SettleStandby(t.Context(), standbyTime(late)); err != nil || n != 0 {
			t.Errorf("SettleStandby again = %d, %v; want 0", n, err)
		}
		l := f.mustLine(t, siteA, late)
		if len(l.Entries) != 1 || l.Entries[0].PersonKey != p2.Key || l.Entries[0].State != vaxbook.StandbyOffered {
			t.Errorf("line after the sweep = %+v; want only p2, offered", l.Entries)
		}
		f.mustAuditLeftovers(t)
	}},
	{"an offer made late in the day runs out at midnight and no offer is made the next day", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p1, p2 := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		f.mustJoin(t, p1, siteA, day1.At(23, 50))
		f.mustJoin(t, p2, siteA, day1.At(23, 51))
		f.mustLeftover(t, siteA, day1.At(23, 55))
		if e := f.wantState(t, p1, day1.At(23, 55), vaxbook.StandbyOffered); !e.ExpiresAt.Equal(day2.At(0, 0)) {
			t.Errorf("offer at 23:55 expires %v, want midnight", e.ExpiresAt)
		}
		next := day2.At(0, 1)
		f.wantState(t, p1, next, vaxbook.StandbyExpired)
		f.wantState(t, p2, next, vaxbook.StandbyWaiting)
		f.wantDoses(t, siteA, next, 1, 0, 0)
	}},
	{"cancelling a leftover reservation gives the dose back to the leftovers, not to a share", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		e := f.mustJoin(t, p, siteA, standbyAt)
		f.mustLeftover(t, siteA, standbyAt)
		r, err := f.accept(t, e, p, standbyAt)
		if err != nil {
			t.Fatal(err)
		}
		before := f.mustShares(t, siteA, day1)
		if _, err := s.Cancel(t.Context(), p.Key, r.ID, standbyAt.Add(time.Minute)); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		if after := f.mustShares(t, siteA, day1); after != before {
			t.Errorf("shares changed by cancelling a leftover reservation: %v → %v", booked(before), booked(after))
		}
		f.wantDoses(t, siteA, standbyAt.Add(time.Minute), 1, 0, 0)
		f.mustAuditLeftovers(t)
	}},
	{"the standby sites are those vaccinating that day, with their line", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustJoin(t, f.mustPerson(t, 1, 2), siteB, standbyAt)
		f.mustLeftover(t, siteA, standbyAt)
		sites, err := s.StandbySites(t.Context(), vaxbook.SiteQuery{CampaignID: f.c.ID, From: day1})
		if err != nil {
			t.Fatal(err)
		}
		if len(sites) != 2 || sites[0].ID != siteA || sites[0].Free != 1 || sites[1].ID != siteB || sites[1].Waiting != 1 {
			t.Errorf("StandbySites = %+v; want A with a free dose and B with one waiting", sites)
		}
		sites, err = s.StandbySites(t.Context(), vaxbook.SiteQuery{CampaignID: f.c.ID, From: day1, District: "마포구"})
		if err != nil || len(sites) != 1 || sites[0].ID != siteB {
			t.Errorf("StandbySites(마포구) = %+v, %v; want B only", sites, err)
		}
	}},
}
