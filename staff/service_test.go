package staff_test

import (
	"bytes"
	"encoding/base32"
	"slices"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/audit"
	"vaxbook/identity"
	"vaxbook/staff"
	"vaxbook/storetest/engines"
)

const password = "correct horse battery"

// fixture is the staff service over a real store holding one site.
type fixture struct {
	store vaxbook.Store
	clock *vaxbook.ManualClock
	svc   *staff.Service
}

func newFixture(t *testing.T, s vaxbook.Store) *fixture {
	t.Helper()
	if err := s.PutSites(t.Context(), []vaxbook.Site{{ID: 1, Name: "종로구보건소", Province: "서울특별시", District: "종로구", Kind: "centre"}}); err != nil {
		t.Fatal(err)
	}
	sealer, err := identity.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	clock := vaxbook.NewManualClock(vaxbook.MustDate("2021-08-12").At(9, 0))
	return &fixture{store: s, clock: clock, svc: staff.New(s, audit.New(s, clock, nil), sealer, clock)}
}

func (f *fixture) mustPut(t *testing.T, a staff.Account) staff.Put {
	t.Helper()
	p, err := f.svc.Put(t.Context(), a)
	if err != nil {
		t.Fatalf("Put(%s): %v", a.Login, err)
	}
	return p
}

// actions returns the audit log's actions, oldest first.
func (f *fixture) actions(t *testing.T) []string {
	t.Helper()
	es, err := f.store.AuditLog(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].Action)
	}
	return out
}

func account() staff.Account {
	return staff.Account{Login: "nurse-kim", SiteID: 1, Name: "김간호", Password: password}
}

func TestAnAccountSignsInWithItsPasswordOnly(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		f.mustPut(t, account())
		st, err := f.svc.SignIn(t.Context(), "nurse-kim", password, "")
		if err != nil || st.SiteID != 1 || st.Login != "nurse-kim" {
			t.Fatalf("SignIn: %+v, %v", st, err)
		}
		for _, c := range []struct{ login, password string }{{"nurse-kim", password + "!"}, {"nobody", password}} {
			if _, err := f.svc.SignIn(t.Context(), c.login, c.password, ""); vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
				t.Errorf("SignIn(%s, wrong): %v, want unauthorized", c.login, err)
			}
		}
		want := []string{"put_staff", vaxbook.AuditLogin, vaxbook.AuditLoginFailed, vaxbook.AuditLoginFailed}
		if got := f.actions(t); !slices.Equal(got, want) {
			t.Errorf("audit log %v, want %v", got, want)
		}
	})
}

func TestASecondFactorCodeSignsInOnce(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		a := account()
		a.TOTP = true
		p := f.mustPut(t, a)
		if p.TOTPSecret == "" || p.TOTPURI == "" {
			t.Fatalf("Put with a second factor returned no key: %+v", p)
		}
		key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(p.TOTPSecret)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SignIn(t.Context(), a.Login, password, ""); vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
			t.Errorf("SignIn without the code: %v, want unauthorized", err)
		}
		code := staff.TOTP(key, f.clock.Now())
		if _, err := f.svc.SignIn(t.Context(), a.Login, password, code); err != nil {
			t.Fatalf("SignIn with the code: %v", err)
		}
		if _, err := f.svc.SignIn(t.Context(), a.Login, password, code); vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
			t.Errorf("SignIn replaying the code: %v, want unauthorized", err)
		}
	})
}

func TestChangingCredentialsEndsTheSessionsKeepingThemDoesNot(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		if p := f.mustPut(t, account()); p.SessionsEnded {
			t.Error("a new account ended sessions")
		}
		st, err := f.svc.SignIn(t.Context(), "nurse-kim", password, "")
		if err != nil {
			t.Fatal(err)
		}
		issued := f.clock.Now()
		f.clock.Advance(time.Minute)
		a := account()
		a.Name = "김간호사"
		if p := f.mustPut(t, a); p.SessionsEnded {
			t.Error("renaming the account ended its sessions")
		}
		f.clock.Advance(time.Minute)
		a.Password = "a new and longer password"
		if p := f.mustPut(t, a); !p.SessionsEnded {
			t.Error("a password reset did not end the sessions")
		}
		acc, err := s.StaffAccess(t.Context(), st.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if acc.Check(1, issued) == nil {
			t.Error("a token issued before the reset is still accepted")
		}
	})
}

func TestAnAccountThatBreaksTheRulesIsRefused(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		for name, edit := range map[string]func(*staff.Account){
			"a login with a slash":  func(a *staff.Account) { a.Login = "a/b" },
			"no site":               func(a *staff.Account) { a.SiteID = 0 },
			"a short password":      func(a *staff.Account) { a.Password = "short" },
			"no name":               func(a *staff.Account) { a.Name = "" },
			"a site that is absent": nil,
		} {
			t.Run(name, func(t *testing.T) {
				a := account()
				want := vaxbook.CodeInvalidInput
				if edit == nil {
					a.SiteID, want = 99, vaxbook.CodeNotFound
				} else {
					edit(&a)
				}
				if _, err := f.svc.Put(t.Context(), a); vaxbook.ErrorCode(err) != want {
					t.Errorf("Put: %v, want %s", err, want)
				}
			})
		}
		if got := f.actions(t); len(got) != 0 {
			t.Errorf("refusals were audited as %v", got)
		}
	})
}

func TestADisabledAccountCannotSignInUntilEnabled(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		f.mustPut(t, account())
		if _, a, err := f.svc.SetDisabled(t.Context(), "nurse-kim", true); err != nil || !a.Disabled {
			t.Fatalf("SetDisabled(true): %+v, %v", a, err)
		}
		if _, err := f.svc.SignIn(t.Context(), "nurse-kim", password, ""); vaxbook.ErrorCode(err) != vaxbook.CodeForbidden {
			t.Errorf("SignIn while disabled: %v, want forbidden", err)
		}
		if _, a, err := f.svc.SetDisabled(t.Context(), "nurse-kim", false); err != nil || a.Disabled {
			t.Fatalf("SetDisabled(false): %+v, %v", a, err)
		}
		if _, err := f.svc.SignIn(t.Context(), "nurse-kim", password, ""); err != nil {
			t.Errorf("SignIn once enabled: %v", err)
		}
		if _, _, err := f.svc.EndSessions(t.Context(), "nobody"); vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
			t.Errorf("EndSessions(nobody): %v, want not_found", err)
		}
		want := []string{"put_staff", vaxbook.AuditDisableStaff, vaxbook.AuditLoginFailed, vaxbook.AuditEnableStaff, vaxbook.AuditLogin}
		if got := f.actions(t); !slices.Equal(got, want) {
			t.Errorf("audit log %v, want %v", got, want)
		}
	})
}

func TestSignOutRevokesTheOneToken(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		f.mustPut(t, account())
		st, err := f.svc.SignIn(t.Context(), "nurse-kim", password, "")
		if err != nil {
			t.Fatal(err)
		}
		sess := staff.Session{StaffID: st.ID, SiteID: st.SiteID, TokenID: "t1", Expires: f.clock.Now().Add(time.Hour)}
		if err := f.svc.SignOut(t.Context(), sess); err != nil {
			t.Fatalf("SignOut: %v", err)
		}
		for tok, revoked := range map[string]bool{"t1": true, "t2": false} {
			a, err := s.StaffAccess(t.Context(), st.ID, tok)
			if err != nil || a.TokenRevoked != revoked {
				t.Errorf("token %s: revoked %v (%v), want %v", tok, a.TokenRevoked, err, revoked)
			}
		}
	})
}
