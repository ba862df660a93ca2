package app

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"

	"vaxbook"
	"vaxbook/cert"
	"vaxbook/congestion"
	"vaxbook/demo"
	"vaxbook/devca"
	"vaxbook/identity"
	"vaxbook/oidc"
	"vaxbook/phone"
)

// demoBrands are the development simple-authentication providers that --demo runs in
// process, standing in for Kakao, Naver (plain OAuth 2.0 and a profile API), PASS and
// i-PIN.
var demoBrands = []struct {
	name, label string
	userInfo    bool
}{
	{"kakao", "카카오 Kakao", false},
	{"naver", "네이버 Naver", true},
	{"pass", "PASS", false},
	{"ipin", "아이핀 i-PIN", false},
}

// providers are the verification methods besides the phone, with what they need.
type providers struct {
	oidc   *oidc.Method
	cert   *cert.Method
	lines  map[string]congestion.MethodConfig
	mounts map[string]http.Handler
	ca     *devca.CA // the development CA, in --demo
	devURL string    // the development providers' own process (--dev-providers), if any
}

// methodLine is the congestion line of a provider with the configured capacity.
func methodLine(cfg Config) congestion.MethodConfig {
	return congestion.MethodConfig{MaxInFlight: cfg.ProviderMaxInFlight, PerSecond: cfg.ProviderPerSecond}
}

// openProviders configures the certificate and OpenID Connect methods: in --demo the
// development issuers and CA in this process, otherwise what the configuration names.
func openProviders(ctx context.Context, cfg Config, base string, sealer *identity.Sealer) (*providers, error) {
	p := &providers{lines: map[string]congestion.MethodConfig{}, mounts: map[string]http.Handler{}}
	var roots *x509.CertPool
	var oidcs []oidc.ProviderConfig
	switch {
	case cfg.Demo && cfg.DevProviders != "":
		var err error
		if roots, oidcs, err = remoteDevProviders(ctx, cfg.DevProviders, base); err != nil {
			return nil, err
		}
		p.devURL = cfg.DevProviders
	case cfg.Demo:
		ca, err := devca.NewCA(time.Date(2021, 1, 1, 0, 0, 0, 0, vaxbook.Seoul), 20*365*24*time.Hour)
		if err != nil {
			return nil, err
		}
		p.ca, roots = ca, ca.Pool()
		pop := demo.NewPopulation(demo.FullPopulation, cfg.DemoSeed, demo.Campaign2021())
		dev := devIssuerSettings{seed: cfg.DemoSeed, latency: cfg.DevProviderLatency,
			maxInFlight: cfg.ProviderMaxInFlight, perSecond: cfg.ProviderPerSecond, issuerBase: base, callback: base}
		for _, b := range demoBrands {
			iss, err := newDemoIssuer(dev, pop, b.name, b.label)
			if err != nil {
				return nil, err
			}
			p.mounts["/dev/oidc/"+b.name+"/"] = iss.Handler()
			oidcs = append(oidcs, demoProviderConfig(base, base, b.name, b.label, b.userInfo))
		}
	default:
		if cfg.CertRoots != "" {
			pem, err := os.ReadFile(cfg.CertRoots)
			if err != nil {
				return nil, fmt.Errorf("--cert-roots: %w", err)
			}
			roots = x509.NewCertPool()
			if !roots.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("--cert-roots %s: no PEM certificate", cfg.CertRoots)
			}
		}
		if cfg.OIDCProviders != "" {
			raw, err := os.ReadFile(cfg.OIDCProviders)
			if err != nil {
				return nil, fmt.Errorf("--oidc-providers: %w", err)
			}
			if err := json.Unmarshal(raw, &oidcs); err != nil {
				return nil, fmt.Errorf("--oidc-providers %s: %w", cfg.OIDCProviders, err)
			}
		}
	}
	var err error
	if roots != nil {
		cc := cert.Config{Roots: roots, Secret: cfg.PersonKeySecret}
		if cfg.Demo {
			cc.Latency = cfg.DevProviderLatency
		}
		if p.cert, err = cert.New(cc, nil); err != nil {
			return nil, err
		}
		p.lines[cert.Name] = methodLine(cfg)
	}
	if len(oidcs) > 0 {
		if p.oidc, err = oidc.New(ctx, oidcs, cfg.PersonKeySecret, sealer, nil); err != nil {
			return nil, err
		}
		for _, o := range oidcs {
			p.lines[o.Name] = methodLine(cfg)
		}
	}
	p.lines[phone.Name] = congestion.MethodConfig{MaxInFlight: cfg.PhoneMaxInFlight, PerSecond: cfg.PhonePerSecond}
	return p, nil
}

// demoCerts issues the demo page's certificates: through the development providers'
// process when they run apart, else with the in-process development CA.
func (p *providers) demoCerts(pop demo.Population) func(ctx context.Context, phone string) ([]byte, []byte, error) {
	if p.devURL != "" {
		return remoteDemoCert(p.devURL)
	}
	return issueDemoCert(p.ca, pop)
}

// issueDemoCert issues a development certificate and key for the demo resident with the
// phone number, so the demo page can sign a challenge in the browser.
func issueDemoCert(ca *devca.CA, pop demo.Population) func(ctx context.Context, phone string) ([]byte, []byte, error) {
	return func(ctx context.Context, phone string) ([]byte, []byte, error) {
		norm, err := identity.NormalizePhone(phone)
		if err != nil {
			return nil, nil, err
		}
		sub, ok, err := pop.LookupPhone(ctx, norm)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, vaxbook.Errorf(vaxbook.CodeNotFound, "no demo resident has that phone number")
		}
		return ca.Issue(sub, ca.Cert.NotBefore, ca.Cert.NotAfter)
	}
}
