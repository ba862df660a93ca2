package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"vaxbook"
)

// standbyPath is the resident's standby route of the harness's campaign.
func (h *harness) standbyPath(rest string) string {
	return "/api/v1/campaigns/" + itoa(h.campaignID) + "/standby" + rest
}

// verifiedResident returns a new client verified as a resident of group g.
func (h *clinicHarness) verifiedResident(g, from int) *client {
	h.t.Helper()
	c := h.client()
	c.verify(h.resident(g, from))
	return c
}

// join puts the client on site's standby list and returns the entry.
func (c *client) join(site int64) map[string]any {
	c.h.t.Helper()
	st, body := c.do("POST", c.h.standbyPath(""), map[string]int64{"site_id": site})
	if st != http.StatusCreated {
		c.h.t.Fatalf("join site %d: %d %v", site, st, body)
	}
	return body
}

// entry returns the client's standby entry of today, nil when there is none.
func (c *client) entry() map[string]any {
	c.h.t.Helper()
	st, body := c.do("GET", c.h.standbyPath(""), nil)
	if st != http.StatusOK {
		c.h.t.Fatalf("standby entry: %d %v", st, body)
	}
	e, _ := body["entry"].(map[string]any)
	return e
}

func idOf(m map[string]any) int64 { return int64(m["id"].(float64)) }

func TestStandbyLeftoverGoesToTheFirstInLineWhoAcceptsIt(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		first, second := h.verifiedResident(2, 0), h.verifiedResident(3, 0)
		if e := first.join(clinicSiteA); e["state"] != "waiting" || e["position"] != float64(1) || e["date"] != clinicDay.String() {
			t.Fatalf("first join = %v; want waiting first in line today", e)
		}
		if e := second.join(clinicSiteA); e["position"] != float64(2) {
			t.Fatalf("second join = %v; want place 2", e)
		}
		if st, body := first.do("POST", h.standbyPath(""), map[string]int64{"site_id": clinicSiteB}); st != http.StatusConflict || code(body) != "on_standby" {
			t.Errorf("joining a second list: %d %v; want 409 on_standby", st, body)
		}
		a := h.login("clinic-a")
		st, line := a.do("GET", "/api/v1/clinic/standby", nil)
		if st != 200 || line["waiting"] != float64(2) || line["site_id"] != float64(clinicSiteA) {
			t.Fatalf("clinic's list: %d %v; want 2 waiting at site A", st, line)
		}
		entries := line["entries"].([]any)
		if e := entries[0].(map[string]any); e["position"] != float64(1) || e["name"] == "" || e["birth"] == "" {
			t.Errorf("first in the clinic's list = %v; want place 1 with name and birth", e)
		}
		for _, e := range entries {
			for _, k := range []string{"person_key", "phone", "id"} {
				if _, ok := e.(map[string]any)[k]; ok {
					t.Errorf("the clinic's list shows %q", k)
				}
			}
		}
		st, doses := a.do("POST", "/api/v1/clinic/leftovers", map[string]any{})
		if st != http.StatusCreated || doses["released"] != float64(1) || doses["offered"] != float64(1) || doses["waiting"] != float64(1) {
			t.Fatalf("record leftover: %d %v; want 1 released, offered to the first, 1 still waiting", st, doses)
		}
		offer := first.entry()
		if offer["state"] != "offered" || offer["expires_at"] != clinicDay.At(10, 10).Format(time.RFC3339) {
			t.Fatalf("first's entry = %v; want offered until 10:10", offer)
		}
		accept := h.standbyPath("/" + itoa(idOf(offer)) + "/accept")
		if st, body := second.do("POST", accept, nil); st != http.StatusNotFound {
			t.Errorf("second accepting first's offer: %d %v; want 404", st, body)
		}
		h.clock.Advance(5 * time.Minute)
		st, r := first.do("POST", accept, nil)
		if st != http.StatusCreated || r["status"] != "confirmed" || r["date"] != clinicDay.String() || r["site_id"] != float64(clinicSiteA) {
			t.Fatalf("accept: %d %v; want a confirmed reservation at site A today", st, r)
		}
		if st, body := first.do("POST", accept, nil); st != http.StatusConflict || code(body) != "already_booked" {
			t.Errorf("accept twice: %d %v; want 409 already_booked", st, body)
		}
		if st, body := first.do("GET", "/api/v1/campaigns/"+itoa(h.campaignID)+"/reservation", nil); st != 200 || body["id"] != r["id"] {
			t.Errorf("first's reservation: %d %v; want the accepted one", st, body)
		}
		if st, list := a.appointments(); st != 200 {
			t.Errorf("appointments: %d", st)
		} else if list[int64(r["id"].(float64))] != "confirmed" {
			t.Errorf("the day list of %s lacks today's leftover appointment: %v", clinicDay, list)
		}
		actions := strings.Join(h.auditActions(t), "\n")
		for _, want := range []string{vaxbook.AuditViewStandby, vaxbook.AuditRecordLeftover} {
			if !strings.Contains(actions, want) {
				t.Errorf("audit log lacks %s:\n%s", want, actions)
			}
		}
	})
}

func TestStandbyClinicRecordsOnlyForItsOwnSite(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		resident := h.verifiedResident(2, 0)
		resident.join(clinicSiteA)
		b := h.login("clinic-b")
		// A site in the request is refused outright: the site comes from the token.
		if st, body := b.do("POST", "/api/v1/clinic/leftovers", map[string]int64{"site_id": clinicSiteA}); st != http.StatusBadRequest {
			t.Errorf("site B naming site A: %d %v; want 400", st, body)
		}
		st, doses := b.do("POST", "/api/v1/clinic/leftovers", nil)
		if st != http.StatusCreated || doses["site_id"] != float64(clinicSiteB) || doses["free"] != float64(1) {
			t.Fatalf("site B's leftover: %d %v; want a free dose at site B", st, doses)
		}
		if e := resident.entry(); e["state"] != "waiting" {
			t.Errorf("site A's resident after site B's leftover: %v; want still waiting", e)
		}
		if st, line := b.do("GET", "/api/v1/clinic/standby?site_id=1", nil); st != 200 || line["site_id"] != float64(clinicSiteB) || line["waiting"] != float64(0) {
			t.Errorf("site B asking for site 1's list: %d %v; want its own empty list", st, line)
		}
		// Neither a resident's session nor no session is a staff session.
		if st, _ := resident.do("POST", "/api/v1/clinic/leftovers", nil); st != http.StatusUnauthorized {
			t.Errorf("resident recording a leftover: %d; want 401", st)
		}
		if st, _ := h.client().do("GET", "/api/v1/clinic/standby", nil); st != http.StatusUnauthorized {
			t.Errorf("anonymous clinic list: %d; want 401", st)
		}
		if e := resident.entry(); e["state"] != "waiting" {
			t.Errorf("resident's entry after refused leftovers: %v; want waiting", e)
		}
	})
}

func TestStandbyOfferRunsOutAndPassesOn(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		first, second := h.verifiedResident(2, 0), h.verifiedResident(3, 0)
		first.join(clinicSiteA)
		second.join(clinicSiteA)
		if st, body := h.login("clinic-a").do("POST", "/api/v1/clinic/leftovers", nil); st != http.StatusCreated {
			t.Fatalf("record leftover: %d %v", st, body)
		}
		offer := first.entry()
		h.clock.Advance(10 * time.Minute)
		st, body := first.do("POST", h.standbyPath("/"+itoa(idOf(offer))+"/accept"), nil)
		if st != http.StatusConflict || code(body) != "offer_expired" {
			t.Fatalf("accept after the window: %d %v; want 409 offer_expired", st, body)
		}
		if st, _ := first.do("GET", "/api/v1/campaigns/"+itoa(h.campaignID)+"/reservation", nil); st != http.StatusNotFound {
			t.Errorf("first holds a reservation after a refused acceptance: %d", st)
		}
		if e := second.entry(); e["state"] != "offered" {
			t.Fatalf("second's entry = %v; want offered", e)
		}
		if e := first.entry(); e["state"] != "expired" {
			t.Errorf("first's entry = %v; want expired", e)
		}
		next := second.entry()
		st, body = second.do("POST", h.standbyPath("/"+itoa(idOf(next))+"/decline"), nil)
		if st != 200 || body["state"] != "declined" {
			t.Errorf("decline: %d %v", st, body)
		}
		if st, body := second.do("DELETE", h.standbyPath(""), nil); st != http.StatusNotFound {
			t.Errorf("leave after declining: %d %v; want 404", st, body)
		}
		// The dose is free again; the first joins anew at the back and gets it.
		if e := first.join(clinicSiteA); e["state"] != "offered" {
			t.Errorf("rejoining with a dose free: %v; want offered at once", e)
		}
	})
}

func TestStandbyNeedsAVerifiedResidentWithoutAReservation(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		anon := h.client()
		if st, body := anon.do("POST", h.standbyPath(""), map[string]int64{"site_id": clinicSiteA}); st != http.StatusUnauthorized {
			t.Errorf("anonymous join: %d %v; want 401", st, body)
		}
		if st, body := anon.do("GET", h.standbyPath("/sites?limit=5"), nil); st != 200 || body["date"] != clinicDay.String() {
			t.Errorf("anonymous site list: %d %v; want today's sites", st, body)
		}
		c := h.verifiedResident(4, 0)
		if st, body := c.do("POST", h.standbyPath(""), map[string]any{"site_id": "1"}); st != http.StatusBadRequest {
			t.Errorf("join with a malformed body: %d %v; want 400", st, body)
		}
		// A resident who booked (in the open period, for a later day) may not join: one
		// booking per person.
		site, date := c.firstSite()
		if st, body := c.do("POST", "/api/v1/campaigns/"+itoa(h.campaignID)+"/reservation", map[string]any{"site_id": site, "date": date}); st != http.StatusCreated {
			t.Fatalf("book: %d %v", st, body)
		}
		if st, body := c.do("POST", h.standbyPath(""), map[string]int64{"site_id": clinicSiteA}); st != http.StatusConflict || code(body) != "already_booked" {
			t.Errorf("join while booked: %d %v; want 409 already_booked", st, body)
		}
		if st, body := c.do("GET", h.standbyPath(""), nil); st != 200 || body["entry"] != nil {
			t.Errorf("entry after a refused join: %d %v; want null", st, body)
		}
	})
}
