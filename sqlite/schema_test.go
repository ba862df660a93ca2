package sqlite

import (
	"database/sql"
	"path/filepath"
	"testing"

	"vaxbook"
)

// The conformance suite (store_test.go) checks the Store's behaviour; these tests check
// what only this engine has: its migrations and the constraints that stand behind the
// code if a statement is ever wrong.

var testDay = vaxbook.MustDate("2021-09-06")

// mustOpen returns a fresh migrated store in a temporary file, closed when tb ends.
func mustOpen(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(tb.Context(), filepath.Join(tb.TempDir(), "vaxbook.db"))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.Migrate(tb.Context()); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	return s
}

// mustCampaign stores a campaign and sites 1 and 2, with quantity places at site 1 on
// testDay.
func mustCampaign(tb testing.TB, s *Store, quantity int) vaxbook.Campaign {
	tb.Helper()
	c := vaxbook.Campaign{
		Name: "test", SecondDoseDays: 42, Weights: vaxbook.EqualWeights(),
		VaccinationFrom: vaxbook.MustDate("2021-08-26"), VaccinationTo: vaxbook.MustDate("2021-10-02"),
		Windows: vaxbook.RotationWindows(vaxbook.MustDate("2021-08-09"), vaxbook.MustDate("2021-08-18")),
	}
	ctx := tb.Context()
	if err := s.CreateCampaign(ctx, &c); err != nil {
		tb.Fatalf("CreateCampaign: %v", err)
	}
	if err := s.PutSites(ctx, []vaxbook.Site{{ID: 1, Name: "a"}, {ID: 2, Name: "b"}}); err != nil {
		tb.Fatalf("PutSites: %v", err)
	}
	if err := s.SetCapacities(ctx, c.ID, []vaxbook.Capacity{{SiteID: 1, Date: testDay, Quantity: quantity}}); err != nil {
		tb.Fatalf("SetCapacities: %v", err)
	}
	return c
}

// mustExecCode runs a statement in a write transaction and checks the domain code the
// store's translation gives its error.
func mustExecCode(tb testing.TB, s *Store, want vaxbook.Code, query string, args ...any) {
	tb.Helper()
	err := s.inWrite(tb.Context(), func(tx *sql.Tx) error {
		_, err := tx.ExecContext(tb.Context(), query, args...)
		return err
	})
	if got := vaxbook.ErrorCode(err); got != want {
		tb.Fatalf("%s: code %q (%v), want %q", query, got, err, want)
	}
}

func TestMigrateTwiceAndReopenKeepTheData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vaxbook.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	c := mustCampaign(t, s, 10)
	s.Close()
	if s, err = Open(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if got, err := s.Campaign(t.Context(), c.ID); err != nil || got.Name != c.Name || len(got.Windows) != len(c.Windows) {
		t.Fatalf("Campaign after reopen = %+v, %v", got, err)
	}
}

func TestTheDatabaseRefusesOverbookingEvenWhenTheCodeForgetsToCheck(t *testing.T) {
	s := mustOpen(t)
	c := mustCampaign(t, s, 10) // one place per group
	mustExecCode(t, s, "", `UPDATE shares SET booked = booked + 1 WHERE campaign_id = ? AND grp = 3`, c.ID)
	mustExecCode(t, s, vaxbook.CodeConflict, `UPDATE shares SET booked = booked + 1 WHERE campaign_id = ? AND grp = 3`, c.ID)
	mustExecCode(t, s, vaxbook.CodeConflict, `UPDATE shares SET booked = -1 WHERE campaign_id = ? AND grp = 4`, c.ID)
}

func TestTheDatabaseRefusesASecondActiveReservation(t *testing.T) {
	s := mustOpen(t)
	c := mustCampaign(t, s, 10)
	const insert = `INSERT INTO reservations (campaign_id, person_key, site_id, vdate, grp, status, created_at, updated_at)
		VALUES (?, 'p', 1, ?, 0, ?, 0, 0)`
	mustExecCode(t, s, "", insert, c.ID, testDay.String(), "cancelled")
	mustExecCode(t, s, "", insert, c.ID, testDay.String(), "booked")
	mustExecCode(t, s, vaxbook.CodeAlreadyBooked, insert, c.ID, testDay.String(), "confirmed")
}

func TestAReservationMustNameAnExistingShare(t *testing.T) {
	s := mustOpen(t)
	c := mustCampaign(t, s, 10)
	// The foreign key is deferred, so the failure comes at commit.
	mustExecCode(t, s, vaxbook.CodeNotFound, `INSERT INTO reservations (campaign_id, person_key, site_id, vdate, grp, status, created_at, updated_at)
		VALUES (?, 'p', 2, ?, 0, 'booked', 0, 0)`, c.ID, testDay.String())
}
