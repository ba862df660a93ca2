package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vaxbook"
	"vaxbook/sqlite/sqlitetest"
)

// FuzzRequestBodies sends arbitrary bodies to the JSON routes a resident reaches and
// checks that none of them makes the server fail (5xx) or book anything.
func FuzzRequestBodies(f *testing.F) {
	for _, seed := range []string{
		`{"site_id":1,"date":"2021-09-01"}`, `{"site_id":1e309}`, `{"date":"２０２１-09-01"}`, `[]`, `null`,
		`{"name":"이상훈","birth":"1981-07-12","digit7":"1","carrier":"KT","phone":"010-6408-1132"}`,
		`{"code":"123456"}`, `{"challenge":"x","chain":"-----BEGIN","signature":"AAAA"}`, "\x00\xff",
	} {
		f.Add(seed)
	}
	s := sqlitetest.OpenStore(f)
	h := newHarnessForFuzz(f, s)
	paths := []string{
		"/api/v1/campaigns/" + itoa(h.campaignID) + "/reservation",
		"/api/v1/identity/phone/start", "/api/v1/identity/phone/confirm",
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, p := range paths {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("POST", p, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			h.handler.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("POST %s %q: %d %s", p, body, rec.Code, rec.Body)
			}
		}
		if a, err := s.Audit(t.Context(), h.campaignID); err != nil || a.ActiveReservations != 0 {
			t.Fatalf("a fuzzed request booked: %+v %v", a, err)
		}
	})
}

// fuzzHarness is the API handler over a small demo campaign, without a test server.
type fuzzHarness struct {
	handler    http.Handler
	campaignID int64
}

func newHarnessForFuzz(f *testing.F, s vaxbook.Store) fuzzHarness {
	h := newHarnessWith(f, s, nil)
	return fuzzHarness{handler: h.srv.Config.Handler, campaignID: h.campaignID}
}
