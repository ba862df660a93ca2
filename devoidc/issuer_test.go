package devoidc_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"vaxbook/demo"
	"vaxbook/devoidc"
)

var ctx = context.Background()

// env is a test server with development issuers mounted as --demo mounts them, and a
// relying party built straight on go-oidc and oauth2, independent of package oidc.
type env struct {
	srv *httptest.Server
	mux *http.ServeMux
	pop demo.Population
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	mux := http.NewServeMux()
	e := &env{srv: httptest.NewServer(mux), mux: mux, pop: demo.NewPopulation(500, 11, demo.Campaign2021())}
	tb.Cleanup(e.srv.Close)
	return e
}

// issuer mounts an issuer of brand at /dev/oidc/{brand}/.
func (e *env) issuer(tb testing.TB, brand string, tweak ...func(*devoidc.Config)) *devoidc.Issuer {
	tb.Helper()
	cfg := devoidc.Config{
		Issuer: e.srv.URL + "/dev/oidc/" + brand, Brand: brand, Residents: e.pop,
		Clients: []devoidc.Client{{ID: "vaxbook", Secret: "secret", RedirectURIs: []string{e.srv.URL + "/cb"}}},
	}
	for _, f := range tweak {
		f(&cfg)
	}
	iss, err := devoidc.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	e.mux.Handle("/dev/oidc/"+brand+"/", iss.Handler())
	return iss
}

// rp is a relying party of one issuer.
type rp struct {
	provider *gooidc.Provider
	oauth    *oauth2.Config
	ctx      context.Context
}

func (e *env) rp(tb testing.TB, iss *devoidc.Issuer) *rp {
	tb.Helper()
	c := gooidc.ClientContext(context.WithValue(ctx, oauth2.HTTPClient, e.srv.Client()), e.srv.Client())
	p, err := gooidc.NewProvider(c, iss.URL())
	if err != nil {
		tb.Fatal(err)
	}
	return &rp{provider: p, ctx: c, oauth: &oauth2.Config{
		ClientID: "vaxbook", ClientSecret: "secret", Endpoint: p.Endpoint(), RedirectURL: e.srv.URL + "/cb",
		Scopes: []string{"openid", "profile", "phone"},
	}}
}

// flow is one authorization request and what came back.
type flow struct {
	verifier, state, nonce string
	callback               *url.URL
}

// signIn has resident i sign in through the issuer, by mobile number.
func (e *env) signIn(tb testing.TB, r *rp, i int) flow {
	tb.Helper()
	f := flow{verifier: oauth2.GenerateVerifier(), state: "state-" + r.oauth.ClientID, nonce: "nonce-1234"}
	authURL := r.oauth.AuthCodeURL(f.state, gooidc.Nonce(f.nonce), oauth2.S256ChallengeOption(f.verifier))
	cb, err := devoidc.SignIn(ctx, e.srv.Client(), authURL, e.pop.Resident(i).Phone)
	if err != nil {
		tb.Fatalf("SignIn: %v", err)
	}
	if got := cb.Query().Get("state"); got != f.state {
		tb.Fatalf("callback %s: state %q, want %q", cb, got, f.state)
	}
	f.callback = cb
	return f
}

// exchange trades the flow's code for tokens and returns the verified ID token.
func (r *rp) exchange(f flow, verifier string) (*oauth2.Token, *gooidc.IDToken, error) {
	tok, err := r.oauth.Exchange(r.ctx, f.callback.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, nil, err
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := r.provider.VerifierContext(r.ctx, &gooidc.Config{ClientID: "vaxbook"}).Verify(r.ctx, raw)
	return tok, idt, err
}

// get fetches a URL and returns the status, Retry-After and body.
func get(tb testing.TB, c *http.Client, u string) (int, string, string) {
	tb.Helper()
	resp, err := c.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
}

// wantRefused fails unless err is the token endpoint refusing the exchange (4xx).
func wantRefused(tb testing.TB, err error) {
	tb.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response.StatusCode/100 != 4 {
		tb.Fatalf("exchange error = %v, want a 4xx refusal from the token endpoint", err)
	}
}

func noRedirect(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

func TestNewRefusesBadConfig(t *testing.T) {
	e := newEnv(t)
	good := devoidc.Config{Issuer: e.srv.URL + "/dev/oidc/kakao", Brand: "kakao", Residents: e.pop,
		Clients: []devoidc.Client{{ID: "a", Secret: "b", RedirectURIs: []string{"http://x/cb"}}}}
	tests := map[string]func(*devoidc.Config){
		"issuer not a URL":          func(c *devoidc.Config) { c.Issuer = "::" },
		"issuer with query":         func(c *devoidc.Config) { c.Issuer += "?a=b" },
		"issuer not http":           func(c *devoidc.Config) { c.Issuer = "ftp://x/y" },
		"brand with a slash":        func(c *devoidc.Config) { c.Brand = "ka/kao" },
		"no residents":              func(c *devoidc.Config) { c.Residents = nil },
		"client without secret":     func(c *devoidc.Config) { c.Clients = []devoidc.Client{{ID: "a", RedirectURIs: []string{"http://x"}}} },
		"client without a redirect": func(c *devoidc.Config) { c.Clients = []devoidc.Client{{ID: "a", Secret: "b"}} },
		"negative latency":          func(c *devoidc.Config) { c.Latency = -1 },
		"negative rate":             func(c *devoidc.Config) { c.PerSecond = -1 },
	}
	if _, err := devoidc.New(good); err != nil {
		t.Fatalf("New(good) = %v", err)
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := good
			change(&cfg)
			if _, err := devoidc.New(cfg); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

func TestDiscoveryNamesEndpointsUnderTheIssuerPath(t *testing.T) {
	e := newEnv(t)
	iss := e.issuer(t, "pass")
	r := e.rp(t, iss)
	for _, u := range []string{r.oauth.Endpoint.AuthURL, r.oauth.Endpoint.TokenURL, r.provider.UserInfoEndpoint()} {
		if !strings.HasPrefix(u, e.srv.URL+"/dev/oidc/pass/") {
			t.Errorf("endpoint %s is not under the issuer", u)
		}
	}
	if code, _, _ := get(t, e.srv.Client(), e.srv.URL+"/dev/oidc/pass/keys"); code != http.StatusOK {
		t.Errorf("keys: status %d", code)
	}
	if !strings.Contains(r.oauth.AuthCodeURL("s"), "/dev/oidc/pass/authorize") {
		t.Errorf("auth URL %s", r.oauth.AuthCodeURL("s"))
	}
}
