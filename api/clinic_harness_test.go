package api_test

import (
	"io"
	"net/http"
	"testing"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/identity"
	"vaxbook/staff"
)

// The clinic fixture: two sites of the demo data, a day with appointments at both, and
// one account per site (site B's with a one-time code).
const (
	clinicSiteA int64 = 1
	clinicSiteB int64 = 2
	clinicPass        = "correct horse battery"
)

var (
	clinicDay  = vaxbook.MustDate("2021-09-06")
	staffKey   = []byte("staff-key-for-tests-0123456789abcdef")
	totpSecret = "12345678901234567890"
)

// clinicHarness is a harness with staff sign-in and operator routes on, the sites'
// appointments booked and the clock moved to 10:00 on their day.
type clinicHarness struct {
	*harness
	// booked are the reservations by site, in booking order.
	booked map[int64][]vaxbook.Reservation
}

func newClinicHarness(t *testing.T, s vaxbook.Store) *clinicHarness {
	t.Helper()
	h := newHarnessWith(t, s, func(cfg *api.Config, _ vaxbook.Clock) {
		cfg.OperatorToken, cfg.StaffKey = operatorToken, staffKey
	})
	ctx := t.Context()
	caps := []vaxbook.Capacity{{SiteID: clinicSiteA, Date: clinicDay, Quantity: 100}, {SiteID: clinicSiteB, Date: clinicDay, Quantity: 100}}
	if err := s.SetCapacities(ctx, h.campaignID, caps); err != nil {
		t.Fatal(err)
	}
	ch := &clinicHarness{harness: h, booked: map[int64][]vaxbook.Reservation{}}
	for i, site := range []int64{clinicSiteA, clinicSiteA, clinicSiteB} {
		p := vaxbook.Person{Key: "clinic-person-" + itoa(int64(i)), Name: []string{"김민준", "=이서연", "박지호"}[i], Birth: vaxbook.NewDate(1985, 3, 12+i)}
		if err := s.PutPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		res := s.Book(ctx, []vaxbook.BookRequest{{
			CampaignID: h.campaignID, PersonKey: p.Key, SiteID: site, Date: clinicDay, SecondDate: clinicDay.AddDays(42),
			Group: vaxbook.GroupOf(p.Birth), Pooled: true, Status: vaxbook.StatusBooked, At: h.clock.Now(),
		}})
		if res[0].Err != nil {
			t.Fatalf("book at site %d: %v", site, res[0].Err)
		}
		ch.booked[site] = append(ch.booked[site], res[0].Reservation)
	}
	sealer, err := identity.NewSealer(phoneKey)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := sealer.Seal(totpSecret)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := staff.Hash(clinicPass)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []vaxbook.Staff{
		{SiteID: clinicSiteA, Login: "clinic-a", Name: "A 간호사", PasswordHash: hash},
		{SiteID: clinicSiteB, Login: "clinic-b", Name: "B 간호사", PasswordHash: hash, TOTPSecret: sealed},
	} {
		if err := s.PutStaff(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Set(clinicDay.At(10, 0))
	return ch
}

// login signs a new client in as login (with the current one-time code for site B's
// account) and fails the test if that is refused.
func (h *clinicHarness) login(login string) *client {
	h.t.Helper()
	c := h.client()
	body := map[string]string{"login": login, "password": clinicPass}
	if login == "clinic-b" {
		body["totp"] = staff.TOTP([]byte(totpSecret), h.clock.Now())
	}
	if st, out := c.do("POST", "/api/v1/clinic/login", body); st != 200 {
		h.t.Fatalf("login %s: %d %v", login, st, out)
	}
	return c
}

// appointments lists the client's site's appointments of clinicDay by id and status.
func (c *client) appointments() (int, map[int64]string) {
	c.h.t.Helper()
	st, body := c.do("GET", "/api/v1/clinic/appointments?date="+clinicDay.String(), nil)
	out := map[int64]string{}
	if list, ok := body["appointments"].([]any); ok {
		for _, a := range list {
			m := a.(map[string]any)
			out[int64(m["id"].(float64))] = m["status"].(string)
		}
	}
	return st, out
}

// raw sends a GET and returns the status, content type and body unparsed.
func (c *client) raw(path string) (int, string, string) {
	c.h.t.Helper()
	resp, err := c.http.Get(c.h.srv.URL + path)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// auditActions returns the operator's view of the audit log as "actor action" lines.
func (h *clinicHarness) auditActions(t *testing.T) []string {
	t.Helper()
	st, body := adminDo(t, h.harness, "GET", "/api/v1/admin/audit?limit=100", "", "")
	if st != http.StatusOK {
		t.Fatalf("audit log: %d %v", st, body)
	}
	var out []string
	for _, e := range body["entries"].([]any) {
		m := e.(map[string]any)
		out = append(out, m["actor"].(string)+" "+m["action"].(string))
	}
	return out
}
