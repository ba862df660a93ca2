package oidc_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/demo"
	"vaxbook/devoidc"
	"vaxbook/identity"
	"vaxbook/oidc"
)

// t0 is the first evening of the 2021 rotation. It is the service's clock, which --now
// may set to 2021 while the issuers keep real time; tests run the same way.
var t0 = time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)

var secret = bytes.Repeat([]byte{7}, identity.MinSecretLen)

// world is vaxbook's simple-authentication method wired to real development issuers
// (kakao, naver; naver configured Naver-style, reading the userinfo endpoint) in one
// test server.
type world struct {
	srv    *httptest.Server
	pop    demo.Population
	sealer *identity.Sealer
	m      *oidc.Method
	cfgs   []oidc.ProviderConfig
}

func newWorld(tb testing.TB, tweak ...func(*oidc.ProviderConfig)) *world {
	tb.Helper()
	mux := http.NewServeMux()
	w := &world{srv: httptest.NewServer(mux), pop: demo.NewPopulation(1000, 7, demo.Campaign2021()), sealer: mustSealer(tb)}
	tb.Cleanup(w.srv.Close)
	for _, brand := range []string{"kakao", "naver"} {
		cfg := oidc.ProviderConfig{
			Name: brand, Label: brand, Issuer: w.srv.URL + "/dev/oidc/" + brand,
			ClientID: "vaxbook", ClientSecret: "s3cret-" + brand, RedirectURL: w.srv.URL + "/cb/" + brand,
			Scopes: []string{"openid", "profile", "phone"}, KeyClaim: "ci",
			NameClaim: "name", BirthClaim: "birthdate", PhoneClaim: "phone_number",
			UserInfo: brand == "naver",
		}
		for _, f := range tweak {
			f(&cfg)
		}
		iss, err := devoidc.New(devoidc.Config{
			Issuer: w.srv.URL + "/dev/oidc/" + brand, Brand: brand, Residents: w.pop,
			Clients: []devoidc.Client{{ID: "vaxbook", Secret: "s3cret-" + brand, RedirectURIs: []string{w.srv.URL + "/cb/" + brand}}},
		})
		if err != nil {
			tb.Fatal(err)
		}
		mux.Handle("/dev/oidc/"+brand+"/", iss.Handler())
		w.cfgs = append(w.cfgs, cfg)
	}
	w.m = w.method(tb)
	return w
}

// addTwin configures a second provider, name+"-twin", at the issuer of provider name.
func (w *world) addTwin(tb testing.TB, name string) {
	tb.Helper()
	for _, c := range w.cfgs {
		if c.Name == name {
			c.Name += "-twin"
			w.cfgs = append(w.cfgs, c)
			w.m = w.method(tb)
			return
		}
	}
	tb.Fatalf("no provider %q", name)
}

// method returns another Method over the same providers and sealer, as a second
// vaxbook instance would be.
func (w *world) method(tb testing.TB) *oidc.Method {
	tb.Helper()
	m, err := oidc.New(context.Background(), w.cfgs, secret, w.sealer, w.srv.Client())
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// login is a sign-in that went through the provider: what the browser brings back to
// vaxbook's callback.
type login struct {
	cookie string
	query  url.Values
	auth   url.Values // the authorization request's parameters
}

// signIn begins a sign-in on a device and has resident i sign in at the provider.
func (w *world) signIn(tb testing.TB, provider, device string, i int) login {
	tb.Helper()
	authURL, cookie, err := w.m.Begin(context.Background(), provider, device, t0)
	if err != nil {
		tb.Fatalf("Begin: %v", err)
	}
	cb, err := devoidc.SignIn(context.Background(), w.srv.Client(), authURL, w.pop.Resident(i).Phone)
	if err != nil {
		tb.Fatalf("SignIn: %v", err)
	}
	u, err := url.Parse(authURL)
	if err != nil {
		tb.Fatal(err)
	}
	return login{cookie: cookie, query: cb.Query(), auth: u.Query()}
}

// personKey returns resident i's person key, as every method derives it.
func (w *world) personKey(i int) string {
	return identity.PersonKey(secret, w.pop.Resident(i).CI)
}

func mustSealer(tb testing.TB) *identity.Sealer {
	tb.Helper()
	s, err := identity.NewSealer(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// wantCode fails unless err carries code.
func wantCode(tb testing.TB, err error, code vaxbook.Code) {
	tb.Helper()
	if got := vaxbook.ErrorCode(err); got != code {
		tb.Fatalf("error = %v (code %q), want %q", err, got, code)
	}
	var e *vaxbook.Error
	if errors.As(err, &e) && e.Message == "" {
		tb.Errorf("refusal %q has no message for the user", code)
	}
}
