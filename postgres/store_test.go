package postgres_test

import (
	"testing"

	"vaxbook"
	"vaxbook/postgres"
	"vaxbook/postgres/pgtest"
	"vaxbook/storetest"
)

// TestStore runs the conformance suite on a fresh schema per test. It skips when no
// server answers, unless REQUIRE_POSTGRES=1.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) vaxbook.Store { return pgtest.OpenStore(t) })
}

// TestStoreBatched runs the booking, sign-in, session and concurrency tables through
// the group committers.
func TestStoreBatched(t *testing.T) {
	storetest.RunBatched(t, func(t *testing.T) vaxbook.Store { return pgtest.OpenStore(t) })
}

// The tests of this package cover what is particular to PostgreSQL (lock waits, the
// pooled pick with SKIP LOCKED, the bulk capacity load); the rules every engine shares
// live in storetest.

var (
	siteA = vaxbook.Site{ID: 1, Name: "서울의원", Province: "서울특별시", District: "종로구", Kind: "clinic"}
	siteB = vaxbook.Site{ID: 2, Name: "부산센터", Province: "부산광역시", District: "중구", Kind: "centre"}
	day   = vaxbook.MustDate("2021-08-26")
	at    = vaxbook.MustDate("2021-08-12").At(20, 0)
)

// mustSetup returns a migrated store with a campaign, two sites and the quantity at
// site A on day.
func mustSetup(t *testing.T, quantity int) (*postgres.Store, vaxbook.Campaign) {
	t.Helper()
	s := pgtest.OpenStore(t)
	c := vaxbook.Campaign{Name: "test", CohortFrom: vaxbook.MustDate("1972-01-01"),
		CohortTo: vaxbook.MustDate("2003-12-31"), VaccinationFrom: day,
		VaccinationTo: vaxbook.MustDate("2021-10-02"), SecondDoseDays: 42,
		Windows: vaxbook.RotationWindows(vaxbook.MustDate("2021-08-09"), vaxbook.MustDate("2021-08-18")),
		Weights: vaxbook.EqualWeights()}
	if err := s.CreateCampaign(t.Context(), &c); err != nil {
		t.Fatalf("CreateCampaign: %v", err)
	}
	if err := s.PutSites(t.Context(), []vaxbook.Site{siteA, siteB}); err != nil {
		t.Fatalf("PutSites: %v", err)
	}
	if err := s.SetCapacities(t.Context(), c.ID, []vaxbook.Capacity{{SiteID: siteA.ID, Date: day, Quantity: quantity}}); err != nil {
		t.Fatalf("SetCapacities: %v", err)
	}
	return s, c
}

// request asks for a place at site A on day.
func request(c vaxbook.Campaign, person string, group int, pooled bool) vaxbook.BookRequest {
	return vaxbook.BookRequest{CampaignID: c.ID, PersonKey: person, SiteID: siteA.ID, Date: day,
		SecondDate: c.SecondDose(day), Group: group, Pooled: pooled, Status: vaxbook.StatusBooked, At: at}
}

func wantCode(t *testing.T, what string, err error, code vaxbook.Code) {
	t.Helper()
	if got := vaxbook.ErrorCode(err); got != code {
		t.Errorf("%s: code %q (%v), want %q", what, got, err, code)
	}
}

// wantHealthy fails the test unless the audit finds the active reservations and
// nothing wrong.
func wantHealthy(t *testing.T, s *postgres.Store, c vaxbook.Campaign, active int) {
	t.Helper()
	a, err := s.Audit(t.Context(), c.ID)
	if err != nil {
		t.Fatalf("Audit: %v", err)
	}
	want := vaxbook.Audit{ActiveReservations: active, BookedTotal: active}
	if a != want {
		t.Errorf("Audit = %+v, want %+v", a, want)
	}
}
