package storetest

import (
	"testing"
	"time"

	"vaxbook"
)

// staffSessionTests check the state that ends staff sessions early: one token signed
// out, all of an account's sessions ended, an account disabled.
var staffSessionTests = []storeTest{
	{"a new account's sessions are all good", func(t *testing.T, s vaxbook.Store) {
		st := mustStaff(t, s, "gangnam-1", siteA)
		a := mustAccess(t, s, st.ID, "token-a")
		if a != (vaxbook.StaffAccess{SiteID: siteA}) {
			t.Fatalf("StaffAccess = %+v, want site A and nothing revoked", a)
		}
		if err := a.Check(siteA, clinicAt); err != nil {
			t.Errorf("Check: %v", err)
		}
	}},
	{"a signed-out token is refused and the account's other tokens are not", func(t *testing.T, s vaxbook.Store) {
		st := mustStaff(t, s, "gangnam-1", siteA)
		if err := s.RevokeStaffToken(t.Context(), st.ID, "token-a", clinicAt.Add(8*time.Hour), clinicAt); err != nil {
			t.Fatalf("RevokeStaffToken: %v", err)
		}
		a := mustAccess(t, s, st.ID, "token-a")
		wantCode(t, "Check(signed out)", a.Check(siteA, clinicAt), vaxbook.CodeUnauthorized)
		if err := mustAccess(t, s, st.ID, "token-b").Check(siteA, clinicAt); err != nil {
			t.Errorf("another token of the account: %v", err)
		}
		other := mustStaff(t, s, "mapo-1", siteB)
		if mustAccess(t, s, other.ID, "token-a").TokenRevoked {
			t.Error("a token id signed out by one account counts against another")
		}
		// Signing out twice is no error.
		if err := s.RevokeStaffToken(t.Context(), st.ID, "token-a", clinicAt.Add(8*time.Hour), clinicAt); err != nil {
			t.Errorf("RevokeStaffToken again: %v", err)
		}
	}},
	{"a sign-out drops the entries of tokens that have expired", func(t *testing.T, s vaxbook.Store) {
		st := mustStaff(t, s, "gangnam-1", siteA)
		if err := s.RevokeStaffToken(t.Context(), st.ID, "old", clinicAt.Add(time.Hour), clinicAt); err != nil {
			t.Fatal(err)
		}
		later := clinicAt.Add(2 * time.Hour)
		if err := s.RevokeStaffToken(t.Context(), st.ID, "new", later.Add(8*time.Hour), later); err != nil {
			t.Fatal(err)
		}
		if mustAccess(t, s, st.ID, "old").TokenRevoked {
			t.Error("the entry of a token expired an hour ago was kept")
		}
		if !mustAccess(t, s, st.ID, "new").TokenRevoked {
			t.Error("the new sign-out was not kept")
		}
	}},
	{"ending all sessions refuses tokens issued up to then, and never moves back", func(t *testing.T, s vaxbook.Store) {
		st := mustStaff(t, s, "gangnam-1", siteA)
		at := clinicAt.Add(time.Hour)
		got, a, err := s.SetStaffAccess(t.Context(), "gangnam-1", at, nil)
		if err != nil || got.ID != st.ID || got.SiteID != siteA || !a.RevokedAt.Equal(at) || a.Disabled {
			t.Fatalf("SetStaffAccess = %+v, %+v, %v; want account %d, revoked at %s, enabled", got, a, err, st.ID, at)
		}
		a = mustAccess(t, s, st.ID, "t")
		wantCode(t, "Check(issued before)", a.Check(siteA, clinicAt), vaxbook.CodeUnauthorized)
		wantCode(t, "Check(issued at the instant)", a.Check(siteA, at), vaxbook.CodeUnauthorized)
		if err := a.Check(siteA, at.Add(time.Second)); err != nil {
			t.Errorf("a token issued after: %v", err)
		}
		if _, a, _ := s.SetStaffAccess(t.Context(), "gangnam-1", clinicAt, nil); !a.RevokedAt.Equal(at) {
			t.Errorf("an earlier instant moved the revocation back to %s", a.RevokedAt)
		}
	}},
	{"a disabled account is refused until enabled", func(t *testing.T, s vaxbook.Store) {
		st := mustStaff(t, s, "gangnam-1", siteA)
		yes, no := true, false
		if _, a, err := s.SetStaffAccess(t.Context(), "gangnam-1", clinicAt, &yes); err != nil || !a.Disabled {
			t.Fatalf("disable: %+v, %v", a, err)
		}
		a := mustAccess(t, s, st.ID, "t")
		wantCode(t, "Check(disabled)", a.Check(siteA, clinicAt.Add(time.Hour)), vaxbook.CodeUnauthorized)
		if _, a, _ := s.SetStaffAccess(t.Context(), "gangnam-1", clinicAt, nil); !a.Disabled {
			t.Error("ending sessions without a flag enabled the account")
		}
		if _, a, err := s.SetStaffAccess(t.Context(), "gangnam-1", clinicAt, &no); err != nil || a.Disabled {
			t.Fatalf("enable: %+v, %v", a, err)
		}
		if err := mustAccess(t, s, st.ID, "t").Check(siteA, clinicAt.Add(time.Hour)); err != nil {
			t.Errorf("a new token after enabling: %v", err)
		}
	}},
	{"an account moved to another site refuses its old site's tokens", func(t *testing.T, s vaxbook.Store) {
		st := mustStaff(t, s, "gangnam-1", siteA)
		mustStaff(t, s, "gangnam-1", siteB)
		a := mustAccess(t, s, st.ID, "t")
		wantCode(t, "Check(old site)", a.Check(siteA, clinicAt), vaxbook.CodeUnauthorized)
		if err := a.Check(siteB, clinicAt); err != nil {
			t.Errorf("Check(new site): %v", err)
		}
	}},
	{"a missing account is not_found", func(t *testing.T, s vaxbook.Store) {
		mustFixture(t, s)
		_, err := s.StaffAccess(t.Context(), 999, "t")
		wantCode(t, "StaffAccess(missing)", err, vaxbook.CodeNotFound)
		_, _, err = s.SetStaffAccess(t.Context(), "nobody", clinicAt, nil)
		wantCode(t, "SetStaffAccess(missing)", err, vaxbook.CodeNotFound)
	}},
}

// mustStaff stores (or moves) the account login at site, with the fixture's sites, and
// returns it as read back.
func mustStaff(tb testing.TB, s vaxbook.Store, login string, site int64) vaxbook.Staff {
	tb.Helper()
	if cs, _ := s.Campaigns(tb.Context()); len(cs) == 0 {
		mustFixture(tb, s)
	}
	if err := s.PutStaff(tb.Context(), vaxbook.Staff{SiteID: site, Login: login, Name: "김간호", PasswordHash: "$argon2id$x"}); err != nil {
		tb.Fatalf("PutStaff(%s): %v", login, err)
	}
	st, err := s.StaffByLogin(tb.Context(), login)
	if err != nil {
		tb.Fatalf("StaffByLogin(%s): %v", login, err)
	}
	return st
}

// mustAccess reads the access state of an account's token.
func mustAccess(tb testing.TB, s vaxbook.Store, staffID int64, tokenID string) vaxbook.StaffAccess {
	tb.Helper()
	a, err := s.StaffAccess(tb.Context(), staffID, tokenID)
	if err != nil {
		tb.Fatalf("StaffAccess(%d, %s): %v", staffID, tokenID, err)
	}
	return a
}

// totpStepTests check that each TOTP step signs an account in once.
var totpStepTests = []storeTest{
	{"a TOTP step is used once and never an earlier one after it", func(t *testing.T, s vaxbook.Store) {
		st := mustStaff(t, s, "gangnam-1", siteA)
		other := mustStaff(t, s, "gangnam-2", siteA)
		for _, c := range []struct {
			staff int64
			step  int64
			want  bool
		}{
			{st.ID, 100, true},
			{st.ID, 100, false}, // the same code again: a replay
			{st.ID, 99, false},  // an older code after a newer one
			{other.ID, 100, true},
			{st.ID, 101, true},
		} {
			got, err := s.UseTOTPStep(t.Context(), c.staff, c.step)
			if err != nil || got != c.want {
				t.Fatalf("UseTOTPStep(%d, %d) = %v, %v; want %v", c.staff, c.step, got, err, c.want)
			}
		}
	}},
}
