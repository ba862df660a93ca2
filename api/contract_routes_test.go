package api_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/cert"
	"vaxbook/congestion"
	"vaxbook/demo"
	"vaxbook/devca"
	"vaxbook/devoidc"
	"vaxbook/oidc"
	"vaxbook/queue"
)

// These tests reach the routes no other test of the package answered with success, so
// that the contract check (contract_test.go) sees a 2xx answer of every operation in
// the API document.

// TestOperatorsSeeTheWaitingRoomAndItsOpenings: the operators' view carries every
// counter, and the published openings are a list even before the first opening.
func TestOperatorsSeeTheWaitingRoomAndItsOpenings(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		var room *queue.Room
		h := newHarnessWith(t, s, withRoom(t, &room))
		st, body := adminDo(t, h, "GET", "/api/v1/admin/queue", "", "")
		if st != 200 || body["paused"] != false || body["rate"] != float64(100) {
			t.Errorf("admin queue: %d %v, want 200 with paused false and rate 100", st, body)
		}
		st, body = h.client().do("GET", "/api/v1/queue/openings", nil)
		if _, ok := body["openings"].([]any); st != 200 || !ok {
			t.Errorf("openings: %d %v, want 200 with a list", st, body)
		}
	})
}

// TestMethodsShowOneLightPerMethod: the congestion lights name each method of the
// line, green while nobody waits.
func TestMethodsShowOneLightPerMethod(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarnessWith(t, s, func(cfg *api.Config, clock vaxbook.Clock) {
			line, err := congestion.NewMem(map[string]congestion.MethodConfig{
				"phone": {MaxInFlight: 10, PerSecond: 5}, "cert": {MaxInFlight: 10, PerSecond: 5},
			}, clock)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Line, cfg.LineMethods = line, []string{"phone", "cert"}
		})
		st, body := h.client().do("GET", "/api/v1/identity/methods", nil)
		lights, _ := body["methods"].([]any)
		if st != 200 || len(lights) != 2 {
			t.Fatalf("methods: %d %v, want 200 with two lights", st, body)
		}
		for _, l := range lights {
			if m := l.(map[string]any); m["color"] != "green" {
				t.Errorf("light of an idle line: %v, want green", m)
			}
		}
	})
}

// TestLeavingTheStandbyListWithdrawsTheEntry: a resident who leaves is off the line;
// the day's entry stays readable, withdrawn.
func TestLeavingTheStandbyListWithdrawsTheEntry(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		resident := h.verifiedResident(2, 0)
		resident.join(clinicSiteA)
		st, body := resident.do("DELETE", h.standbyPath(""), nil)
		if st != 200 || body["state"] != "withdrawn" {
			t.Fatalf("leave: %d %v, want 200 withdrawn", st, body)
		}
		if e := resident.entry(); e["state"] != "withdrawn" {
			t.Errorf("entry after leaving: %v, want withdrawn", e)
		}
	})
}

// TestAnOperatorPutsADeadNotificationBackInLine: a dead letter retried is pending
// again, and the outbox lists it so.
func TestAnOperatorPutsADeadNotificationBackInLine(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s) // its bookings wrote notifications
		ctx := t.Context()
		msgs, err := s.ClaimOutbox(ctx, h.clock.Now(), time.Minute, 1)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("claim a notification: %v %v", msgs, err)
		}
		if err := s.MarkFailed(ctx, vaxbook.OutboxFailure{ID: msgs[0].ID, LastError: "carrier refused", Next: h.clock.Now(), Dead: true}); err != nil {
			t.Fatal(err)
		}
		st, body := adminDo(t, h.harness, "POST", "/api/v1/admin/outbox/"+itoa(msgs[0].ID)+"/retry", "", "")
		if st != 200 || body["status"] != "pending" {
			t.Fatalf("retry: %d %v, want 200 pending", st, body)
		}
		st, body = adminDo(t, h.harness, "GET", "/api/v1/admin/outbox?status=pending", "", "")
		found := false
		for _, m := range body["messages"].([]any) {
			found = found || int64(m.(map[string]any)["id"].(float64)) == msgs[0].ID
		}
		if st != 200 || !found {
			t.Errorf("pending outbox: %d %v, want message %d", st, body, msgs[0].ID)
		}
	})
}

// TestACertificateSignInVerifiesTheResident: a challenge signed with a certificate of
// the development CA signs its subscriber in.
func TestACertificateSignInVerifiesTheResident(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		var ca *devca.CA
		h := newHarnessWith(t, s, func(cfg *api.Config, clock vaxbook.Clock) {
			var err error
			if ca, err = devca.NewCA(clock.Now().Add(-time.Hour), 24*time.Hour); err != nil {
				t.Fatal(err)
			}
			if cfg.Cert, err = cert.New(cert.Config{Roots: ca.Pool(), Secret: secret}, nil); err != nil {
				t.Fatal(err)
			}
		})
		r := h.resident(2, 0)
		certPEM, keyPEM, err := ca.Issue(r, h.clock.Now().Add(-time.Hour), h.clock.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		c := h.client()
		st, ch := c.do("POST", "/api/v1/identity/cert/challenge", nil)
		if st != 200 {
			t.Fatalf("challenge: %d %v", st, ch)
		}
		block, _ := pem.Decode(keyPEM)
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		digest := sha256.Sum256([]byte(ch["challenge"].(string)))
		sig, err := ecdsa.SignASN1(rand.Reader, key.(*ecdsa.PrivateKey), digest[:])
		if err != nil {
			t.Fatal(err)
		}
		st, sess := c.do("POST", "/api/v1/identity/cert/verify", map[string]any{"challenge": ch["challenge"], "chain": string(certPEM), "signature": sig})
		if st != 200 || sess["verified"] != true || sess["name"] != r.Name {
			t.Fatalf("verify: %d %v, want verified as %s", st, sess, r.Name)
		}
	})
}

// TestASimpleAuthenticationSignInVerifiesTheResident: the redirect flow through a
// development issuer signs its resident in.
func TestASimpleAuthenticationSignInVerifiesTheResident(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		// The issuer runs on its own server; the service's callback is registered under
		// a fixed host and delivered to the test server by the test, as a browser would.
		pop := demo.NewPopulation(100_000, 7, demo.Campaign2021())
		mux := http.NewServeMux()
		issuerSrv := httptest.NewServer(mux)
		t.Cleanup(issuerSrv.Close)
		const callback = "http://vaxbook.test/api/v1/identity/oidc/kakao/callback"
		issuer, err := devoidc.New(devoidc.Config{
			Issuer: issuerSrv.URL + "/dev/oidc/kakao", Brand: "kakao", Residents: pop,
			Clients: []devoidc.Client{{ID: "vaxbook", Secret: "test-client-secret", RedirectURIs: []string{callback}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		mux.Handle("/dev/oidc/kakao/", issuer.Handler())
		h := newHarnessWith(t, s, func(cfg *api.Config, _ vaxbook.Clock) {
			m, err := oidc.New(context.Background(), []oidc.ProviderConfig{{
				Name: "kakao", Label: "Kakao", Issuer: issuerSrv.URL + "/dev/oidc/kakao", ClientID: "vaxbook",
				ClientSecret: "test-client-secret", RedirectURL: callback, Scopes: []string{"openid", "profile", "phone"},
				KeyClaim: "ci", NameClaim: "name", BirthClaim: "birthdate", PhoneClaim: "phone_number",
			}}, secret, cfg.Sealer, nil)
			if err != nil {
				t.Fatal(err)
			}
			cfg.OIDC = m
		})
		r := h.resident(2, 0)
		c := h.client()
		noFollow := *c.http
		noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := noFollow.Get(h.srv.URL + "/api/v1/identity/oidc/kakao/start")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("start: %d, want 302 to the issuer", resp.StatusCode)
		}
		answer, err := devoidc.SignIn(t.Context(), c.http, resp.Header.Get("Location"), r.Phone)
		if err != nil {
			t.Fatalf("sign in at the issuer: %v", err)
		}
		srv, _ := url.Parse(h.srv.URL)
		answer.Scheme, answer.Host = srv.Scheme, srv.Host
		st, sess := c.do("GET", answer.RequestURI(), nil)
		if st != 200 || sess["verified"] != true || sess["name"] != r.Name {
			t.Fatalf("callback: %d %v, want verified as %s", st, sess, r.Name)
		}
	})
}
