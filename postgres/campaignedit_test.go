package postgres_test

import (
	"testing"
	"time"

	"vaxbook"
)

// TestCampaignEditWaitsForABookingOfADayItRemoves holds a booking of the last
// vaccination day between its share update and its commit while an edit removes that
// day: the edit must wait for the booking's share lock and then see the reservation,
// and refuse itself, rather than check without it and commit.
func TestCampaignEditWaitsForABookingOfADayItRemoves(t *testing.T) {
	s, c := mustSetup(t, 0)
	last := c.VaccinationTo
	if err := s.SetCapacities(t.Context(), c.ID, []vaxbook.Capacity{{SiteID: siteA.ID, Date: last, Quantity: 10}}); err != nil {
		t.Fatalf("SetCapacities: %v", err)
	}
	// The check counts the reservations of persons it knows.
	if err := s.PutPerson(t.Context(), vaxbook.Person{Key: "p1", Name: "홍길동", Birth: vaxbook.MustDate("1985-03-11")}); err != nil {
		t.Fatalf("PutPerson: %v", err)
	}
	req := request(c, "p1", 1, false)
	req.Date, req.SecondDate = last, c.SecondDose(last)
	tx, err := s.BookInFlight(t.Context(), req)
	if err != nil {
		t.Fatalf("BookInFlight: %v", err)
	}
	defer tx.Rollback(t.Context())

	edit := c
	edit.VaccinationTo = last.AddDays(-1)
	done := make(chan error, 1)
	go func() { done <- s.UpdateCampaign(t.Context(), edit) }()
	for deadline := time.Now().Add(10 * time.Second); ; {
		select {
		case err := <-done:
			t.Fatalf("UpdateCampaign returned %v while a booking of the day it removes held its share", err)
		default:
		}
		waiting, err := s.WaitsForLock(t.Context(), "FROM shares")
		if err != nil {
			t.Fatalf("WaitsForLock: %v", err)
		}
		if waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the edit neither returned nor waited for the booking's share lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := tx.Commit(t.Context()); err != nil {
		t.Fatalf("commit the booking: %v", err)
	}
	wantCode(t, "UpdateCampaign after the booking committed", <-done, vaxbook.CodeStrandsReservations)
	got, err := s.Campaign(t.Context(), c.ID)
	if err != nil || got.VaccinationTo != last {
		t.Errorf("campaign after the refused edit: last day %s (%v), want %s", got.VaccinationTo, err, last)
	}
}
