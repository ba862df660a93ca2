package app

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3"

	"vaxbook"
	"vaxbook/demo"
	"vaxbook/devca"
	"vaxbook/devoidc"
	"vaxbook/metrics"
	"vaxbook/oidc"
)

// Paths of the development providers' own process besides the issuers, which live
// under /dev/oidc/<brand>/ as they do inside `serve --demo`.
const (
	devCAPath   = "/dev/ca.pem" // the development CA's certificate, the roots to trust
	devCertPath = "/dev/cert"   // ?phone=…: a certificate and key for that demo resident
)

// devIssuerSettings shape the development issuers wherever they run.
type devIssuerSettings struct {
	seed                 int64
	latency              time.Duration
	maxInFlight          int
	perSecond            float64
	issuerBase, callback string // issuerBase + /dev/oidc/<brand>; callback + /api/v1/identity/oidc/<brand>/callback
}

// demoClientSecret is the public secret of the service at a development issuer.
func demoClientSecret(brand string) string { return "demo-client-secret-" + brand }

// newDemoIssuer returns the development issuer standing in for brand b, with the
// service as its one client.
func newDemoIssuer(s devIssuerSettings, pop demo.Population, brand, label string) (*devoidc.Issuer, error) {
	return devoidc.New(devoidc.Config{
		Issuer: s.issuerBase + "/dev/oidc/" + brand, Brand: brand, Label: label, Residents: pop,
		Clients: []devoidc.Client{{ID: "vaxbook", Secret: demoClientSecret(brand),
			RedirectURIs: []string{s.callback + "/api/v1/identity/oidc/" + brand + "/callback"}}},
		Latency: s.latency, MaxConcurrent: s.maxInFlight, PerSecond: s.perSecond,
	})
}

// demoProviderConfig is how the service signs in at the development issuer of brand.
func demoProviderConfig(issuerBase, base, brand, label string, userInfo bool) oidc.ProviderConfig {
	return oidc.ProviderConfig{
		Name: brand, Label: label, Issuer: issuerBase + "/dev/oidc/" + brand, ClientID: "vaxbook",
		ClientSecret: demoClientSecret(brand), RedirectURL: base + "/api/v1/identity/oidc/" + brand + "/callback",
		Scopes: []string{"openid", "profile", "phone"}, UserInfo: userInfo,
		KeyClaim: "ci", NameClaim: "name", BirthClaim: "birthdate", PhoneClaim: "phone_number",
	}
}

// DevProvidersCommand serves the development identity providers — the OpenID Connect
// issuers standing in for Kakao, Naver, PASS and i-PIN, and the development CA — in
// their own process, for `serve --demo --dev-providers URL`. Measured apart, their
// CPU is not counted as the server's, as in production where they are other
// companies' services. The development carrier stays inside the server: it is a
// directory lookup and a timer, and the demo's SMS inbox is read there.
func DevProvidersCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("devproviders", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "address to serve the development providers on")
	serverURL := fs.String("server-url", "http://127.0.0.1:8080", "URL browsers reach the vaxbook service at (the issuers redirect back there)")
	var s devIssuerSettings
	fs.Int64Var(&s.seed, "demo-seed", 2021, "seed of the synthetic population (the service's --demo-seed)")
	fs.DurationVar(&s.latency, "dev-provider-latency", 30*time.Millisecond, "latency of the development issuers")
	fs.IntVar(&s.maxInFlight, "provider-max-inflight", 200, "sign-ins in flight at each issuer")
	fs.Float64Var(&s.perSecond, "provider-per-second", 500, "sign-ins started per second at each issuer")
	if err := ff.Parse(fs, args, ff.WithEnvVarPrefix("VAXBOOK")); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	s.issuerBase, s.callback = "http://"+ln.Addr().String(), strings.TrimSuffix(*serverURL, "/")
	h, err := devProvidersHandler(s)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 90 * time.Second}
	fmt.Fprintf(stdout, "vaxbook development providers are serving on %s (for serve --demo --dev-providers %[1]s --public-url %s)\n", s.issuerBase, s.callback)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// devProvidersHandler serves the issuers, the CA's certificate, demo residents'
// certificates and the process's own /metrics (its CPU, for the load generator).
func devProvidersHandler(s devIssuerSettings) (http.Handler, error) {
	ca, err := devca.NewCA(time.Date(2021, 1, 1, 0, 0, 0, 0, vaxbook.Seoul), 20*365*24*time.Hour)
	if err != nil {
		return nil, err
	}
	pop := demo.NewPopulation(demo.FullPopulation, s.seed, demo.Campaign2021())
	m := metrics.New()
	mux := http.NewServeMux()
	for _, b := range demoBrands {
		iss, err := newDemoIssuer(s, pop, b.name, b.label)
		if err != nil {
			return nil, err
		}
		mux.Handle("/dev/oidc/"+b.name+"/", iss.Handler())
	}
	mux.HandleFunc("GET "+devCAPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Write(ca.CertPEM())
	})
	issue := issueDemoCert(ca, pop)
	mux.HandleFunc("GET "+devCertPath, func(w http.ResponseWriter, r *http.Request) {
		certPEM, keyPEM, err := issue(r.Context(), r.URL.Query().Get("phone"))
		if err != nil {
			status := http.StatusInternalServerError
			switch vaxbook.ErrorCode(err) {
			case vaxbook.CodeNotFound:
				status = http.StatusNotFound
			case vaxbook.CodeInvalidInput:
				status = http.StatusBadRequest
			}
			slog.Debug("development certificate", "err", err)
			http.Error(w, err.Error(), status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"certificate": string(certPEM), "private_key": string(keyPEM)})
	})
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	return m.Wrap(mux), nil
}

// remoteDevProviders configures the service for development providers running in
// their own process at devURL: their CA's certificate as the roots, their issuers as
// the simple-authentication providers, base being this service's public URL.
func remoteDevProviders(ctx context.Context, devURL, base string) (*x509.CertPool, []oidc.ProviderConfig, error) {
	devURL = strings.TrimSuffix(devURL, "/")
	body, err := devGet(ctx, devURL+devCAPath)
	if err != nil {
		return nil, nil, fmt.Errorf("--dev-providers: the CA's certificate: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(body) {
		return nil, nil, fmt.Errorf("--dev-providers: %s%s holds no PEM certificate", devURL, devCAPath)
	}
	var oidcs []oidc.ProviderConfig
	for _, b := range demoBrands {
		oidcs = append(oidcs, demoProviderConfig(devURL, base, b.name, b.label, b.userInfo))
	}
	return roots, oidcs, nil
}

// remoteDemoCert issues demo certificates through the development providers' process,
// for the demo page's /demo/cert.
func remoteDemoCert(devURL string) func(ctx context.Context, phone string) ([]byte, []byte, error) {
	devURL = strings.TrimSuffix(devURL, "/")
	return func(ctx context.Context, phone string) ([]byte, []byte, error) {
		body, err := devGet(ctx, devURL+devCertPath+"?phone="+url.QueryEscape(phone))
		var st statusError
		if errors.As(err, &st) && st == http.StatusNotFound {
			return nil, nil, vaxbook.Errorf(vaxbook.CodeNotFound, "no demo resident has that phone number")
		}
		if errors.As(err, &st) && st == http.StatusBadRequest {
			return nil, nil, vaxbook.Errorf(vaxbook.CodeInvalidInput, "not a phone number")
		}
		if err != nil {
			return nil, nil, fmt.Errorf("development certificate: %w", err)
		}
		var v struct {
			Certificate string `json:"certificate"`
			PrivateKey  string `json:"private_key"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, nil, fmt.Errorf("development certificate: %w", err)
		}
		return []byte(v.Certificate), []byte(v.PrivateKey), nil
	}
}

// statusError is an HTTP status other than 200 from the development providers.
type statusError int

func (s statusError) Error() string { return fmt.Sprintf("HTTP %d", int(s)) }

// devGet reads url from the development providers' process, within 10 s.
func devGet(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(resp.StatusCode)
	}
	return body, nil
}
