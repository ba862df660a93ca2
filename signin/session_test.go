package signin_test

import (
	"testing"

	"vaxbook"
	"vaxbook/signin"
	"vaxbook/storetest/engines"
)

// TestSessionAnswersUntilSignOutOrExpiry: the read of every signed-in request finds
// the person behind a token the service issued, and nobody behind a token it did not
// issue, one signed out or one expired.
func TestSessionAnswersUntilSignOutOrExpiry(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		iss, err := f.svc.Complete(t.Context(), signin.Attempt{Device: "pc"}, proof(1), t0)
		if err != nil {
			t.Fatal(err)
		}
		sess, p, err := f.svc.Session(t.Context(), iss.Token, t0)
		if err != nil || p.Key != "person-1" || !sess.Verified(t0) {
			t.Fatalf("Session: %+v %+v %v; want person-1 verified", sess, p, err)
		}
		for name, token := range map[string]string{"no token": "", "a short token": "abc", "a token never issued": signin.NewToken()} {
			if _, _, err := f.svc.Session(t.Context(), token, t0); vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
				t.Errorf("Session(%s): %v, want unauthorized", name, err)
			}
		}
		if _, _, err := f.svc.Session(t.Context(), iss.Token, t0.Add(vaxbook.SessionTTL)); vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
			t.Errorf("Session after its lifetime: %v, want unauthorized", err)
		}
		if err := f.svc.SignOut(t.Context(), iss.Token, t0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Session(t.Context(), iss.Token, t0); vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
			t.Errorf("Session after sign-out: %v, want unauthorized", err)
		}
	})
}
