package storetest

import (
	"fmt"
	"testing"
	"time"
	"vaxbook/demo"

	"vaxbook"
)

// The sites every fixture holds. IDs are chosen by the caller of PutSites.
const (
	siteA int64 = 1 // 서울 강남구 clinic
	siteB int64 = 2 // 서울 마포구 centre
	siteC int64 = 3 // 부산 해운대구 clinic
)

// The instants and dates the tests book with. bookAt lies in group 2's rotation window
// (rule 2: 2021-08-12 20:00 → 08-13 18:00); changeAt and cancelAt lie in the open period.
// day1 and day2 are more than 14 days after all of them, so that a reservation for them
// is "booked", not yet confirmed, and may still be changed and cancelled.
var (
	day1     = vaxbook.MustDate("2021-09-06")
	day2     = vaxbook.MustDate("2021-09-07")
	bookAt   = vaxbook.MustDate("2021-08-12").At(20, 30)
	changeAt = vaxbook.MustDate("2021-08-20").At(10, 0)
	cancelAt = vaxbook.MustDate("2021-08-20").At(11, 0)
)

// fixture is a store holding the 2021 campaign and three sites.
type fixture struct {
	s vaxbook.Store
	c vaxbook.Campaign
}

// campaign2021 returns the campaign of the source article (package demo holds the one
// definition): ages 18–49, rotation from 08-09 to 08-18, then the open period until
// 09-18, second dose 42 days later.
func campaign2021() vaxbook.Campaign { return demo.Campaign2021() }

// fixtureSites returns sites A, B and C.
func fixtureSites() []vaxbook.Site {
	return []vaxbook.Site{
		{ID: siteA, Name: "강남연세내과의원", Province: "서울특별시", District: "강남구", Address: "서울 강남구 테헤란로 1", Kind: "clinic"},
		{ID: siteB, Name: "마포구예방접종센터", Province: "서울특별시", District: "마포구", Address: "서울 마포구 월드컵로 2", Kind: "centre"},
		{ID: siteC, Name: "해운대연세의원", Province: "부산광역시", District: "해운대구", Address: "부산 해운대구 해운대로 3", Kind: "clinic"},
	}
}

// mustFixture stores the 2021 campaign and sites A, B and C, with 100 places (10 per
// group) at A and at B on day1. Tests that need other quantities set them themselves.
func mustFixture(tb testing.TB, s vaxbook.Store) fixture {
	tb.Helper()
	f := fixture{s: s, c: mustCampaign(tb, s, campaign2021())}
	mustPutSites(tb, s, fixtureSites()...)
	f.mustCapacity(tb, siteA, day1, 100)
	f.mustCapacity(tb, siteB, day1, 100)
	return f
}

// mustCampaign creates c and returns it with its ID set.
func mustCampaign(tb testing.TB, s vaxbook.Store, c vaxbook.Campaign) vaxbook.Campaign {
	tb.Helper()
	if err := s.CreateCampaign(tb.Context(), &c); err != nil {
		tb.Fatalf("CreateCampaign(%q): %v", c.Name, err)
	}
	if c.ID == 0 {
		tb.Fatalf("CreateCampaign(%q) left ID zero", c.Name)
	}
	return c
}

// mustPutSites stores sites.
func mustPutSites(tb testing.TB, s vaxbook.Store, sites ...vaxbook.Site) {
	tb.Helper()
	if err := s.PutSites(tb.Context(), sites); err != nil {
		tb.Fatalf("PutSites: %v", err)
	}
}

// mustCapacity sets the quantity of one site and date in the fixture's campaign.
func (f fixture) mustCapacity(tb testing.TB, siteID int64, d vaxbook.Date, quantity int) {
	tb.Helper()
	caps := []vaxbook.Capacity{{SiteID: siteID, Date: d, Quantity: quantity}}
	if err := f.s.SetCapacities(tb.Context(), f.c.ID, caps); err != nil {
		tb.Fatalf("SetCapacities(site %d, %s, %d): %v", siteID, d, quantity, err)
	}
}

// mustPerson stores person number i, born on a day whose last digit is group.
func (f fixture) mustPerson(tb testing.TB, i, group int) vaxbook.Person {
	tb.Helper()
	p := vaxbook.Person{
		Key:      fmt.Sprintf("person-%04d", i),
		Name:     fmt.Sprintf("홍길동%d", i),
		Birth:    vaxbook.NewDate(1985+i%15, time.Month(1+i%12), 10+group),
		PhoneEnc: []byte{0x01, byte(i), byte(i >> 8)},
	}
	if g := vaxbook.GroupOf(p.Birth); g != group {
		tb.Fatalf("person %d: born %s is in group %d, want %d", i, p.Birth, g, group)
	}
	if err := f.s.PutPerson(tb.Context(), p); err != nil {
		tb.Fatalf("PutPerson(%s): %v", p.Key, err)
	}
	return p
}

// mustPersons stores persons 0…n-1, person i in group groupOf(i).
func (f fixture) mustPersons(tb testing.TB, n int, groupOf func(i int) int) []vaxbook.Person {
	tb.Helper()
	ps := make([]vaxbook.Person, n)
	for i := range ps {
		ps[i] = f.mustPerson(tb, i, groupOf(i))
	}
	return ps
}

// req returns a request of p for a place at site on d from p's own group's share, as
// during the rotation.
func (f fixture) req(p vaxbook.Person, siteID int64, d vaxbook.Date) vaxbook.BookRequest {
	return vaxbook.BookRequest{
		CampaignID: f.c.ID,
		PersonKey:  p.Key,
		SiteID:     siteID,
		Date:       d,
		SecondDate: f.c.SecondDose(d),
		Group:      vaxbook.GroupOf(p.Birth),
		Status:     vaxbook.StatusBooked,
		At:         bookAt,
	}
}

// pooledReq returns a request of p that may draw from any group's share, as in the open
// period.
func (f fixture) pooledReq(p vaxbook.Person, siteID int64, d vaxbook.Date) vaxbook.BookRequest {
	r := f.req(p, siteID, d)
	r.Pooled = true
	return r
}

// bookOne books req alone and returns its result.
func bookOne(tb testing.TB, s vaxbook.Store, req vaxbook.BookRequest) (vaxbook.Reservation, error) {
	tb.Helper()
	res := s.Book(tb.Context(), []vaxbook.BookRequest{req})
	if len(res) != 1 {
		tb.Fatalf("Book of 1 request returned %d results", len(res))
	}
	return res[0].Reservation, res[0].Err
}

// mustBook books req alone and fails the test if it is refused.
func mustBook(tb testing.TB, s vaxbook.Store, req vaxbook.BookRequest) vaxbook.Reservation {
	tb.Helper()
	r, err := bookOne(tb, s, req)
	if err != nil {
		tb.Fatalf("Book(%s at site %d on %s): %v", req.PersonKey, req.SiteID, req.Date, err)
	}
	return r
}

// wantCode fails the test unless err carries the code want ("" for no error).
func wantCode(tb testing.TB, what string, err error, want vaxbook.Code) {
	tb.Helper()
	if got := vaxbook.ErrorCode(err); got != want {
		tb.Fatalf("%s: error code %q (%v), want %q", what, got, err, want)
	}
}
