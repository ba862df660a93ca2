package oidc_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/devoidc"
	"vaxbook/oidc"
)

var ctx = context.Background()

func TestSignInThroughTwoBrandsGivesOnePerson(t *testing.T) {
	w := newWorld(t)
	r := w.pop.Resident(42)

	l := w.signIn(t, "kakao", "pc", 42)
	id, key, err := w.m.Finish(ctx, "kakao", "pc", l.cookie, l.query, t0)
	if err != nil {
		t.Fatalf("Finish(kakao): %v", err)
	}
	if id.CI != r.CI || id.Name != r.Name || id.Birth != r.Birth || id.Phone != r.Phone {
		t.Errorf("identity = %+v, want the resident's %+v", id, r.Identity)
	}
	if key != w.personKey(42) {
		t.Errorf("person key = %q, want PersonKey of the CI", key)
	}

	// Naver, configured Naver-style (claims from the userinfo endpoint), after the
	// verification window: the same CI, so the same person.
	later := t0.Add(vaxbook.VerifyWindow)
	authURL, cookie, err := w.m.Begin(ctx, "naver", "pc", later)
	if err != nil {
		t.Fatal(err)
	}
	l2 := w.signInAt(t, authURL, 42)
	id2, key2, err := w.m.Finish(ctx, "naver", "pc", cookie, l2, later)
	if err != nil {
		t.Fatalf("Finish(naver): %v", err)
	}
	if id2 != id || key2 != key {
		t.Errorf("naver gave %+v / %q, kakao %+v / %q; want the same person", id2, key2, id, key)
	}
}

func TestBeginAsksForCodeWithPKCEStateAndNonce(t *testing.T) {
	w := newWorld(t)
	l := w.signIn(t, "kakao", "pc", 1)
	for _, p := range []string{"state", "nonce", "code_challenge"} {
		if len(l.auth.Get(p)) < 32 {
			t.Errorf("authorization request %s = %q, want a long random value", p, l.auth.Get(p))
		}
	}
	if l.auth.Get("code_challenge_method") != "S256" || l.auth.Get("response_type") != "code" {
		t.Errorf("authorization request = %v, want the code flow with S256", l.auth)
	}
	if strings.Contains(l.cookie, l.auth.Get("state")) || strings.Contains(l.cookie, l.auth.Get("nonce")) {
		t.Error("the state cookie shows the state or nonce in clear")
	}
	if got := l.query.Get("state"); got != l.auth.Get("state") {
		t.Errorf("callback state = %q, want the request's", got)
	}
}

func TestFinishRefusesCallbacksThatDoNotMatchTheLogin(t *testing.T) {
	tests := []struct {
		name   string
		change func(w *world, l *login) (provider, device string, now time.Time)
		code   vaxbook.Code
	}{
		{"state mismatch", func(_ *world, l *login) (string, string, time.Time) {
			l.query.Set("state", l.query.Get("state")+"x")
			return "kakao", "pc", t0
		}, vaxbook.CodeVerifyFailed},
		{"state missing", func(_ *world, l *login) (string, string, time.Time) {
			l.query.Del("state")
			return "kakao", "pc", t0
		}, vaxbook.CodeVerifyFailed},
		{"state given twice", func(_ *world, l *login) (string, string, time.Time) {
			l.query.Add("state", l.query.Get("state"))
			return "kakao", "pc", t0
		}, vaxbook.CodeVerifyFailed},
		{"cookie missing", func(_ *world, l *login) (string, string, time.Time) {
			l.cookie = ""
			return "kakao", "pc", t0
		}, vaxbook.CodeVerifyFailed},
		{"cookie tampered", func(_ *world, l *login) (string, string, time.Time) {
			l.cookie = flip(l.cookie, len(l.cookie)/2)
			return "kakao", "pc", t0
		}, vaxbook.CodeVerifyFailed},
		{"cookie truncated", func(_ *world, l *login) (string, string, time.Time) {
			l.cookie = l.cookie[:len(l.cookie)-4]
			return "kakao", "pc", t0
		}, vaxbook.CodeVerifyFailed},
		{"cookie from another device", func(_ *world, l *login) (string, string, time.Time) {
			return "kakao", "phone", t0
		}, vaxbook.CodeVerifyFailed},
		// Two providers may share an issuer (the carriers' PASS, say); a login
		// started at one must not finish at the other.
		{"cookie for another provider", func(_ *world, l *login) (string, string, time.Time) {
			return "kakao-twin", "pc", t0
		}, vaxbook.CodeVerifyFailed},
		{"cookie expired", func(_ *world, l *login) (string, string, time.Time) {
			return "kakao", "pc", t0.Add(oidc.StateTTL)
		}, vaxbook.CodeVerifyFailed},
		{"provider answered with an error", func(_ *world, l *login) (string, string, time.Time) {
			l.query = url.Values{"state": {l.query.Get("state")}, "error": {"access_denied"}}
			return "kakao", "pc", t0
		}, vaxbook.CodeVerifyFailed},
		{"code missing", func(_ *world, l *login) (string, string, time.Time) {
			l.query.Del("code")
			return "kakao", "pc", t0
		}, vaxbook.CodeInvalidInput},
		{"code forged", func(_ *world, l *login) (string, string, time.Time) {
			l.query.Set("code", flip(l.query.Get("code"), 3))
			return "kakao", "pc", t0
		}, vaxbook.CodeVerifyFailed},
		{"unknown provider", func(_ *world, l *login) (string, string, time.Time) {
			return "google", "pc", t0
		}, vaxbook.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.addTwin(t, "kakao")
			l := w.signIn(t, "kakao", "pc", 5)
			orig := login{cookie: l.cookie, query: cloneValues(l.query)}
			provider, device, now := tt.change(w, &l)
			_, _, err := w.m.Finish(ctx, provider, device, l.cookie, l.query, now)
			wantCode(t, err, tt.code)
			// The refusal is the check's doing: the untouched callback still completes
			// unless the code itself was spent on the refused attempt.
			if tt.name == "code forged" {
				return
			}
			if _, _, err := w.m.Finish(ctx, "kakao", "pc", orig.cookie, orig.query, t0); err != nil {
				t.Errorf("the genuine callback after the refusal: %v", err)
			}
		})
	}
}

func TestReplayedAuthorizationCodeIsRefused(t *testing.T) {
	w := newWorld(t)
	l := w.signIn(t, "kakao", "pc", 9)
	if _, _, err := w.m.Finish(ctx, "kakao", "pc", l.cookie, l.query, t0); err != nil {
		t.Fatal(err)
	}
	// A second vaxbook instance: only the issuer's refusal of the spent code can stop
	// the replay there.
	_, _, err := w.method(t).Finish(ctx, "kakao", "pc", l.cookie, l.query, t0)
	wantCode(t, err, vaxbook.CodeVerifyFailed)
}

func TestClaimTheProviderDoesNotShareFailsTheVerification(t *testing.T) {
	w := newWorld(t, func(c *oidc.ProviderConfig) { c.BirthClaim = "birth_date_not_sent" })
	l := w.signIn(t, "kakao", "pc", 3)
	_, _, err := w.m.Finish(ctx, "kakao", "pc", l.cookie, l.query, t0)
	wantCode(t, err, vaxbook.CodeVerifyFailed)
	if !strings.Contains(vaxbook.ErrorMessage(err), "birth date") {
		t.Errorf("message %q does not say what is missing", vaxbook.ErrorMessage(err))
	}
}

func TestUnreachableProviderIsUnavailable(t *testing.T) {
	w := newWorld(t, func(c *oidc.ProviderConfig) { c.Issuer = "http://127.0.0.1:1/nowhere" })
	_, _, err := w.m.Begin(ctx, "kakao", "pc", t0)
	wantCode(t, err, vaxbook.CodeUnavailable)
}

func TestProvidersListsTheConfigurationInOrder(t *testing.T) {
	w := newWorld(t)
	got := w.m.Providers()
	if len(got) != 2 || got[0].Name != "kakao" || got[1].Name != "naver" {
		t.Errorf("Providers() = %+v", got)
	}
}

// signInAt has resident i sign in at the provider for an authorization URL and
// returns the callback query.
func (w *world) signInAt(tb testing.TB, authURL string, i int) url.Values {
	tb.Helper()
	cb, err := devoidc.SignIn(ctx, w.srv.Client(), authURL, w.pop.Resident(i).Phone)
	if err != nil {
		tb.Fatal(err)
	}
	return cb.Query()
}

func wantRetryAt(tb testing.TB, err error, at time.Time) {
	tb.Helper()
	var e *vaxbook.Error
	if !errors.As(err, &e) || !e.RetryAt.Equal(at) {
		tb.Errorf("error %v: RetryAt want %v", err, at)
	}
}

// flip changes the character at i to another of the same alphabet.
func flip(s string, i int) string {
	b := []byte(s)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
