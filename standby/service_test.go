package standby_test

import (
	"testing"
	"time"

	"vaxbook"
	"vaxbook/booking"
	"vaxbook/demo"
	"vaxbook/inmem"
	"vaxbook/standby"
	"vaxbook/storetest/engines"
)

var day = vaxbook.MustDate("2021-09-06")

// fixture is a service over a real store with the 2021 campaign at sites 1 and 2 on
// day (site 3 takes part on other days only), its clock at 10:00 that day.
type fixture struct {
	s       vaxbook.Store
	svc     *standby.Service
	guard   *inmem.Guard
	clock   *vaxbook.ManualClock
	c       vaxbook.Campaign
	persons []vaxbook.Person
}

func newFixture(t *testing.T, s vaxbook.Store) *fixture {
	t.Helper()
	ctx := t.Context()
	c := demo.Campaign2021()
	if err := s.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSites(ctx, []vaxbook.Site{{ID: 1, Name: "A"}, {ID: 2, Name: "B"}, {ID: 3, Name: "C"}}); err != nil {
		t.Fatal(err)
	}
	caps := []vaxbook.Capacity{{SiteID: 1, Date: day, Quantity: 10}, {SiteID: 2, Date: day, Quantity: 10}, {SiteID: 3, Date: day.AddDays(1), Quantity: 10}}
	if err := s.SetCapacities(ctx, c.ID, caps); err != nil {
		t.Fatal(err)
	}
	f := &fixture{s: s, guard: inmem.NewGuard(), clock: vaxbook.NewManualClock(day.At(10, 0)), c: c}
	for i, birth := range []string{"1985-03-12", "1990-07-23", "2004-01-01"} {
		p := vaxbook.Person{Key: "person-" + string(rune('a'+i)), Name: "홍길동", Birth: vaxbook.MustDate(birth)}
		if err := s.PutPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		f.persons = append(f.persons, p)
	}
	f.svc = standby.New(s, booking.New(s, nil, f.guard, f.clock), f.clock, 3*time.Minute)
	return f
}

// resident is person i on device "device-i", verified there at 09:55.
func (f *fixture) resident(t *testing.T, i int) vaxbook.Resident {
	t.Helper()
	r := vaxbook.Resident{Person: f.persons[i], DeviceID: "device-" + f.persons[i].Key}
	if err := f.guard.Complete(t.Context(), r.Person.Key, r.DeviceID, day.At(9, 55)); err != nil {
		t.Fatal(err)
	}
	return r
}

func wantCode(t *testing.T, what string, err error, want vaxbook.Code) {
	t.Helper()
	if got := vaxbook.ErrorCode(err); got != want {
		t.Errorf("%s: code %q (%v), want %q", what, got, err, want)
	}
}

func TestServiceAppliesTheRulesThatNeedNoRows(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		young := f.resident(t, 2)
		_, err := f.svc.Join(ctx, young, f.c.ID, 1)
		wantCode(t, "join outside the cohort", err, vaxbook.CodeNotEligible)
		r := f.resident(t, 0)
		_, err = f.svc.Join(ctx, r, f.c.ID, 0)
		wantCode(t, "join without a site", err, vaxbook.CodeInvalidInput)
		_, err = f.svc.Join(ctx, r, f.c.ID, 3)
		wantCode(t, "join at a site that vaccinates tomorrow, not today", err, vaxbook.CodeStandbyClosed)
		// Another device verified the same person since: rule 7 holds here too.
		other := vaxbook.Resident{Person: r.Person, DeviceID: "another-device"}
		_, err = f.svc.Join(ctx, other, f.c.ID, 1)
		wantCode(t, "join from a device that lost the person", err, vaxbook.CodeDeviceLocked)
		e, err := f.svc.Join(ctx, r, f.c.ID, 1)
		if err != nil || e.State != vaxbook.StandbyWaiting || e.Date != day {
			t.Fatalf("Join = %+v, %v; want waiting today", e, err)
		}
		_, err = f.svc.Mine(ctx, r, f.c.ID+1)
		wantCode(t, "my entry in another campaign", err, vaxbook.CodeNotFound)
	})
}

func TestServiceOffersWithTheConfiguredWindowAndTheCampaignsSecondDose(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		r := f.resident(t, 0)
		e, err := f.svc.Join(ctx, r, f.c.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.svc.RecordLeftover(ctx, 1, 0)
		if err != nil || d.CampaignID != f.c.ID || d.Offered != 1 {
			t.Fatalf("RecordLeftover(site 1, any campaign) = %+v, %v; want offered in the one campaign of the day", d, err)
		}
		mine, err := f.svc.Mine(ctx, r, f.c.ID)
		if err != nil || mine.State != vaxbook.StandbyOffered || !mine.ExpiresAt.Equal(day.At(10, 3)) {
			t.Fatalf("Mine = %+v, %v; want offered until 10:03 (a 3-minute window)", mine, err)
		}
		_, err = f.svc.Accept(ctx, r, f.c.ID, e.ID+1)
		wantCode(t, "accept with another entry's id", err, vaxbook.CodeNotFound)
		res, err := f.svc.Accept(ctx, r, f.c.ID, e.ID)
		if err != nil || res.SecondDate != f.c.SecondDose(day) || res.Group != vaxbook.GroupOf(r.Person.Birth) {
			t.Fatalf("Accept = %+v, %v; want the second dose %s in the person's group", res, err, f.c.SecondDose(day))
		}
		_, err = f.svc.RecordLeftover(ctx, 3, 0)
		wantCode(t, "leftover at a site that does not vaccinate today", err, vaxbook.CodeStandbyClosed)
	})
}

func TestServiceAsksWhichCampaignWhenASiteVaccinatesInSeveral(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		second := demo.Campaign2021()
		second.Name = "second"
		if err := s.CreateCampaign(ctx, &second); err != nil {
			t.Fatal(err)
		}
		if err := s.SetCapacities(ctx, second.ID, []vaxbook.Capacity{{SiteID: 1, Date: day, Quantity: 5}}); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.RecordLeftover(ctx, 1, 0)
		wantCode(t, "leftover without a campaign at a site of two", err, vaxbook.CodeInvalidInput)
		d, err := f.svc.RecordLeftover(ctx, 1, second.ID)
		if err != nil || d.CampaignID != second.ID || d.Released != 1 {
			t.Errorf("RecordLeftover(second) = %+v, %v", d, err)
		}
		if l, err := f.svc.Line(ctx, 1, f.c.ID); err != nil || l.Doses.Released != 0 {
			t.Errorf("the first campaign's line = %+v, %v; want no dose (they are counted per campaign)", l, err)
		}
	})
}

// TestOnlyTheDeviceThatVerifiedLastMayLeaveOrDecline: rule 7 holds for every act on an
// entry, not only joining and accepting. A device that lost the person can neither take
// them off the line nor give their dose away.
func TestOnlyTheDeviceThatVerifiedLastMayLeaveOrDecline(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		r := f.resident(t, 0)
		e, err := f.svc.Join(ctx, r, f.c.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RecordLeftover(ctx, 1, 0); err != nil {
			t.Fatal(err)
		}
		other := vaxbook.Resident{Person: r.Person, DeviceID: "another-device"}
		_, err = f.svc.Decline(ctx, other, f.c.ID, e.ID)
		wantCode(t, "decline from a device that lost the person", err, vaxbook.CodeDeviceLocked)
		_, err = f.svc.Leave(ctx, other, f.c.ID)
		wantCode(t, "leave from a device that lost the person", err, vaxbook.CodeDeviceLocked)
		if mine, err := f.svc.Mine(ctx, r, f.c.ID); err != nil || mine.State != vaxbook.StandbyOffered {
			t.Fatalf("entry after the refused decline and leave = %+v, %v; want still offered", mine, err)
		}
		if got, err := f.svc.Decline(ctx, r, f.c.ID, e.ID); err != nil || got.State != vaxbook.StandbyDeclined {
			t.Errorf("Decline from the person's device = %+v, %v; want declined", got, err)
		}

		// A second person, waiting: leaving is refused to another device, allowed to theirs.
		r2 := f.resident(t, 1)
		if _, err := f.svc.Join(ctx, r2, f.c.ID, 2); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Leave(ctx, vaxbook.Resident{Person: r2.Person, DeviceID: "another-device"}, f.c.ID)
		wantCode(t, "leave a waiting entry from a device that lost the person", err, vaxbook.CodeDeviceLocked)
		if got, err := f.svc.Leave(ctx, r2, f.c.ID); err != nil || got.State != vaxbook.StandbyWithdrawn {
			t.Errorf("Leave from the person's device = %+v, %v; want withdrawn", got, err)
		}
	})
}
