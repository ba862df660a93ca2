// Package oidc is the simple-authentication identity method (간편인증): the resident signs
// in with Kakao, Naver, PASS, i-PIN or a similar provider, which vouches for them over
// OpenID Connect (or plain OAuth 2.0 plus a profile API, as Naver does).
//
// The relying-party side is github.com/coreos/go-oidc and golang.org/x/oauth2: the
// authorization code flow with PKCE, state and nonce, and an ID token whose signature,
// issuer, audience and expiry go-oidc checks. The nonce, which go-oidc leaves to its
// caller, is compared here. The server keeps no per-login state: what Finish needs from
// Begin travels in a sealed cookie, so any instance can finish a login another started.
package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"vaxbook"
	"vaxbook/identity"
)

// ProviderConfig describes one provider. Every provider is configuration: adding one
// (a new bank's simple authentication, say) needs no code.
type ProviderConfig struct {
	// Name is the provider's path segment and the name a login is started with, such
	// as "kakao": lower-case letters, digits and hyphens.
	Name string
	// Label is what residents see on the method list, in Korean and English, such as
	// "카카오 Kakao".
	Label string
	// Issuer is the OpenID Connect issuer URL, from which the endpoints and signing
	// keys are discovered. It is also the expected "iss" of every ID token.
	Issuer string
	// AuthURL, TokenURL, UserInfoURL and JWKSURL replace discovery for a provider that
	// publishes no discovery document (Naver's plain OAuth 2.0). They are used only when
	// AuthURL and TokenURL are both set.
	AuthURL, TokenURL, UserInfoURL, JWKSURL string
	// ClientID and ClientSecret are the service's credentials at the provider.
	ClientID, ClientSecret string
	// RedirectURL is the service's callback URL registered with the provider:
	// https://…/api/v1/identity/oidc/{Name}/callback.
	RedirectURL string
	// Scopes are requested at sign-in; "openid" is added unless UserInfo is set.
	Scopes []string
	// KeyClaim names the claim holding the person's stable identity: the CI ("ci"),
	// which is the same for one person across every provider. It must not be a
	// provider-specific subject, or one person verified through two providers would be
	// two persons and could book twice. Nested claims are written with dots, as in
	// "response.ci" for a profile API that wraps its answer.
	KeyClaim string
	// NameClaim, BirthClaim and PhoneClaim name the claims holding the name, the birth
	// date (YYYY-MM-DD or YYYYMMDD) and the mobile number. An empty name leaves the
	// field empty; a named claim that is missing or malformed fails the verification.
	NameClaim, BirthClaim, PhoneClaim string
	// UserInfo makes Finish read claims from the provider's userinfo (profile)
	// endpoint too, after those of the ID token, which then becomes optional.
	UserInfo bool
}

// ProviderInfo is what the method list shows of a provider.
type ProviderInfo struct {
	Name  string
	Label string
}

// Method verifies residents through the configured providers. It is safe for
// concurrent use.
type Method struct {
	providers map[string]*provider
	order     []string
	secret    []byte
	sealer    *identity.Sealer
	client    *http.Client
}

// provider is one configured provider and, once discovered, its endpoints and ID token
// verifier.
type provider struct {
	cfg ProviderConfig

	mu       sync.Mutex
	oidc     *gooidc.Provider
	oauth    *oauth2.Config
	verifier *gooidc.IDTokenVerifier
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// idlePerProvider is how many idle connections to each provider the default client
// keeps. net/http's default keeps two: at 20:00 the callbacks' token exchanges come by
// the hundred a second, and each one beyond two at once dialled a new connection (in
// production, a new TLS handshake) and left it in TIME_WAIT — about 75 a second in a
// 10,000-resident run against the development issuers.
const idlePerProvider = 256

func providerTransport() *http.Transport {
	t := &http.Transport{Proxy: http.ProxyFromEnvironment}
	if d, ok := http.DefaultTransport.(*http.Transport); ok { // its timeouts and HTTP/2
		t = d.Clone()
	}
	t.MaxIdleConnsPerHost = idlePerProvider
	t.MaxIdleConns = 4 * idlePerProvider
	return t
}

// New returns the method for the providers in cfgs. secret is the person-key secret
// (identity.PersonKey), at least identity.MinSecretLen bytes; sealer seals the state
// cookie; httpClient (nil for a default with a 10-second timeout that keeps connections
// to each provider open for reuse) carries every request to the providers.
//
// New does not contact the providers: each is discovered on first use and again after
// a failure, so the service starts while a provider is down, and a development issuer
// served by this same process can be configured before the process listens. ctx is
// accepted for symmetry with other methods and is not kept.
//
// It returns an error for a missing sealer, a short secret, or a provider
// configuration that is incomplete, malformed or duplicated.
func New(ctx context.Context, cfgs []ProviderConfig, secret []byte, sealer *identity.Sealer, httpClient *http.Client) (*Method, error) {
	_ = ctx
	if sealer == nil {
		return nil, errors.New("oidc: a sealer is required")
	}
	if len(secret) < identity.MinSecretLen {
		return nil, fmt.Errorf("oidc: secret is %d bytes, want at least %d", len(secret), identity.MinSecretLen)
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 10 * time.Second, Transport: providerTransport()}
	}
	m := &Method{providers: make(map[string]*provider), secret: secret, sealer: sealer, client: httpClient}
	for _, c := range cfgs {
		if err := c.validate(); err != nil {
			return nil, err
		}
		if _, dup := m.providers[c.Name]; dup {
			return nil, fmt.Errorf("oidc: provider %q configured twice", c.Name)
		}
		if !c.UserInfo && !slices.Contains(c.Scopes, gooidc.ScopeOpenID) {
			c.Scopes = append([]string{gooidc.ScopeOpenID}, c.Scopes...)
		}
		m.providers[c.Name] = &provider{cfg: c}
		m.order = append(m.order, c.Name)
	}
	return m, nil
}

func (c ProviderConfig) validate() error {
	switch {
	case !namePattern.MatchString(c.Name):
		return fmt.Errorf("oidc: provider name %q is not lower-case letters, digits and hyphens", c.Name)
	case c.Issuer == "" && (c.AuthURL == "" || c.TokenURL == ""):
		return fmt.Errorf("oidc: provider %q: an issuer, or an auth and token URL, is required", c.Name)
	case c.ClientID == "" || c.RedirectURL == "" || c.KeyClaim == "":
		return fmt.Errorf("oidc: provider %q: client id, redirect URL and key claim are required", c.Name)
	case c.AuthURL != "" && c.TokenURL != "" && c.UserInfo && c.UserInfoURL == "":
		return fmt.Errorf("oidc: provider %q: a userinfo URL is required without discovery", c.Name)
	}
	return nil
}

// Providers returns the configured providers in configuration order.
func (m *Method) Providers() []ProviderInfo {
	out := make([]ProviderInfo, 0, len(m.order))
	for _, n := range m.order {
		p := m.providers[n]
		out = append(out, ProviderInfo{Name: p.cfg.Name, Label: p.cfg.Label})
	}
	return out
}

// provider returns the named provider, or CodeNotFound.
func (m *Method) provider(name string) (*provider, error) {
	p, ok := m.providers[name]
	if !ok {
		return nil, vaxbook.Errorf(vaxbook.CodeNotFound, "This sign-in provider is not offered.")
	}
	return p, nil
}

// clientContext carries the method's HTTP client to go-oidc and oauth2, which both take
// it from the context.
func (m *Method) clientContext(ctx context.Context) context.Context {
	ctx = gooidc.ClientContext(ctx, m.client)
	return context.WithValue(ctx, oauth2.HTTPClient, m.client)
}

// endpoints returns the provider's OAuth 2.0 configuration and ID token verifier,
// discovering them on first use. Concurrent first uses may each discover; the first to
// finish is kept. A failure is not remembered, so the next login tries again.
func (m *Method) endpoints(ctx context.Context, p *provider) (*gooidc.Provider, *oauth2.Config, *gooidc.IDTokenVerifier, error) {
	p.mu.Lock()
	if p.oidc != nil {
		defer p.mu.Unlock()
		return p.oidc, p.oauth, p.verifier, nil
	}
	p.mu.Unlock()

	c := p.cfg
	var op *gooidc.Provider
	if c.AuthURL != "" && c.TokenURL != "" {
		pc := gooidc.ProviderConfig{IssuerURL: c.Issuer, AuthURL: c.AuthURL, TokenURL: c.TokenURL, UserInfoURL: c.UserInfoURL, JWKSURL: c.JWKSURL}
		op = pc.NewProvider(m.clientContext(context.Background()))
	} else {
		var err error
		if op, err = gooidc.NewProvider(m.clientContext(ctx), c.Issuer); err != nil {
			return nil, nil, nil, errors.Join(unavailable(), fmt.Errorf("oidc: discover %s: %w", c.Name, err))
		}
	}
	ep := op.Endpoint()
	ep.AuthStyle = authStyle(op)
	oc := &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: ep, RedirectURL: c.RedirectURL, Scopes: c.Scopes}
	// Token expiry is checked against the real time, not the service's clock: the
	// provider stamps tokens with its own real clock even when --now runs the service
	// in 2021. The key set keeps the method's client for its lifetime; its context is
	// used for configuration only.
	v := op.VerifierContext(m.clientContext(context.Background()), &gooidc.Config{ClientID: c.ClientID})

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.oidc == nil {
		p.oidc, p.oauth, p.verifier = op, oc, v
	}
	return p.oidc, p.oauth, p.verifier, nil
}

// authStyle returns how the provider wants the client secret, from its discovery
// document. Left to auto-detection, oauth2 retries a refused exchange the other way,
// which doubles the requests of every refusal and reports the retry's error (the code
// was spent by the first). Without a document (plain OAuth 2.0) it auto-detects.
func authStyle(op *gooidc.Provider) oauth2.AuthStyle {
	var d struct {
		Methods []string `json:"token_endpoint_auth_methods_supported"`
	}
	if op.Claims(&d) != nil {
		return oauth2.AuthStyleAutoDetect
	}
	// client_secret_basic is the default when the document lists no methods
	// (OpenID Connect Discovery 1.0, section 3).
	if len(d.Methods) == 0 || slices.Contains(d.Methods, "client_secret_basic") {
		return oauth2.AuthStyleInHeader
	}
	if slices.Contains(d.Methods, "client_secret_post") {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleAutoDetect
}

func unavailable() error {
	return vaxbook.Errorf(vaxbook.CodeUnavailable, "The sign-in provider cannot be reached. Please try again shortly, or choose another method.")
}
