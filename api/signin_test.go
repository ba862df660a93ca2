package api_test

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/queue"
	"vaxbook/staff"
)

// The tests of this file each reproduce one way the sign-in was attacked from outside
// and check that it no longer works.

// TestPlantedSessionCookieNeverBecomesTheVictimsSession: an attacker plants a
// vb_session value of their choosing in the victim's browser (from a sibling subdomain,
// or over plain HTTP). After the victim verifies, the planted value is not signed in,
// and the answer to the verification sets a new session cookie.
func TestPlantedSessionCookieNeverBecomesTheVictimsSession(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		victim, attacker := h.client(), h.client()
		u, _ := url.Parse(h.srv.URL)
		planted := strings.Repeat("A", 43)
		for _, c := range []*client{victim, attacker} {
			c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "vb_session", Value: planted, Path: "/"}})
		}
		victim.verify(h.resident(2, 0))
		if got := victim.header.Get("Set-Cookie"); !strings.Contains(got, "vb_session=") || strings.Contains(got, planted) {
			t.Errorf("Set-Cookie at sign-in = %q, want a new vb_session value", got)
		}
		if st, body := attacker.do("GET", "/api/v1/session", nil); st != 200 || body["verified"] != false {
			t.Fatalf("the planted session after the victim signed in: %d %v, want unverified", st, body)
		}
		if st, body := victim.do("GET", "/api/v1/session", nil); st != 200 || body["verified"] != true {
			t.Errorf("the victim's own session: %d %v, want verified", st, body)
		}
	})
}

// TestSignInReplacesTheBrowsersPreviousSession: signing in again (another person on a
// shared PC, after ten minutes) ends the session the browser held before.
func TestSignInReplacesTheBrowsersPreviousSession(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		c := h.client()
		c.verify(h.resident(2, 0))
		u, _ := url.Parse(h.srv.URL)
		first := c.http.Jar.Cookies(u)
		h.clock.Advance(vaxbook.VerifyWindow)
		c.verify(h.resident(2, 1000))
		replay := h.client()
		replay.http.Jar.SetCookies(u, first)
		if st, body := replay.do("GET", "/api/v1/session", nil); st != 200 || body["verified"] != false {
			t.Errorf("the previous session after a new sign-in: %d %v, want ended", st, body)
		}
	})
}

// TestSignOutThenVerifyAgainIsTooSoonNotAnotherDevice: the device is the browser's
// device cookie, which sign-out keeps, so the same browser is told verify_too_soon.
func TestSignOutThenVerifyAgainIsTooSoonNotAnotherDevice(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		c, r := h.client(), h.resident(2, 0)
		c.verify(r)
		if st, body := c.do("DELETE", "/api/v1/session", nil); st != 204 {
			t.Fatalf("sign out: %d %v", st, body)
		}
		h.clock.Advance(time.Minute)
		if st, body := c.startPhone(r); st != 429 || code(body) != "verify_too_soon" {
			t.Errorf("verify again on the same browser: %d %v, want 429 verify_too_soon", st, body)
		}
	})
}

// TestFirstDeviceStaysOutAfterTheSecondDevicesWindow: pc verifies at t0, the phone at
// t0+10m; at t0+21m, when the phone's window has ended but the pc's session is still
// alive, only the phone may book.
func TestFirstDeviceStaysOutAfterTheSecondDevicesWindow(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		base := "/api/v1/campaigns/" + itoa(h.campaignID)
		r := h.resident(2, 0)
		pc, mobile := h.client(), h.client()
		pc.verify(r)
		h.clock.Advance(vaxbook.VerifyWindow)
		mobile.verify(r)
		site, date := mobile.firstSite()
		h.clock.Advance(11 * time.Minute)
		if st, body := pc.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date}); st != 403 || code(body) != "device_locked" {
			t.Errorf("first device at +21m: %d %v, want 403 device_locked", st, body)
		}
		if st, body := mobile.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date}); st != 201 {
			t.Errorf("second device at +21m: %d %v, want 201", st, body)
		}
	})
}

// TestAPassAdmitsOnlyThePersonWhoFirstVerifiedWithIt: a broker's pass, copied with its
// device cookie into another jar, cannot verify a second person, and a pass stays bound
// after its person booked.
func TestAPassAdmitsOnlyThePersonWhoFirstVerifiedWithIt(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		var room *queue.Room
		h := newHarnessWith(t, s, withRoom(t, &room))
		broker := h.client()
		admit(t, h, room, broker)
		broker.verify(h.resident(2, 0))
		if st, body := broker.startPhone(h.resident(2, 0)); st != 429 || code(body) != "verify_too_soon" {
			t.Errorf("the pass's own person verifying again: %d %v, want 429 verify_too_soon", st, body)
		}
		buyer := h.client()
		u, _ := url.Parse(h.srv.URL)
		var copied []*http.Cookie
		for _, ck := range broker.http.Jar.Cookies(u) {
			if ck.Name == "vb_pass" || ck.Name == "vb_device" {
				copied = append(copied, ck)
			}
		}
		buyer.http.Jar.SetCookies(u, copied)
		if st, body := buyer.startPhone(h.resident(2, 1000)); st != 403 || code(body) != "pass_in_use" {
			t.Fatalf("a second person under a used pass: %d %v, want 403 pass_in_use", st, body)
		}
		if _, ok := h.sms.Last(h.resident(2, 1000).Phone); ok {
			t.Error("a code was sent under a pass already used")
		}
		site, date := broker.firstSite()
		base := "/api/v1/campaigns/" + itoa(h.campaignID)
		if st, body := broker.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date}); st != 201 {
			t.Fatalf("the pass's own person books: %d %v", st, body)
		}
		if st, body := buyer.startPhone(h.resident(2, 2000)); st != 403 || code(body) != "pass_in_use" {
			t.Errorf("a person under a pass used for a booking: %d %v, want 403 pass_in_use", st, body)
		}
	})
}

// admit takes c through the waiting room to a claimed pass.
func admit(t *testing.T, h *harness, room *queue.Room, c *client) {
	t.Helper()
	c.do("POST", "/api/v1/queue/join", nil)
	h.clock.Advance(time.Second)
	if st, body := c.do("POST", "/api/v1/queue/join", nil); st != 200 {
		t.Fatalf("join: %d %v", st, body)
	}
	h.clock.Advance(time.Second)
	if _, err := room.Advance(context.Background(), h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if st, body := c.do("POST", "/api/v1/queue/claim", nil); st != 200 {
		t.Fatalf("claim: %d %v", st, body)
	}
}

// TestTOTPCodeSignsInOnce: the same staff code a second later is refused.
func TestTOTPCodeSignsInOnce(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		body := map[string]string{"login": "clinic-b", "password": clinicPass, "totp": staff.TOTP([]byte(totpSecret), h.clock.Now())}
		if st, out := h.client().do("POST", "/api/v1/clinic/login", body); st != 200 {
			t.Fatalf("first use of the code: %d %v", st, out)
		}
		h.clock.Advance(time.Second)
		if st, out := h.client().do("POST", "/api/v1/clinic/login", body); st != 401 {
			t.Errorf("the same code replayed a second later: %d %v, want 401", st, out)
		}
		h.clock.Advance(30 * time.Second)
		h.login("clinic-b") // the next step's code works
	})
}

// TestStrangersCannotLockStaffOut: ten wrong passwords for clinic-a from another
// address do not refuse the right password from the clinic's own.
func TestStrangersCannotLockStaffOut(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		h.srv.Config.Handler = checkContract(t, api.New(h.cfgWithProxy(t)).Handler())
		stranger := h.client()
		for i := range 12 {
			st, _ := stranger.doFrom("198.51.100.9", "POST", "/api/v1/clinic/login", map[string]string{"login": "clinic-a", "password": "guess"})
			if i >= api.StaffLoginsPerAccount && st != http.StatusTooManyRequests {
				t.Fatalf("stranger's attempt %d: %d, want 429 for the stranger", i+1, st)
			}
		}
		st, body := h.client().doFrom("203.0.113.20", "POST", "/api/v1/clinic/login", map[string]string{"login": "clinic-a", "password": clinicPass})
		if st != 200 {
			t.Errorf("the staff member from the clinic: %d %v, want 200", st, body)
		}
	})
}

// TestSessionCookiesTakeTheHostPrefixOverTLS: behind TLS every cookie of the resident
// flow is __Host- prefixed and Secure, so no sibling subdomain or plain-HTTP page can
// plant it.
func TestSessionCookiesTakeTheHostPrefixOverTLS(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarnessWith(t, s, func(cfg *api.Config, _ vaxbook.Clock) { cfg.SecureCookies = true })
		c := h.client()
		c.startPhone(h.resident(2, 0))
		got := c.header.Values("Set-Cookie")
		if len(got) == 0 {
			t.Fatal("no cookie set at the start of a verification")
		}
		for _, v := range got {
			if !strings.HasPrefix(v, "__Host-") || !strings.Contains(v, "Secure") || !strings.Contains(v, "Path=/") {
				t.Errorf("Set-Cookie %q: want __Host- prefix, Secure and Path=/", v)
			}
		}
	})
}

// cfgWithProxy rebuilds the clinic harness's API configuration believing the test
// client's X-Forwarded-For, so that a test can speak from several addresses.
func (h *clinicHarness) cfgWithProxy(t *testing.T) api.Config {
	t.Helper()
	cfg := h.cfg
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	return cfg
}

// doFrom is do with the request said to come from addr through the trusted proxy.
func (c *client) doFrom(addr, method, path string, body any) (int, map[string]any) {
	c.h.t.Helper()
	c.forwardedFor = addr
	defer func() { c.forwardedFor = "" }()
	return c.do(method, path, body)
}
