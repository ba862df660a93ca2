package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"regexp"
	"testing"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/booking"
	"vaxbook/demo"
	"vaxbook/identity"
	"vaxbook/inmem"
	"vaxbook/phone"
	"vaxbook/signin"
	"vaxbook/storetest/engines"
)

// secret is the test person-key secret; phoneKey the test sealing key.
var (
	secret   = []byte("test-person-key-secret-0123456789abcdef")
	phoneKey = bytes.Repeat([]byte{7}, 32)
)

// harness is a real API over a real store, the development carrier and a small
// synthetic population, with a clock the test moves.
type harness struct {
	t          testing.TB
	srv        *httptest.Server
	clock      *vaxbook.ManualClock
	sms        *phone.SMSSink
	pop        demo.Population
	store      vaxbook.Store
	campaignID int64
	// cfg is the configuration the API was built with, for a test that rebuilds it.
	cfg api.Config
}

// backends runs fn against SQLite and, when it answers, PostgreSQL.
func backends(t *testing.T, fn func(t *testing.T, s vaxbook.Store)) {
	engines.Each(t, fn)
}

// newHarness loads a small demo campaign into s and serves the API at 2021-08-12 20:05,
// five minutes into group 2's rotation window.
func newHarness(t *testing.T, s vaxbook.Store) *harness {
	t.Helper()
	return newHarnessWith(t, s, nil)
}

// newHarnessWith is newHarness with the API's configuration adjusted by adjust (a
// waiting room, an operator token) before the server starts.
func newHarnessWith(t testing.TB, s vaxbook.Store, adjust func(*api.Config, vaxbook.Clock)) *harness {
	t.Helper()
	ctx := context.Background()
	sum, err := demo.Load(ctx, s, demo.Options{Sites: 40, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	clock := vaxbook.NewManualClock(vaxbook.MustDate("2021-08-12").At(20, 5))
	pop := demo.NewPopulation(100_000, 7, demo.Campaign2021())
	sms := phone.NewSMSSink(0, clock, nil)
	guard := inmem.NewGuard()
	sealer, err := identity.NewSealer(phoneKey)
	if err != nil {
		t.Fatal(err)
	}
	signIn := signin.New(s, sealer, guard, inmem.NewPasses())
	method, err := phone.New(phone.Config{Secret: secret}, phone.NewDevCarrier(pop, sms, phone.DevCarrierConfig{}), signIn, inmem.NewChallenges(), inmem.NewLimiter(phone.Config{}.StartLimit()))
	if err != nil {
		t.Fatal(err)
	}
	cfg := api.Config{
		Store: s, Booking: booking.New(s, nil, guard, clock), Phone: method, Sealer: sealer,
		SignIn: signIn,
		Clock:  clock, Demo: &api.Demo{SMS: sms, Residents: []identity.Subscriber{pop.Example()}},
	}
	// The services are built before the adjustment, for a configuration it copies, and
	// again after it, for the waiting room it may add.
	withServices(&cfg, s)
	if adjust != nil {
		adjust(&cfg, clock)
		withServices(&cfg, s)
	}
	srv := httptest.NewServer(checkContract(t, api.New(cfg).Handler()))
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, clock: clock, sms: sms, pop: pop, store: s, campaignID: sum.CampaignID, cfg: cfg}
}

// client is one browser: its own cookie jar, hence its own device.
type client struct {
	h    *harness
	http *http.Client
	// header holds the headers of the last answer.
	header http.Header
	// forwardedFor, when set, is sent as X-Forwarded-For (see doFrom).
	forwardedFor string
}

func (h *harness) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, http: &http.Client{Jar: jar}}
}

// do sends a JSON request and decodes the JSON answer into a map.
func (c *client) do(method, path string, body any) (int, map[string]any) {
	c.h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.h.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", c.forwardedFor)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	c.header = resp.Header
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.h.t.Fatalf("%s %s: answer is not JSON: %s", method, path, raw)
		}
	}
	return resp.StatusCode, out
}

var codeRE = regexp.MustCompile(`\d{6}`)

// startPhone asks for a one-time code for r and returns the status and body.
func (c *client) startPhone(r identity.Subscriber) (int, map[string]any) {
	return c.do("POST", "/api/v1/identity/phone/start", map[string]string{
		"name": r.Name, "birth": r.Birth.String(), "digit7": string(rune('0' + r.Digit7)),
		"carrier": r.Carrier, "phone": r.Phone,
	})
}

// lastCode reads the newest one-time code sent to r's phone from the development sink.
func (c *client) lastCode(r identity.Subscriber) string {
	m, ok := c.h.sms.Last(r.Phone)
	if !ok {
		c.h.t.Fatalf("no text message to %s", r.Phone)
	}
	return codeRE.FindString(m.Text)
}

// verify runs the whole phone verification for r and fails the test if it does not
// succeed.
func (c *client) verify(r identity.Subscriber) {
	c.h.t.Helper()
	if st, body := c.startPhone(r); st != 200 {
		c.h.t.Fatalf("start: %d %v", st, body)
	}
	if st, body := c.do("POST", "/api/v1/identity/phone/confirm", map[string]string{"code": c.lastCode(r)}); st != 200 || body["verified"] != true {
		c.h.t.Fatalf("confirm: %d %v", st, body)
	}
}

// resident returns a resident of the population in the given rotation group.
func (h *harness) resident(group, from int) identity.Subscriber {
	_, r := h.pop.FindInGroup(group, from)
	return r
}

// firstSite returns a site id and a date with places for the verified client.
func (c *client) firstSite() (float64, string) {
	c.h.t.Helper()
	st, body := c.do("GET", "/api/v1/campaigns/"+itoa(c.h.campaignID)+"/sites?limit=5&from=2021-09-01", nil)
	if st != 200 {
		c.h.t.Fatalf("search: %d %v", st, body)
	}
	for _, s := range body["sites"].([]any) {
		site := s.(map[string]any)
		for _, d := range site["dates"].([]any) {
			if dd := d.(map[string]any); dd["remaining"].(float64) > 0 {
				return site["id"].(float64), dd["date"].(string)
			}
		}
	}
	c.h.t.Fatal("no site with places")
	return 0, ""
}

// code returns the problem code of an error answer.
func code(body map[string]any) string {
	s, _ := body["code"].(string)
	return s
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
