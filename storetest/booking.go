package storetest

import (
	"fmt"
	"testing"
	"time"

	"vaxbook"
)

var bookTests = []storeTest{
	{"book fills the reservation from the request", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		req := f.req(f.mustPerson(t, 1, 2), siteA, day1)
		r := mustBook(t, s, req)
		if r.ID == 0 {
			t.Fatal("Book returned a reservation with ID 0")
		}
		if r.SecondDate != day1.AddDays(42) {
			t.Errorf("second dose on %s, want %s", r.SecondDate, day1.AddDays(42))
		}
		want := reservationFor(r.ID, req, 2)
		wantReservation(t, "Book", r, want)
		wantReservation(t, "ActiveReservation after Book", f.mustActive(t, req.PersonKey), want)
		if got := booked(f.mustShares(t, siteA, day1)); got != [vaxbook.Groups]int{2: 1} {
			t.Errorf("booked per group %v, want 1 in group 2 only", got)
		}
		f.mustAuditActive(t, 1)
	}},
	{"an empty batch has no results", func(t *testing.T, s vaxbook.Store) {
		if got := s.Book(t.Context(), nil); len(got) != 0 {
			t.Errorf("Book(nil) = %v, want no results", got)
		}
	}},
	{"a person with an active reservation is already_booked", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		first := mustBook(t, s, f.req(p, siteA, day1))
		_, err := bookOne(t, s, f.req(p, siteB, day1))
		wantCode(t, "second Book at another site", err, vaxbook.CodeAlreadyBooked)
		_, err = bookOne(t, s, f.pooledReq(p, siteA, day1))
		wantCode(t, "second Book at the same place", err, vaxbook.CodeAlreadyBooked)
		if got := f.mustActive(t, p.Key); got.ID != first.ID {
			t.Errorf("active reservation %d, want the first one %d", got.ID, first.ID)
		}
		if got := sum(booked(f.mustShares(t, siteB, day1))); got != 0 {
			t.Errorf("site B booked %d after a refused booking, want 0", got)
		}
		f.mustAuditActive(t, 1)
	}},
	{"a person may hold one reservation in each campaign", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		mustBook(t, s, f.req(p, siteA, day1))
		g := fixture{s: s, c: mustCampaign(t, s, campaign2021())}
		g.mustCapacity(t, siteA, day1, 10)
		g.wantNoActive(t, p.Key)
		mustBook(t, s, g.req(p, siteA, day1))
		f.mustAuditActive(t, 1)
		g.mustAuditActive(t, 1)
	}},
	{"a full share is share_full while another group's share has room", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10) // one place per group
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteC, day1))
		late := f.mustPerson(t, 2, 2)
		_, err := bookOne(t, s, f.req(late, siteC, day1))
		wantCode(t, "Book from a full own share", err, vaxbook.CodeShareFull)
		f.wantNoActive(t, late.Key)
		if got := booked(f.mustShares(t, siteC, day1)); got != [vaxbook.Groups]int{2: 1} {
			t.Errorf("booked per group %v, want 1 in group 2 only (no borrowing in the rotation)", got)
		}
		f.mustAuditActive(t, 1)
	}},
	{"pooled takes its own share first", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10)
		req := f.pooledReq(f.mustPerson(t, 1, 2), siteC, day1)
		r := mustBook(t, s, req)
		wantReservation(t, "pooled Book", r, reservationFor(r.ID, req, 2))
		f.mustAuditActive(t, 1)
	}},
	{"pooled borrows from another group's share when its own is full", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10)
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteC, day1))
		req := f.pooledReq(f.mustPerson(t, 2, 2), siteC, day1)
		r := mustBook(t, s, req)
		if r.Group == 2 || r.Group < 0 || r.Group >= vaxbook.Groups {
			t.Fatalf("pooled booking drawn from group %d, want another group's share", r.Group)
		}
		wantReservation(t, "pooled Book", r, reservationFor(r.ID, req, r.Group))
		want := [vaxbook.Groups]int{2: 1}
		want[r.Group] = 1
		if got := booked(f.mustShares(t, siteC, day1)); got != want {
			t.Errorf("booked per group %v, want %v", got, want)
		}
		f.mustAuditActive(t, 2)
	}},
	{"pooled with every share full is share_full", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 3) // groups 9, 0 and 1 get one place, the others none
		for i, g := range []int{2, 5, 7} {
			mustBook(t, s, f.pooledReq(f.mustPerson(t, i, g), siteC, day1))
		}
		_, err := bookOne(t, s, f.pooledReq(f.mustPerson(t, 3, 9), siteC, day1))
		wantCode(t, "pooled Book with every share full", err, vaxbook.CodeShareFull)
		if got := booked(f.mustShares(t, siteC, day1)); got != [vaxbook.Groups]int{0: 1, 1: 1, 9: 1} {
			t.Errorf("booked per group %v, want one each in groups 9, 0 and 1", got)
		}
		f.mustAuditActive(t, 3)
	}},
	{"a site and date without shares is not_bookable", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		for _, req := range []vaxbook.BookRequest{f.req(p, siteC, day1), f.pooledReq(p, siteA, day2), f.req(p, 999, day1)} {
			_, err := bookOne(t, s, req)
			wantCode(t, fmt.Sprintf("Book at site %d on %s", req.SiteID, req.Date), err, vaxbook.CodeNotBookable)
		}
		f.wantNoActive(t, p.Key)
		f.mustAuditActive(t, 0)
	}},
	{"a failed request in a batch leaves the others alone", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10)
		a, b, c, d := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2), f.mustPerson(t, 3, 3), f.mustPerson(t, 4, 4)
		reqs := []vaxbook.BookRequest{
			f.req(a, siteC, day1), f.req(b, siteC, day1), f.req(a, siteB, day1), f.req(c, siteC, day2), f.req(d, siteC, day1),
		}
		want := []vaxbook.Code{"", vaxbook.CodeShareFull, vaxbook.CodeAlreadyBooked, vaxbook.CodeNotBookable, ""}
		res := s.Book(t.Context(), reqs)
		if len(res) != len(reqs) {
			t.Fatalf("Book of %d requests returned %d results", len(reqs), len(res))
		}
		for i, r := range res {
			wantCode(t, "result "+reqs[i].PersonKey, r.Err, want[i])
			if r.Err == nil {
				wantReservation(t, "result "+reqs[i].PersonKey, r.Reservation, reservationFor(r.Reservation.ID, reqs[i], reqs[i].Group))
				wantReservation(t, "active "+reqs[i].PersonKey, f.mustActive(t, reqs[i].PersonKey), r.Reservation)
			}
		}
		f.wantNoActive(t, b.Key)
		f.wantNoActive(t, c.Key)
		if got := booked(f.mustShares(t, siteC, day1)); got != [vaxbook.Groups]int{2: 1, 4: 1} {
			t.Errorf("booked per group %v, want 1 in groups 2 and 4", got)
		}
		f.mustAuditActive(t, 2)
	}},
	{"a confirmed status passes through", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		req := f.req(f.mustPerson(t, 1, 2), siteA, day1)
		req.Status, req.At = vaxbook.StatusConfirmed, vaxbook.FixAt(day1).Add(time.Hour)
		r := mustBook(t, s, req)
		wantReservation(t, "confirmed Book", r, reservationFor(r.ID, req, 2))
		if got := f.mustActive(t, req.PersonKey); got.Status != vaxbook.StatusConfirmed {
			t.Errorf("active reservation status %q, want confirmed", got.Status)
		}
		f.mustAuditActive(t, 1)
	}},
	{"a person without a reservation has no_reservation", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, day1))
		f.wantNoActive(t, f.mustPerson(t, 2, 2).Key)
		f.wantNoActive(t, "never-seen")
		f.mustAuditActive(t, 1)
	}},
}
