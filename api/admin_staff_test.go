package api_test

import (
	"encoding/base32"
	"encoding/json"
	"testing"

	"vaxbook"
	"vaxbook/staff"
)

func TestOperatorCreatesAStaffAccountWithASecondFactor(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		body := func(v any) string { b, _ := json.Marshal(v); return string(b) }
		path := "/api/v1/admin/staff/nurse-park"
		if st, _ := adminDo(t, h.harness, "PUT", path, "application/json", body(map[string]any{"site_id": clinicSiteA, "name": "박간호", "password": "short"})); st != 400 {
			t.Errorf("a short password: %d, want 400", st)
		}
		st, out := adminDo(t, h.harness, "PUT", path, "application/json",
			body(map[string]any{"site_id": clinicSiteA, "name": "박간호", "password": "correct horse battery", "totp": true}))
		if st != 200 || out["totp_secret"] == nil {
			t.Fatalf("create: %d %v", st, out)
		}
		key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(out["totp_secret"].(string))
		if err != nil {
			t.Fatal(err)
		}
		c := h.client()
		login := map[string]string{"login": "nurse-park", "password": "correct horse battery"}
		if st, _ := c.do("POST", "/api/v1/clinic/login", login); st != 401 {
			t.Errorf("login without the code: %d, want 401", st)
		}
		login["totp"] = staff.TOTP(key, h.clock.Now())
		if st, got := c.do("POST", "/api/v1/clinic/login", login); st != 200 || got["site_id"] != float64(clinicSiteA) {
			t.Errorf("login with the code: %d %v", st, got)
		}
	})
}
