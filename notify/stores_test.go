package notify_test

import (
	"testing"

	"vaxbook"
	"vaxbook/demo"
	"vaxbook/identity"
	"vaxbook/storetest/engines"
)

// forEachStore runs body on a fresh SQLite store and a fresh PostgreSQL one (skipped
// when no server answers, unless REQUIRE_POSTGRES=1).
func forEachStore(t *testing.T, body func(t *testing.T, s vaxbook.Store)) {
	engines.Each(t, body)
}

var (
	day    = vaxbook.MustDate("2021-09-06")
	bookAt = vaxbook.MustDate("2021-08-20").At(10, 0)
)

func mustSealer(t *testing.T) *identity.Sealer {
	t.Helper()
	s, err := identity.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mustBookings books n persons with sealed phones 010-0000-000i at one site and
// returns their reservations.
func mustBookings(t *testing.T, s vaxbook.Store, sealer *identity.Sealer, n int) []vaxbook.Reservation {
	t.Helper()
	ctx := t.Context()
	c := demo.Campaign2021()
	if err := s.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSites(ctx, []vaxbook.Site{{ID: 1, Name: "의원", Province: "서울특별시", District: "종로구", Kind: "clinic"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCapacities(ctx, c.ID, []vaxbook.Capacity{{SiteID: 1, Date: day, Quantity: 100}}); err != nil {
		t.Fatal(err)
	}
	var out []vaxbook.Reservation
	for i := range n {
		phone, err := sealer.Seal("0100000000" + string(rune('0'+i)))
		if err != nil {
			t.Fatal(err)
		}
		p := vaxbook.Person{Key: "p" + string(rune('a'+i)), Name: "홍길동", Birth: vaxbook.MustDate("1985-03-11"), PhoneEnc: phone}
		if err := s.PutPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		res := s.Book(ctx, []vaxbook.BookRequest{{CampaignID: c.ID, PersonKey: p.Key, SiteID: 1, Date: day,
			SecondDate: c.SecondDose(day), Group: 1, Pooled: true, Status: vaxbook.StatusBooked, At: bookAt}})
		if res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		out = append(out, res[0].Reservation)
	}
	return out
}
