package api_test

import (
	"net/http"
	"strings"
	"testing"

	"vaxbook"
)

// TestBadInputGetsAClearErrorAndChangesNothing sends malformed and hostile requests
// to every state-changing route and checks the answer is a 4xx problem with a stable
// code, never a 500, and that nothing was booked.
func TestBadInputGetsAClearErrorAndChangesNothing(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		base := "/api/v1/campaigns/" + itoa(h.campaignID)
		c := h.client()
		c.verify(h.resident(2, 0))
		site, _ := c.firstSite()
		siteID := itoa(int64(site))
		json := "application/json"
		cases := []struct {
			name, method, path, ctype, body string
			status                          int
			code                            string
		}{
			{"not JSON", "POST", base + "/reservation", json, "{site_id:1", 400, "invalid_input"},
			{"form body", "POST", base + "/reservation", "application/x-www-form-urlencoded", "site_id=1&date=2021-09-01", 400, "invalid_input"},
			{"no content type", "POST", base + "/reservation", "", `{"site_id":1,"date":"2021-09-01"}`, 400, "invalid_input"},
			{"empty body", "POST", base + "/reservation", json, "", 400, "invalid_input"},
			{"unknown field", "POST", base + "/reservation", json, `{"site_id":1,"date":"2021-09-01","person":"x"}`, 400, "invalid_input"},
			{"two objects", "POST", base + "/reservation", json, `{"site_id":1,"date":"2021-09-01"}{}`, 400, "invalid_input"},
			{"site as string", "POST", base + "/reservation", json, `{"site_id":"1","date":"2021-09-01"}`, 400, "invalid_input"},
			{"negative site", "POST", base + "/reservation", json, `{"site_id":-4,"date":"2021-09-01"}`, 400, "invalid_input"},
			{"impossible date", "POST", base + "/reservation", json, `{"site_id":` + siteID + `,"date":"2021-02-29"}`, 400, "invalid_input"},
			{"date with time", "POST", base + "/reservation", json, `{"site_id":` + siteID + `,"date":"2021-09-01T00:00:00Z"}`, 400, "invalid_input"},
			{"huge body", "POST", base + "/reservation", json, `{"site_id":1,"date":"` + strings.Repeat("9", 20000) + `"}`, 400, "invalid_input"},
			{"date outside campaign", "POST", base + "/reservation", json, `{"site_id":` + siteID + `,"date":"2021-12-01"}`, 422, "not_bookable"},
			{"past date", "POST", base + "/reservation", json, `{"site_id":` + siteID + `,"date":"2021-08-12"}`, 422, "not_bookable"},
			{"no such site", "POST", base + "/reservation", json, `{"site_id":999999,"date":"2021-09-01"}`, 422, "not_bookable"},
			{"no such campaign", "POST", "/api/v1/campaigns/999/reservation", json, `{"site_id":1,"date":"2021-09-01"}`, 404, "not_found"},
			{"campaign id not a number", "POST", "/api/v1/campaigns/x/reservation", json, `{"site_id":1,"date":"2021-09-01"}`, 400, "invalid_input"},
			{"campaign id overflow", "GET", "/api/v1/campaigns/99999999999999999999", "", "", 400, "invalid_input"},
			{"change without reservation", "PUT", base + "/reservation", json, `{"site_id":` + siteID + `,"date":"2021-09-01"}`, 404, "no_reservation"},
			{"phone start bad birth", "POST", "/api/v1/identity/phone/start", json, `{"name":"a","birth":"1981-13-01","digit7":"1","carrier":"KT","phone":"01012345678"}`, 400, "invalid_input"},
			{"phone start whole number", "POST", "/api/v1/identity/phone/start", json, `{"name":"a","birth":"1981-07-12","digit7":"1234567","carrier":"KT","phone":"01012345678"}`, 400, "invalid_input"},
			{"phone start bad phone", "POST", "/api/v1/identity/phone/start", json, `{"name":"a","birth":"1981-07-12","digit7":"1","carrier":"KT","phone":"02-123-4567"}`, 400, "invalid_input"},
			{"phone confirm letters", "POST", "/api/v1/identity/phone/confirm", json, `{"code":"abcdef"}`, 400, "invalid_input"},
			{"eligibility bad birth", "GET", base + "/eligibility?birth=81-07-12", "", "", 400, "invalid_input"},
			{"search bad limit", "GET", base + "/sites?limit=1000", "", "", 400, "invalid_input"},
			{"search bad from", "GET", base + "/sites?from=yesterday", "", "", 400, "invalid_input"},
			{"unknown route", "GET", "/api/v1/nothing", "", "", 404, "not_found"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				req, _ := http.NewRequest(tc.method, h.srv.URL+tc.path, strings.NewReader(tc.body))
				if tc.ctype != "" {
					req.Header.Set("Content-Type", tc.ctype)
				}
				resp, err := c.http.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("got %d %s, want %d problem+json", resp.StatusCode, resp.Header.Get("Content-Type"), tc.status)
				}
			})
		}
		if st, body := c.do("GET", base+"/reservation", nil); st != 404 || code(body) != "no_reservation" {
			t.Errorf("after bad input: %d %v, want no reservation", st, body)
		}
		mustAuditClean(t, h)
	})
}

func TestRoutesNeedAVerifiedSession(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		base := "/api/v1/campaigns/" + itoa(h.campaignID)
		anon := h.client()
		for _, rt := range []struct{ method, path string }{
			{"GET", base + "/me"}, {"GET", base + "/reservation"}, {"POST", base + "/reservation"},
			{"PUT", base + "/reservation"}, {"DELETE", base + "/reservation"}, {"POST", "/api/v1/identity/phone/confirm"},
		} {
			var body any
			if rt.method == "POST" || rt.method == "PUT" {
				body = map[string]any{"site_id": 1, "date": "2021-09-01", "code": "123456"}
			}
			st, got := anon.do(rt.method, rt.path, body)
			if rt.path == "/api/v1/identity/phone/confirm" {
				st, got = anon.do(rt.method, rt.path, map[string]string{"code": "123456"})
			}
			if st != 401 || code(got) != "unauthorized" {
				t.Errorf("%s %s without session: %d %v, want 401 unauthorized", rt.method, rt.path, st, got)
			}
		}
		// A forged cookie is no session either.
		req, _ := http.NewRequest("GET", h.srv.URL+base+"/me", nil)
		req.AddCookie(&http.Cookie{Name: "vb_session", Value: strings.Repeat("A", 43)})
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 {
			t.Errorf("forged cookie: %v %v", resp.StatusCode, err)
		}
	})
}

func TestCrossSiteRequestsAreRefused(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		c := h.client()
		c.verify(h.resident(2, 0))
		site, date := c.firstSite()
		req, _ := http.NewRequest("POST", h.srv.URL+"/api/v1/campaigns/"+itoa(h.campaignID)+"/reservation",
			strings.NewReader(`{"site_id":`+itoa(int64(site))+`,"date":"`+date+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Errorf("cross-site booking: %d, want 403", resp.StatusCode)
		}
		if st, _ := c.do("GET", "/api/v1/campaigns/"+itoa(h.campaignID)+"/reservation", nil); st != 404 {
			t.Errorf("cross-site request booked something: %d", st)
		}
	})
}
