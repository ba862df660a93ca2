package api_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/redis"
	"vaxbook/redis/redistest"
	"vaxbook/sqlite/sqlitetest"
)

// staffCookie returns the client's staff cookie value, as a thief would copy it.
func (c *client) staffCookie(t *testing.T) string {
	t.Helper()
	req, _ := http.NewRequest("GET", c.h.srv.URL+"/api/v1/clinic/appointments", nil)
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		if ck.Name == "vb_staff" {
			return ck.Value
		}
	}
	t.Fatal("no staff cookie")
	return ""
}

// withStaffCookie returns a new client carrying only the staff cookie value.
func (h *clinicHarness) withStaffCookie(t *testing.T, value string) *client {
	t.Helper()
	c := h.client()
	u, _ := http.NewRequest("GET", h.srv.URL+"/api/v1/clinic/", nil)
	c.http.Jar.SetCookies(u.URL, []*http.Cookie{{Name: "vb_staff", Value: value, Path: "/api/v1/clinic"}})
	return c
}

func TestASignedOutStaffTokenIsRefusedEverywhere(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		a := h.login("clinic-a")
		copied := h.withStaffCookie(t, a.staffCookie(t))
		other := h.login("clinic-a") // the same person on a second computer
		if st, _ := copied.appointments(); st != 200 {
			t.Fatalf("a copy of a live token: %d, want 200", st)
		}
		if st, _ := a.do("POST", "/api/v1/clinic/logout", nil); st != http.StatusNoContent {
			t.Fatalf("logout: %d", st)
		}
		if st, body := copied.do("GET", "/api/v1/clinic/appointments", nil); st != 401 || code(body) != "unauthorized" {
			t.Errorf("a copy of a signed-out token: %d %v, want 401", st, body)
		}
		if st, _ := other.appointments(); st != 200 {
			t.Errorf("the account's other session after one sign-out: %d, want 200", st)
		}
	})
}

func TestOperatorEndsEverySessionOfAStaffAccount(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		a1, a2, b := h.login("clinic-a"), h.login("clinic-a"), h.login("clinic-b")
		h.clock.Advance(time.Minute)
		st, body := adminDo(t, h.harness, "DELETE", "/api/v1/admin/staff/clinic-a/sessions", "", "")
		if st != 200 || body["login"] != "clinic-a" || body["disabled"] != false || body["sessions_revoked_at"] == "" {
			t.Fatalf("end sessions: %d %v", st, body)
		}
		for i, c := range []*client{a1, a2} {
			if st, _ := c.appointments(); st != 401 {
				t.Errorf("clinic-a session %d after the operator ended them: %d, want 401", i+1, st)
			}
		}
		if st, _ := b.appointments(); st != 200 {
			t.Errorf("clinic-b's session: %d, want 200 (another account)", st)
		}
		h.clock.Advance(time.Second)
		if st, _ := h.login("clinic-a").appointments(); st != 200 {
			t.Errorf("clinic-a signing in again: %d, want 200", st)
		}
		if st, _ := adminDo(t, h.harness, "DELETE", "/api/v1/admin/staff/nobody/sessions", "", ""); st != 404 {
			t.Errorf("an unknown login: %d, want 404", st)
		}
		if !slices.Contains(h.auditActions(t), "operator "+vaxbook.AuditRevokeStaff) {
			t.Error("ending the sessions was not audited")
		}
	})
}

// TestAPasswordResetEndsTheAccountsSessions: an operator who resets a leaked password
// shuts out whoever signed in with it, as ending the sessions would; a PUT that keeps
// the credentials (a new name) leaves the sessions alone.
func TestAPasswordResetEndsTheAccountsSessions(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		a, b := h.login("clinic-a"), h.login("clinic-b")
		h.clock.Advance(time.Minute)
		put := func(login, password string) bool {
			t.Helper()
			site := map[string]int64{"clinic-a": clinicSiteA, "clinic-b": clinicSiteB}[login]
			st, body := adminDo(t, h.harness, "PUT", "/api/v1/admin/staff/"+login, "application/json",
				`{"site_id": `+itoa(site)+`, "name": "수간호사", "password": "`+password+`"}`)
			if st != 200 {
				t.Fatalf("PUT %s: %d %v", login, st, body)
			}
			return body["sessions_ended"] == true
		}
		if put("clinic-a", clinicPass) {
			t.Error("a rename with the same password ended the sessions")
		}
		if st, _ := a.appointments(); st != 200 {
			t.Errorf("clinic-a's session after a rename: %d, want 200", st)
		}
		const newPass = "a new password after the leak"
		if !put("clinic-a", newPass) {
			t.Error("a password reset did not say it ended the sessions")
		}
		if st, body := a.appointments(); st != 401 {
			t.Errorf("clinic-a's session after its password was reset: %d %v, want 401", st, body)
		}
		if st, _ := b.appointments(); st != 200 {
			t.Errorf("clinic-b's session after clinic-a's reset: %d, want 200 (another account)", st)
		}
		h.clock.Advance(time.Second)
		c := h.client()
		if st, _ := c.do("POST", "/api/v1/clinic/login", map[string]string{"login": "clinic-a", "password": clinicPass}); st != 401 {
			t.Errorf("sign-in with the old password: %d, want 401", st)
		}
		if st, _ := c.do("POST", "/api/v1/clinic/login", map[string]string{"login": "clinic-a", "password": newPass}); st != 200 {
			t.Errorf("sign-in with the new password: %d, want 200", st)
		}
		if st, _ := c.appointments(); st != 200 {
			t.Errorf("the session signed in after the reset: %d, want 200", st)
		}
		// clinic-b keeps its password but loses its second factor: a change of credentials.
		if !put("clinic-b", clinicPass) {
			t.Error("removing the second factor did not end the sessions")
		}
		if st, _ := b.appointments(); st != 401 {
			t.Errorf("clinic-b's session after its second factor was removed: %d, want 401", st)
		}
		if !slices.Contains(h.auditActions(t), "operator "+vaxbook.AuditRevokeStaff) {
			t.Error("ending the sessions by a reset was not audited")
		}
	})
}

func TestADisabledStaffAccountCannotSignInOrGoOn(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		a := h.login("clinic-a")
		h.clock.Advance(time.Second)
		st, body := adminDo(t, h.harness, "PUT", "/api/v1/admin/staff/clinic-a/status", "application/json", `{"disabled": true}`)
		if st != 200 || body["disabled"] != true {
			t.Fatalf("disable: %d %v", st, body)
		}
		if st, _ := a.appointments(); st != 401 {
			t.Errorf("a session of the disabled account: %d, want 401", st)
		}
		h.clock.Advance(time.Second)
		st, body = h.client().do("POST", "/api/v1/clinic/login", map[string]string{"login": "clinic-a", "password": clinicPass})
		if st != http.StatusForbidden || code(body) != "forbidden" {
			t.Errorf("signing in while disabled: %d %v, want 403", st, body)
		}
		if st, _ := adminDo(t, h.harness, "PUT", "/api/v1/admin/staff/clinic-a/status", "application/json", `{}`); st != 400 {
			t.Errorf("status without disabled: %d, want 400", st)
		}
		if st, body := adminDo(t, h.harness, "PUT", "/api/v1/admin/staff/clinic-a/status", "application/json", `{"disabled": false}`); st != 200 || body["disabled"] != false {
			t.Fatalf("enable: %d %v", st, body)
		}
		if st, _ := a.appointments(); st != 401 {
			t.Errorf("an old session after enabling: %d, want 401 (enabling revives none)", st)
		}
		h.clock.Advance(time.Second)
		if st, _ := h.login("clinic-a").appointments(); st != 200 {
			t.Errorf("signing in after enabling: %d, want 200", st)
		}
		got := h.auditActions(t)
		for _, want := range []string{"operator " + vaxbook.AuditDisableStaff, "operator " + vaxbook.AuditEnableStaff, "login:clinic-a " + vaxbook.AuditLoginFailed} {
			if !slices.Contains(got, want) {
				t.Errorf("audit log %q lacks %q", got, want)
			}
		}
	})
}

func TestAStaffTokenForTheOldSiteIsRefusedAfterAMove(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		a := h.login("clinic-a")
		st, body := adminDo(t, h.harness, "PUT", "/api/v1/admin/staff/clinic-a", "application/json",
			`{"site_id": 2, "name": "A 간호사", "password": "`+clinicPass+`"}`)
		if st != 200 {
			t.Fatalf("move clinic-a to site 2: %d %v", st, body)
		}
		if st, _ := a.appointments(); st != 401 {
			t.Errorf("a token naming site 1 after the move: %d, want 401", st)
		}
	})
}

// TestStaffLoginLimitIsSharedThroughRedis plays a guesser who spreads attempts over two
// instances: with the limiters in Redis the eleventh attempt is refused whichever
// instance it reaches; with each instance's own count it is not.
func TestStaffLoginLimitIsSharedThroughRedis(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	for _, shared := range []bool{true, false} {
		name := map[bool]string{true: "redis", false: "in-process"}[shared]
		t.Run(name, func(t *testing.T) {
			limits := func() api.LoginLimits {
				if !shared {
					return api.LoginLimits{}
				}
				acct, err := redis.NewLimiter(rdb, prefix+t.Name()+":login:", api.StaffLoginsPerAccount, api.StaffLoginWindow)
				if err != nil {
					t.Fatal(err)
				}
				addr, err := redis.NewLimiter(rdb, prefix+t.Name()+":addr:", api.StaffLoginsPerAddr, api.StaffLoginWindow)
				if err != nil {
					t.Fatal(err)
				}
				return api.LoginLimits{PerAccount: acct, PerAddr: addr}
			}
			var second *httptest.Server
			h := newHarnessWith(t, sqlitetest.OpenStore(t), func(cfg *api.Config, _ vaxbook.Clock) {
				cfg.StaffKey, cfg.StaffLogins = staffKey, limits()
				other := *cfg
				other.StaffLogins = limits()
				second = httptest.NewServer(checkContract(t, api.New(other).Handler()))
				t.Cleanup(second.Close)
			})
			try := func(base string) int {
				resp, err := http.Post(base+"/api/v1/clinic/login", "application/json",
					strings.NewReader(`{"login": "clinic-a", "password": "wrong password!"}`))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			for i := range api.StaffLoginsPerAccount {
				base := []string{h.srv.URL, second.URL}[i%2]
				if st := try(base); st != http.StatusUnauthorized {
					t.Fatalf("attempt %d: %d, want 401", i+1, st)
				}
			}
			for _, base := range []string{h.srv.URL, second.URL} {
				st := try(base)
				if shared && st != http.StatusTooManyRequests {
					t.Errorf("attempt %d at %s: %d, want 429 (the count is shared)", api.StaffLoginsPerAccount+1, base, st)
				}
				if !shared && st != http.StatusUnauthorized {
					t.Errorf("attempt %d at %s: %d; each instance counted only its own", api.StaffLoginsPerAccount+1, base, st)
				}
			}
		})
	}
}
