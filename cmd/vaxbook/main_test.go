package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"vaxbook/demo"
	"vaxbook/postgres/pgtest"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeDemoLetsAResidentVerifyAndBook starts the real program as `vaxbook serve
// --demo` on each database and plays the README's curl session through HTTP.
func TestServeDemoLetsAResidentVerifyAndBook(t *testing.T) {
	for _, tc := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "vaxbook.db") }},
		{"postgres", func(t *testing.T) string { return pgtest.URL(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.db(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stdout, stderr syncBuffer
			ready, errc := make(chan string, 1), make(chan error, 1)
			go func() {
				errc <- serve(ctx, []string{"--demo", "--demo-sites", "60", "--database", db,
					"--addr", "127.0.0.1:0", "--now", "2021-08-12T20:01:00+09:00"}, &stdout, &stderr, ready)
			}()
			var addr string
			select {
			case addr = <-ready:
			case err := <-errc:
				t.Fatalf("serve: %v\n%s", err, stderr.String())
			case <-time.After(60 * time.Second):
				t.Fatal("serve did not start")
			}
			r := demo.NewPopulation(demo.FullPopulation, 2021, demo.Campaign2021()).Example()
			if !strings.Contains(stdout.String(), r.Phone) {
				t.Errorf("start-up message does not say how to sign in:\n%s", stdout.String())
			}
			base := "http://" + addr
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar}
			post := func(path string, body any) map[string]any {
				b, _ := json.Marshal(body)
				resp, err := c.Post(base+path, "application/json", bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				out := map[string]any{}
				json.NewDecoder(resp.Body).Decode(&out)
				if resp.StatusCode >= 300 {
					t.Fatalf("POST %s: %d %v", path, resp.StatusCode, out)
				}
				return out
			}
			post("/api/v1/identity/phone/start", map[string]string{"name": r.Name, "birth": r.Birth.String(),
				"digit7": string(rune('0' + r.Digit7)), "carrier": r.Carrier, "phone": r.Phone})
			resp, err := c.Get(base + "/demo/sms?phone=" + r.Phone)
			if err != nil {
				t.Fatal(err)
			}
			var sms struct{ Messages []struct{ Text string } }
			json.NewDecoder(resp.Body).Decode(&sms)
			resp.Body.Close()
			if len(sms.Messages) == 0 {
				t.Fatal("no one-time code in the demo SMS sink")
			}
			code := regexp.MustCompile(`\d{6}`).FindString(sms.Messages[0].Text)
			if got := post("/api/v1/identity/phone/confirm", map[string]string{"code": code}); got["verified"] != true {
				t.Fatalf("confirm: %v", got)
			}
			rv := post("/api/v1/campaigns/1/reservation", map[string]any{"site_id": 1, "date": "2021-09-01"})
			if rv["status"] != "booked" || rv["second_date"] != "2021-10-13" {
				t.Errorf("reservation: %v", rv)
			}
			cancel()
			select {
			case err := <-errc:
				if err != nil {
					t.Errorf("graceful shutdown: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Error("serve did not stop")
			}
		})
	}
}

func TestSecretsAreRequiredOutsideDemo(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		ok   bool
	}{
		{"demo uses demo keys", []string{"--demo"}, true},
		{"no keys outside demo", []string{}, false},
		{"demo key outside demo", []string{"--person-key-secret", demoPersonKeySecret, "--phone-key", strings.Repeat("ab", 32)}, false},
		{"short person secret", []string{"--person-key-secret", "short", "--phone-key", strings.Repeat("ab", 32)}, false},
		{"phone key not hex", []string{"--person-key-secret", strings.Repeat("s", 40), "--phone-key", strings.Repeat("zz", 32)}, false},
		{"phone key too short", []string{"--person-key-secret", strings.Repeat("s", 40), "--phone-key", "abcd"}, false},
		{"proper keys", []string{"--person-key-secret", strings.Repeat("s", 40), "--phone-key", strings.Repeat("ab", 32)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := parseConfig("serve", tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if err := cfg.loadSecrets(); (err == nil) != tc.ok {
				t.Errorf("loadSecrets = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestConfigLogMasksSecrets(t *testing.T) {
	cfg, _, err := parseConfig("serve", []string{"--database", "postgres://u:hunter2@db/x", "--person-key-secret", strings.Repeat("q", 40), "--phone-key", strings.Repeat("ab", 32)})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.loadSecrets(); err != nil {
		t.Fatal(err)
	}
	got := cfg.LogValue().String()
	for _, secret := range []string{"hunter2", strings.Repeat("q", 40), strings.Repeat("ab", 32)} {
		if strings.Contains(got, secret) {
			t.Errorf("logged configuration shows a secret: %s", got)
		}
	}
}

func TestNowFlag(t *testing.T) {
	if _, _, err := parseConfig("serve", []string{"--now", "2021-08-12 19:59"}); err == nil {
		t.Error("a malformed --now was accepted")
	}
	cfg, _, err := parseConfig("serve", []string{"--now", "2021-08-12T10:59:00Z"})
	if err != nil || cfg.Now.Hour() != 19 {
		t.Errorf("--now in UTC is read in Seoul: %v %v", cfg.Now, err)
	}
}

// TestReadmeNamesTheDemoResident keeps the README's curl session in step with the demo
// data: the resident it signs in as must be the one the default seed produces.
func TestReadmeNamesTheDemoResident(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	r := demo.NewPopulation(demo.FullPopulation, 2021, demo.Campaign2021()).Example()
	for _, want := range []string{r.Name, r.Birth.String(), r.Phone, `"carrier":"` + r.Carrier + `"`} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md does not mention %q of the demo resident", want)
		}
	}
}
