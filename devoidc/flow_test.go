package devoidc_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"vaxbook/devoidc"
)

func TestIDTokenCarriesTheResidentAndTheCIIsTheSameAtEveryBrand(t *testing.T) {
	e := newEnv(t)
	res := e.pop.Resident(17)
	type claims struct {
		CI        string `json:"ci"`
		Name      string `json:"name"`
		Birthdate string `json:"birthdate"`
		Phone     string `json:"phone_number"`
	}
	want := claims{CI: res.CI, Name: res.Name, Birthdate: res.Birth.String(),
		Phone: "+82 " + res.Phone[1:3] + "-" + res.Phone[3:7] + "-" + res.Phone[7:]}
	subs := map[string]string{}
	for _, brand := range []string{"kakao", "naver", "pass", "ipin"} {
		r := e.rp(t, e.issuer(t, brand))
		for range 2 {
			if _, _, err := r.exchange(e.signIn(t, r, 17), ""); err == nil {
				t.Fatal("exchange without the PKCE verifier succeeded")
			}
			f := e.signIn(t, r, 17)
			tok, idt, err := r.exchange(f, f.verifier)
			if err != nil {
				t.Fatalf("%s: %v", brand, err)
			}
			if idt.Nonce != f.nonce {
				t.Errorf("%s: nonce %q, want %q", brand, idt.Nonce, f.nonce)
			}
			var got claims
			if err := idt.Claims(&got); err != nil || got != want {
				t.Errorf("%s: ID token claims %+v, %v; want %+v", brand, got, err, want)
			}
			ui, err := r.provider.UserInfo(r.ctx, oauth2.StaticTokenSource(tok))
			var uiClaims claims
			if err != nil || ui.Claims(&uiClaims) != nil || uiClaims != want || ui.Subject != idt.Subject {
				t.Errorf("%s: userinfo %+v (sub %q), %v; want %+v (sub %q)", brand, uiClaims, ui.Subject, err, want, idt.Subject)
			}
			if prev, ok := subs[brand]; ok && prev != idt.Subject {
				t.Errorf("%s: sub changed from %q to %q", brand, prev, idt.Subject)
			}
			subs[brand] = idt.Subject
		}
	}
	seen := map[string]bool{}
	for _, s := range subs {
		if seen[s] {
			t.Errorf("two brands share the subject %q; only the CI may link them", s)
		}
		seen[s] = true
	}
}

func TestAuthorizationCodeIsSingleUse(t *testing.T) {
	e := newEnv(t)
	r := e.rp(t, e.issuer(t, "kakao"))
	f := e.signIn(t, r, 3)
	if _, _, err := r.exchange(f, f.verifier); err != nil {
		t.Fatal(err)
	}
	_, _, err := r.exchange(f, f.verifier)
	wantRefused(t, err)

	// Of two exchanges racing with one code, exactly one gets tokens.
	f = e.signIn(t, r, 4)
	var wg sync.WaitGroup
	errs := make([]error, 32)
	for i := range errs {
		wg.Go(func() { _, _, errs[i] = r.exchange(f, f.verifier) })
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		}
	}
	if won != 1 {
		t.Errorf("%d exchanges of one code succeeded, want 1", won)
	}
}

func TestWrongClientSecretIsRefused(t *testing.T) {
	e := newEnv(t)
	r := e.rp(t, e.issuer(t, "kakao"))
	f := e.signIn(t, r, 6)
	r.oauth.ClientSecret = "guess"
	_, _, err := r.exchange(f, f.verifier)
	wantRefused(t, err)
}

func TestWrongPKCEVerifierIsRefused(t *testing.T) {
	e := newEnv(t)
	r := e.rp(t, e.issuer(t, "kakao"))
	f := e.signIn(t, r, 5)
	_, _, err := r.exchange(f, f.verifier[:len(f.verifier)-1]+"x")
	wantRefused(t, err)
}

func TestSignInPageIsBilingualSelfContainedAndOffersExamples(t *testing.T) {
	e := newEnv(t)
	r := e.rp(t, e.issuer(t, "kakao"))
	code, _, body := get(t, e.srv.Client(), r.oauth.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	if code != http.StatusOK {
		t.Fatalf("sign-in page: status %d", code)
	}
	for _, s := range []string{"카카오 Kakao", "본인인증", "Identity verification", "휴대폰 번호", "Mobile number", e.pop.Resident(0).Name, e.pop.Resident(0).Phone} {
		if !strings.Contains(body, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
	for _, s := range []string{"src=", "https://", "<script"} {
		if strings.Contains(body, s) {
			t.Errorf("the page loads outside assets or scripts (%q)", s)
		}
	}
}

func TestSignInByIndexAndRefusalOfUnknownNumbers(t *testing.T) {
	e := newEnv(t)
	r := e.rp(t, e.issuer(t, "naver"))
	_, err := devoidc.SignIn(ctx, e.srv.Client(), r.oauth.AuthCodeURL("s"), "010-0000-0000")
	var se *devoidc.StatusError
	if e.pop.Len() < 1_000_000 && (!errors.As(err, &se) || se.Status != http.StatusBadRequest) {
		t.Errorf("unknown number: %v, want status 400", err)
	}
	if _, err := devoidc.SignIn(ctx, e.srv.Client(), r.oauth.AuthCodeURL("s"), "not a number"); err == nil {
		t.Error("a malformed number signed in")
	}

	// The form also takes the resident's index.
	resp, err := e.srv.Client().Get(r.oauth.AuthCodeURL("s"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	form := url.Values{"authRequestID": {resp.Request.URL.Query().Get("authRequestID")}, "resident": {"7"}}
	resp, err = noRedirect(e.srv.Client()).PostForm(resp.Request.URL.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "/authorize/callback?id=") {
		t.Errorf("sign-in by index: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestCancelSendsAccessDeniedWithTheState(t *testing.T) {
	e := newEnv(t)
	r := e.rp(t, e.issuer(t, "ipin"))
	resp, err := e.srv.Client().Get(r.oauth.AuthCodeURL("my-state"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	form := url.Values{"authRequestID": {resp.Request.URL.Query().Get("authRequestID")}, "cancel": {"1"}}
	resp, err = noRedirect(e.srv.Client()).PostForm(resp.Request.URL.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "my-state" || loc.Query().Has("code") {
		t.Errorf("cancel redirected to %q, want the callback with error=access_denied and the state", resp.Header.Get("Location"))
	}
}

func TestCapacityAnswers503BeyondItsBounds(t *testing.T) {
	t.Run("concurrency", func(t *testing.T) {
		e := newEnv(t)
		iss := e.issuer(t, "kakao", func(c *devoidc.Config) {
			c.MaxConcurrent, c.Latency, c.MaxWait = 1, 300*time.Millisecond, 20*time.Millisecond
		})
		codes := make([]int, 2)
		retry := make([]string, 2)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Go(func() { codes[i], retry[i], _ = get(t, e.srv.Client(), iss.URL()+"/userinfo") })
		}
		wg.Wait()
		busy := 0
		for i, c := range codes {
			if c == http.StatusServiceUnavailable {
				busy++
				if retry[i] == "" {
					t.Error("503 without Retry-After")
				}
			}
		}
		if busy != 1 {
			t.Errorf("statuses %v, want exactly one 503", codes)
		}
		// Discovery and keys are not limited: relying parties cache them, as real
		// providers serve them from caches.
		if c, _, _ := get(t, e.srv.Client(), iss.URL()+"/.well-known/openid-configuration"); c != http.StatusOK {
			t.Errorf("discovery: status %d", c)
		}
	})
	t.Run("rate", func(t *testing.T) {
		e := newEnv(t)
		iss := e.issuer(t, "naver", func(c *devoidc.Config) { c.PerSecond, c.MaxWait = 1, 20*time.Millisecond })
		first, _, _ := get(t, e.srv.Client(), iss.URL()+"/authorize")
		second, _, _ := get(t, e.srv.Client(), iss.URL()+"/authorize")
		if first == http.StatusServiceUnavailable || second != http.StatusServiceUnavailable {
			t.Errorf("sign-ins started: statuses %d then %d, want the second refused at 1 per second", first, second)
		}
		// The rate counts sign-ins: the other requests of one already started (its
		// pages, return, token exchange, user info) are not refused by it.
		for _, path := range []string{"/userinfo", "/userinfo", "/authorize/callback", "/login"} {
			if c, _, _ := get(t, e.srv.Client(), iss.URL()+path); c == http.StatusServiceUnavailable {
				t.Errorf("%s after the rate was spent: 503, want it served", path)
			}
		}
		_, err := devoidc.SignIn(ctx, e.srv.Client(), e.rp(t, iss).oauth.AuthCodeURL("s"), e.pop.Resident(0).Phone)
		if !devoidc.IsBusy(err) {
			t.Errorf("SignIn beyond the rate: %v, want IsBusy", err)
		}
	})
}
