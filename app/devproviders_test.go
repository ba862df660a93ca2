package app

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"vaxbook/demo"
	"vaxbook/identity"
)

// startDevProviders runs the real program's devproviders command with args and
// returns its base URL; the test's cleanup stops it.
func startDevProviders(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	errc := make(chan error, 1)
	go func() {
		errc <- DevProvidersCommand(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("devproviders stopped with %v", err)
		}
	})
	serving := regexp.MustCompile(`serving on (http://\S+)`)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := serving.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-errc:
			errc <- err
			t.Fatalf("devproviders: %v\n%s", err, stderr.String())
		default:
		}
	}
	t.Fatalf("devproviders did not start:\n%s", stderr.String())
	return ""
}

// TestDevProvidersRunInTheirOwnProcess starts `vaxbook devproviders` and `vaxbook
// serve --demo --dev-providers URL`, and signs residents in through a development
// issuer and with a development certificate: the issuers answer from their own
// process, which the server no longer serves.
func TestDevProvidersRunInTheirOwnProcess(t *testing.T) {
	// The service's address must be known before it starts: the issuers redirect to it.
	addr := freeAddr(t)
	dev := startDevProviders(t, "--server-url", "http://"+addr)
	in := startServe(t, "--addr", addr, "--demo", "--demo-sites", "40", "--dev-providers", dev,
		"--database", filepath.Join(t.TempDir(), "vaxbook.db"), "--now", "2021-08-12T20:01:00+09:00")
	if in.base != "http://"+addr {
		t.Fatalf("serve listens at %s, want %s", in.base, addr)
	}
	pop := demo.NewPopulation(demo.FullPopulation, 2021, demo.Campaign2021())
	from := 0
	next := func() identity.Subscriber {
		i, r := pop.FindInGroup(2, from)
		from = i + 1
		return r
	}

	// The sign-in starts at the service and is sent to the issuer in the other process.
	b := newBrowser(t)
	b.enterQueue(in)
	noFollow := *b.http
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Get(in.base + "/api/v1/identity/oidc/kakao/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	devURL, _ := url.Parse(dev)
	if err != nil || loc.Host != devURL.Host {
		t.Fatalf("start redirects to %q, want the development providers at %s", resp.Header.Get("Location"), dev)
	}
	b.verifyOIDC(in, "naver", next()) // Naver: plain OAuth 2.0 and the profile API
	st, rv := b.post(in.base+"/api/v1/campaigns/1/reservation", map[string]any{"site_id": 2, "date": "2021-09-01"})
	if st != 201 || rv["status"] != "booked" {
		t.Errorf("booking after signing in at the other process: %d %v", st, rv)
	}

	// The certificate comes from the other process's CA, through the demo page's route.
	c := newBrowser(t)
	c.enterQueue(in)
	c.verifyCert(in, next())

	for _, tc := range []struct {
		base string
		want int
	}{
		{in.base, http.StatusNotFound}, // no issuer inside the service any more
		{dev, http.StatusOK},
	} {
		resp, err := http.Get(tc.base + "/dev/oidc/kakao/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s discovery: %d, want %d", tc.base, resp.StatusCode, tc.want)
		}
	}
}
