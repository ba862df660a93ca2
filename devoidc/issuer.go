// Package devoidc is a development OpenID Connect issuer standing in for Kakao, Naver,
// PASS or i-PIN in `vaxbook serve --demo` and in tests, so that the whole redirect flow
// of simple authentication runs on one machine. It is built on
// github.com/zitadel/oidc/v3/pkg/op, with storage in memory and a sign-in page where a
// resident of the synthetic population picks themselves.
//
// One Issuer serves one brand. Its state (pending sign-ins and codes) lives in its
// process, so a sign-in must start and finish at the same instance, which --demo's single
// process guarantees.
package devoidc

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"vaxbook/identity"
)

// Residents is the synthetic population residents pick themselves from;
// demo.Population satisfies it.
type Residents interface {
	// Len returns the number of residents, numbered 0…Len()-1.
	Len() int
	// Resident returns resident i, 0 <= i < Len().
	Resident(i int) identity.Subscriber
	// LookupPhone returns the resident holding a mobile number ("01012345678").
	LookupPhone(ctx context.Context, phone string) (identity.Subscriber, bool, error)
}

// Client is a relying party registered at the issuer.
type Client struct {
	ID, Secret   string
	RedirectURIs []string
}

// Config is an issuer's settings. Zero capacity settings mean unbounded.
type Config struct {
	// Issuer is the issuer URL, such as http://127.0.0.1:8080/dev/oidc/kakao; its path
	// is where Handler must be mounted.
	Issuer string
	// Brand names the provider the issuer stands in for: "kakao", "naver", "pass",
	// "ipin". Subjects differ per brand; the CI is the same at every brand.
	Brand string
	// Label is the brand's display name on the sign-in page; a known brand has one.
	Label     string
	Clients   []Client
	Residents Residents
	// Latency is added to every request but discovery and keys, which real providers
	// serve from caches.
	Latency time.Duration
	// MaxConcurrent bounds the requests served at once, PerSecond the sign-ins started
	// per second (requests to the authorization endpoint; the rest of a sign-in is
	// not counted again). A request beyond them waits up to MaxWait (2 s by default),
	// then gets 503 Service Unavailable.
	MaxConcurrent int
	PerSecond     float64
	MaxWait       time.Duration
	// Examples is how many residents the sign-in page offers to pick: 5 by default.
	Examples int
}

// Issuer is a development OpenID Connect issuer. It is safe for concurrent use.
type Issuer struct {
	cfg      Config
	path     string // the issuer URL's path, without a trailing slash
	provider *op.Provider
	storage  *storage
	handler  http.Handler
	// examples are the residents the sign-in page offers, computed once: deriving them
	// from the population's seed on every page was a tenth of a sign-in's cost.
	examples []example
}

var brandPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// brandLabels are the display names of the brands --demo configures.
var brandLabels = map[string]string{
	"kakao": "카카오 Kakao",
	"naver": "네이버 Naver",
	"pass":  "PASS",
	"ipin":  "아이핀 i-PIN",
}

// New returns an issuer with a freshly generated RSA signing key. It returns an error
// for a malformed issuer URL or brand, no residents, a client without an ID, secret or
// redirect URI, or negative capacity settings.
func New(cfg Config) (*Issuer, error) {
	u, err := url.Parse(cfg.Issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("devoidc: issuer %q is not an http(s) URL without query", cfg.Issuer)
	}
	cfg.Issuer = strings.TrimSuffix(cfg.Issuer, "/")
	if !brandPattern.MatchString(cfg.Brand) {
		return nil, fmt.Errorf("devoidc: brand %q is not lower-case letters, digits and hyphens", cfg.Brand)
	}
	if cfg.Residents == nil {
		return nil, errors.New("devoidc: residents are required")
	}
	if cfg.Latency < 0 || cfg.MaxConcurrent < 0 || cfg.PerSecond < 0 || cfg.MaxWait < 0 || cfg.Examples < 0 {
		return nil, errors.New("devoidc: negative setting")
	}
	if cfg.Label == "" {
		cfg.Label = brandLabels[cfg.Brand]
		if cfg.Label == "" {
			cfg.Label = cfg.Brand
		}
	}
	if cfg.MaxWait == 0 {
		cfg.MaxWait = 2 * time.Second
	}
	if cfg.Examples == 0 {
		cfg.Examples = 5
	}
	i := &Issuer{cfg: cfg, path: strings.TrimSuffix(u.Path, "/"), examples: exampleResidents(cfg)}
	key, err := newSigningKey()
	if err != nil {
		return nil, fmt.Errorf("devoidc: signing key: %w", err)
	}
	i.storage = &storage{
		brand: cfg.Brand, residents: cfg.Residents, clients: map[string]*client{}, key: key, now: time.Now,
		requests: map[string]*authRequest{}, codes: map[string]string{}, nextSweep: minSweep,
	}
	for _, c := range cfg.Clients {
		if c.ID == "" || c.Secret == "" || len(c.RedirectURIs) == 0 {
			return nil, fmt.Errorf("devoidc: client %q needs an id, a secret and a redirect URI", c.ID)
		}
		i.storage.clients[c.ID] = &client{id: c.ID, secret: c.Secret, redirects: c.RedirectURIs, loginURL: cfg.Issuer + "/login"}
	}
	if i.provider, err = newProvider(cfg.Issuer, u.Scheme == "http", i.storage); err != nil {
		return nil, err
	}
	c := newCapacity(cfg.Latency, cfg.MaxConcurrent, cfg.PerSecond, cfg.MaxWait)
	mux := http.NewServeMux()
	mux.Handle("/authorize", c.starts(i.provider)) // not /authorize/callback: the same sign-in's return
	mux.Handle("GET /login", c.wrap(http.HandlerFunc(i.showLogin)))
	mux.Handle("POST /login", c.wrap(http.HandlerFunc(i.postLogin)))
	mux.Handle("/.well-known/", i.provider)
	mux.Handle("/keys", i.provider)
	mux.Handle("/", c.wrap(i.provider))
	i.handler = http.StripPrefix(i.path, mux)
	return i, nil
}

// newProvider returns the library's OpenID Provider over st. Plain http is allowed
// because the development issuer runs on 127.0.0.1 without a certificate.
func newProvider(issuer string, insecure bool, st *storage) (*op.Provider, error) {
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		return nil, fmt.Errorf("devoidc: crypto key: %w", err)
	}
	// Only AES-256-GCM: the library's default also accepts tokens sealed with an older,
	// unauthenticated mode, which a development issuer has no tokens in.
	opts := []op.Option{op.WithCrypto(op.NewAES256GCMCrypto(key, "1"))}
	if insecure {
		opts = append(opts, op.WithAllowInsecure())
	}
	p, err := op.NewProvider(&op.Config{
		CryptoKey:          key,
		CodeMethodS256:     true,
		AuthMethodPost:     true,
		SupportedUILocales: []language.Tag{language.Korean, language.English},
		SupportedClaims:    slices.Concat(op.DefaultSupportedClaims, []string{"ci", "birthdate"}),
	}, st, op.StaticIssuer(issuer), opts...)
	if err != nil {
		return nil, fmt.Errorf("devoidc: provider: %w", err)
	}
	return p, nil
}

// Handler returns the issuer's HTTP handler. It expects the full request path and must
// be mounted at the issuer URL's path with a trailing slash, such as
// mux.Handle("/dev/oidc/kakao/", iss.Handler()), without http.StripPrefix.
func (i *Issuer) Handler() http.Handler { return i.handler }

// URL returns the issuer URL, as relying parties must configure it.
func (i *Issuer) URL() string { return i.cfg.Issuer }
