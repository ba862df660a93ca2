package storetest

import (
	"slices"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/stats"
)

// statsTests check the booking statistics against a fixture computed by hand.
var statsTests = []storeTest{
	{"booking rates, hourly bookings and cancellations match the hand-computed fixture", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 100)
		// Sites A and B are in 서울, C in 부산. Person i is born in 1985+i%15.
		if err := s.PutEligible(t.Context(), f.c.ID, []vaxbook.Eligible{
			{BirthYear: 1985, Group: 2, Province: "서울특별시", Count: 4},
			{BirthYear: 1985, Group: 3, Province: "서울특별시", Count: 2},
			{BirthYear: 1995, Group: 2, Province: "부산광역시", Count: 4},
		}); err != nil {
			t.Fatalf("PutEligible: %v", err)
		}
		mustBook(t, s, f.req(f.mustPerson(t, 0, 2), siteA, day1))  // 1985 g2 서울
		mustBook(t, s, f.req(f.mustPerson(t, 15, 2), siteB, day1)) // 1985 g2 서울
		mustBook(t, s, f.req(f.mustPerson(t, 30, 3), siteA, day1)) // 1985 g3 서울
		mustBook(t, s, f.req(f.mustPerson(t, 60, 3), siteA, day1)) // 1985 g3 서울
		mustBook(t, s, f.req(f.mustPerson(t, 10, 2), siteC, day1)) // 1995 g2 부산
		gone := f.mustPerson(t, 25, 2)                             // 1995 g2 부산, cancels
		r := mustBook(t, s, f.req(gone, siteC, day1))
		if _, err := s.Cancel(t.Context(), gone.Key, r.ID, cancelAt); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		mover := f.mustPerson(t, 45, 2) // 1985 g2, moves from A to B: booked once, no cancellation
		r = mustBook(t, s, f.req(mover, siteA, day1))
		req := f.req(mover, siteB, day1)
		req.At = changeAt
		if _, err := s.Change(t.Context(), vaxbook.ChangeRequest{OldID: r.ID, New: req}); err != nil {
			t.Fatalf("Change: %v", err)
		}

		counts, err := s.BookingCounts(t.Context(), f.c.ID)
		if err != nil {
			t.Fatalf("BookingCounts: %v", err)
		}
		got := stats.Compute(f.c.ID, 2021, counts)
		want := []stats.Rate{
			{Dimension: "campaign", Key: "all", Eligible: 10, Booked: 6, Percent: 60},
			{Dimension: "group", Key: "2", Eligible: 8, Booked: 4, Percent: 50},
			{Dimension: "group", Key: "3", Eligible: 2, Booked: 2, Percent: 100},
			{Dimension: "province", Key: "부산광역시", Eligible: 4, Booked: 1, Percent: 25},
			{Dimension: "province", Key: "서울특별시", Eligible: 6, Booked: 5, Percent: 83.3},
			{Dimension: "age_band", Key: "20-29", Eligible: 4, Booked: 1, Percent: 25},
			{Dimension: "age_band", Key: "30-39", Eligible: 6, Booked: 5, Percent: 83.3},
		}
		if !slices.Equal(got.Rates, want) {
			t.Errorf("rates:\n got %+v\nwant %+v", got.Rates, want)
		}
		hour := func(t time.Time) time.Time { return t.Truncate(time.Hour) }
		wantHourly := []stats.Hour{{Hour: hour(bookAt), Bookings: 7}, {Hour: hour(changeAt), Bookings: 1}}
		if len(got.Hourly) != 2 || !got.Hourly[0].Hour.Equal(wantHourly[0].Hour) || got.Hourly[0].Bookings != 7 ||
			!got.Hourly[1].Hour.Equal(wantHourly[1].Hour) || got.Hourly[1].Bookings != 1 {
			t.Errorf("hourly = %+v, want %+v", got.Hourly, wantHourly)
		}
		if got.Cancellations != 1 || got.NoShows != 0 {
			t.Errorf("cancellations %d, no-shows %d; want 1 and 0", got.Cancellations, got.NoShows)
		}
	}},
}
