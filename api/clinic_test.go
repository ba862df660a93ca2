package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"vaxbook"
	"vaxbook/staff"
)

func TestClinicSeesAndMarksOnlyItsOwnSite(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		a := h.login("clinic-a")
		st, list := a.appointments()
		if st != 200 || len(list) != 2 || list[h.booked[clinicSiteA][0].ID] != "booked" {
			t.Fatalf("site A's list: %d %v; want its 2 booked appointments", st, list)
		}
		other := h.booked[clinicSiteB][0].ID
		if _, ok := list[other]; ok {
			t.Fatal("site A's list holds site B's appointment")
		}
		st, body := a.do("POST", "/api/v1/clinic/appointments/"+itoa(other)+"/attendance", map[string]string{"status": "vaccinated"})
		if st != http.StatusNotFound {
			t.Fatalf("site A marking site B's reservation: %d %v; want 404", st, body)
		}
		// A site parameter in the request is ignored: the site comes from the token.
		st, body = a.do("GET", "/api/v1/clinic/appointments?date="+clinicDay.String()+"&site_id=2", nil)
		if st != 200 || len(body["appointments"].([]any)) != 2 || body["site_id"].(float64) != float64(clinicSiteA) {
			t.Errorf("site A asking for site 2: %d %v; want its own 2", st, body)
		}
		if st, list := h.login("clinic-b").appointments(); st != 200 || list[other] != "booked" || len(list) != 1 {
			t.Errorf("site B's list: %d %v; want its one reservation still booked", st, list)
		}
	})
}

func TestClinicMarksAttendanceAndTheListShowsIt(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		a := h.login("clinic-a")
		first, second := h.booked[clinicSiteA][0].ID, h.booked[clinicSiteA][1].ID
		path := "/api/v1/clinic/appointments/" + itoa(first) + "/attendance"
		if st, body := a.do("POST", path, map[string]string{"status": "cancelled"}); st != 400 {
			t.Errorf("status cancelled: %d %v; want 400", st, body)
		}
		if st, body := a.do("POST", path, map[string]string{"status": "vaccinated"}); st != 200 || body["status"] != "vaccinated" {
			t.Fatalf("mark vaccinated: %d %v", st, body)
		}
		if st, body := a.do("POST", path, map[string]string{"status": "no_show"}); st != http.StatusConflict {
			t.Errorf("mark again: %d %v; want 409", st, body)
		}
		p2 := "/api/v1/clinic/appointments/" + itoa(second) + "/attendance"
		if st, body := a.do("POST", p2, map[string]string{"status": "no_show"}); st != 200 {
			t.Fatalf("mark no-show: %d %v", st, body)
		}
		if st, list := a.appointments(); st != 200 || list[first] != "vaccinated" || list[second] != "no_show" {
			t.Errorf("list after marking: %d %v", st, list)
		}
		if au, err := s.Audit(t.Context(), h.campaignID); err != nil || au.Overbooked+au.DoubleBooked+au.CounterDrift != 0 {
			t.Errorf("invariant audit after marking: %+v, %v", au, err)
		}
	})
}

func TestClinicLoginRefusesWrongPasswordOrCode(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		good := staff.TOTP([]byte(totpSecret), h.clock.Now())
		wrong := "000000"
		if good == wrong {
			wrong = "111111"
		}
		for _, tc := range []struct {
			name string
			body map[string]string
		}{
			{"wrong password", map[string]string{"login": "clinic-a", "password": "wrong"}},
			{"unknown login", map[string]string{"login": "nobody", "password": clinicPass}},
			{"missing code", map[string]string{"login": "clinic-b", "password": clinicPass}},
			{"wrong code", map[string]string{"login": "clinic-b", "password": clinicPass, "totp": wrong}},
			{"right code, wrong password", map[string]string{"login": "clinic-b", "password": "x", "totp": good}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := h.client()
				if st, body := c.do("POST", "/api/v1/clinic/login", tc.body); st != 401 || code(body) != "unauthorized" {
					t.Fatalf("login: %d %v; want 401", st, body)
				}
				if st, _ := c.appointments(); st != 401 {
					t.Errorf("appointments after a refused login: %d; want 401", st)
				}
			})
		}
		if st, list := h.login("clinic-b").appointments(); st != 200 || len(list) != 1 {
			t.Errorf("with the right code: %d %v", st, list)
		}
		if n := strings.Count(strings.Join(h.auditActions(t), "\n"), "staff_login_failed"); n != 5 {
			t.Errorf("%d failed sign-ins in the audit log, want 5", n)
		}
	})
}

func TestClinicLoginIsRateLimitedPerLogin(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		c := h.client()
		for i := range 10 {
			if st, _ := c.do("POST", "/api/v1/clinic/login", map[string]string{"login": "clinic-a", "password": "guess"}); st != 401 {
				t.Fatalf("attempt %d: %d, want 401", i+1, st)
			}
		}
		st, body := c.do("POST", "/api/v1/clinic/login", map[string]string{"login": "clinic-a", "password": clinicPass})
		if st != http.StatusTooManyRequests || c.header.Get("Retry-After") == "" {
			t.Errorf("11th attempt: %d %v; want 429 with Retry-After, even with the right password", st, body)
		}
	})
}

func TestClinicCSVExportHoldsOnlyTheSite(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		st, ctype, body := h.login("clinic-a").raw("/api/v1/clinic/appointments?format=csv&date=" + clinicDay.String())
		if st != 200 || !strings.HasPrefix(ctype, "text/csv") {
			t.Fatalf("export: %d %s %s", st, ctype, body)
		}
		lines := strings.Split(strings.TrimSpace(body), "\n")
		if len(lines) != 3 || lines[0] != "id,date,name,birth,status,second_date" {
			t.Fatalf("CSV = %q; want a header and site A's 2 rows", lines)
		}
		if strings.Contains(body, "박지호") {
			t.Error("site A's export holds site B's resident")
		}
		if !strings.Contains(body, ",'=이서연,") {
			t.Errorf("a name starting with = is not defused: %q", body)
		}
	})
}

func TestClinicReadsAreAuditedForOperators(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		a := h.login("clinic-a")
		a.appointments()
		a.raw("/api/v1/clinic/appointments?format=csv")
		a.do("POST", "/api/v1/clinic/appointments/"+itoa(h.booked[clinicSiteA][0].ID)+"/attendance", map[string]string{"status": "vaccinated"})
		st, _ := a.do("POST", "/api/v1/clinic/logout", nil)
		if st != http.StatusNoContent {
			t.Errorf("logout: %d", st)
		}
		if st, _ := a.appointments(); st != 401 {
			t.Errorf("appointments after logout: %d, want 401", st)
		}
		staffA := "staff:" + itoa(mustStaffID(t, s, "clinic-a"))
		got := h.auditActions(t)
		for _, want := range []string{"operator view_audit_log", staffA + " staff_logout", staffA + " mark_attendance",
			staffA + " export_csv", staffA + " view_appointments", staffA + " staff_login"} {
			if !slices.Contains(got, want) {
				t.Errorf("audit log %q lacks %q", got, want)
			}
		}
		if got[0] != "operator view_audit_log" {
			t.Errorf("newest entry %q, want the operator's own read", got[0])
		}
	})
}

func TestClinicResidentAndOperatorCredentialsDoNotCross(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		resident := h.client()
		resident.verify(h.resident(2, 0))
		if st, _ := resident.appointments(); st != 401 {
			t.Errorf("a resident's session on a clinic route: %d, want 401", st)
		}
		a := h.login("clinic-a")
		if st, _ := a.do("GET", "/api/v1/admin/audit", nil); st != 401 {
			t.Errorf("a clinic session on an operator route: %d, want 401", st)
		}
		if st, _ := adminDo(t, h.harness, "GET", "/api/v1/clinic/appointments", "", ""); st != 401 {
			t.Errorf("the operator token on a clinic route: %d, want 401", st)
		}
	})
}

func mustStaffID(t *testing.T, s vaxbook.Store, login string) int64 {
	t.Helper()
	st, err := s.StaffByLogin(t.Context(), login)
	if err != nil {
		t.Fatal(err)
	}
	return st.ID
}
