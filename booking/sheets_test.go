package booking_test

import (
	"fmt"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/booking"
	"vaxbook/demo"
	"vaxbook/storetest/engines"
)

// sheetFixture stores the 2021 campaign with 30 sites, 20 places a site on three days,
// and returns the campaign.
func sheetFixture(t *testing.T, s vaxbook.Store) vaxbook.Campaign {
	t.Helper()
	c := demo.Campaign2021()
	if err := s.CreateCampaign(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSites(t.Context(), demo.Sites(30, 1)); err != nil {
		t.Fatal(err)
	}
	var caps []vaxbook.Capacity
	for site := int64(1); site <= 30; site++ {
		for i := range 3 {
			caps = append(caps, vaxbook.Capacity{SiteID: site, Date: c.VaccinationFrom.AddDays(i), Quantity: 20})
		}
	}
	if err := s.SetCapacities(t.Context(), c.ID, caps); err != nil {
		t.Fatal(err)
	}
	return c
}

// book books person i of group 2 at site on the campaign's first day.
func book(t *testing.T, s vaxbook.Store, c vaxbook.Campaign, i int, site int64) vaxbook.Reservation {
	t.Helper()
	p := vaxbook.Person{Key: fmt.Sprintf("p%d", i), Name: "홍길동", Birth: vaxbook.MustDate("1990-03-12")}
	if err := s.PutPerson(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	d := c.VaccinationFrom
	res := s.Book(t.Context(), []vaxbook.BookRequest{{CampaignID: c.ID, PersonKey: p.Key, SiteID: site, Date: d,
		SecondDate: c.SecondDose(d), Group: 2, Status: vaxbook.StatusBooked, At: demo.ReplayStart()}})
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	return res[0].Reservation
}

// remainingAt returns the places a group-2 searcher sees at site on the first day.
func remainingAt(sites []vaxbook.SiteAvailability, site int64) int {
	for _, s := range sites {
		if s.ID == site && len(s.Dates) > 0 {
			return s.Dates[0].Remaining
		}
	}
	return -1
}

// The copy follows the store: it answers as the store once loaded, takes a booking
// off at the next read of the feed, shows a cancelled place as still taken until the
// whole sheet is read again, and goes back to the store when an edit drops it.
func TestSheetsFollowTheStore(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		c := sheetFixture(t, s)
		q := vaxbook.SiteQuery{CampaignID: c.ID, From: c.VaccinationFrom, To: c.VaccinationTo, Group: 2, Limit: 10, AfterID: 3}
		sh := booking.NewSheets(s, booking.SheetsConfig{PageSites: 7, RefreshEvery: time.Minute}, nil)
		now := time.Now()
		step := func(at time.Time) {
			t.Helper()
			if err := sh.Step(t.Context(), at); err != nil {
				t.Fatal(err)
			}
		}
		same := func(when string) {
			t.Helper()
			want, err := s.SearchSites(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := sh.Search(q, c.VaccinationFrom, c.VaccinationTo)
			if !ok || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: copy = %v (ok %v)\nstore = %v", when, got, ok, want)
			}
		}
		if _, ok := sh.Search(q, c.VaccinationFrom, c.VaccinationTo); ok {
			t.Fatal("a search answered before any copy was loaded")
		}
		step(now)
		same("loaded after the first search asked for it")
		other := booking.NewSheets(s, booking.SheetsConfig{}, nil)
		other.Want(c.ID)
		if err := other.Step(t.Context(), now); err != nil {
			t.Fatal(err)
		}
		if _, ok := other.Search(q, c.VaccinationFrom, c.VaccinationTo); !ok {
			t.Error("a copy asked for by Want was not loaded at the next tick")
		}

		r := book(t, s, c, 1, 5)
		book(t, s, c, 2, 5)
		if got, _ := sh.Search(q, c.VaccinationFrom, c.VaccinationTo); remainingAt(got, 5) != 2 {
			t.Errorf("before the feed is read: site 5 shows %d, want the 2 of the last read", remainingAt(got, 5))
		}
		step(now.Add(time.Second))
		same("after the feed took two bookings")

		if _, err := s.Cancel(t.Context(), r.PersonKey, r.ID, demo.ReplayStart()); err != nil {
			t.Fatal(err)
		}
		step(now.Add(2 * time.Second))
		if got, _ := sh.Search(q, c.VaccinationFrom, c.VaccinationTo); remainingAt(got, 5) != 0 {
			t.Errorf("a cancelled place shows before the re-read: site 5 shows %d, want 0", remainingAt(got, 5))
		}
		step(now.Add(time.Minute))
		same("after the whole sheet was read again")

		sh.Forget(c.ID)
		if _, ok := sh.Search(q, c.VaccinationFrom, c.VaccinationTo); ok {
			t.Error("a forgotten copy still answers")
		}
		step(now.Add(61 * time.Second))
		same("reloaded after Forget")
	})
}
