package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
	"vaxbook/identity"
	"vaxbook/postgres/pgtest"
	"vaxbook/redis"
	"vaxbook/redis/redistest"
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

// instance is a running service started by a test, as `vaxbook serve` starts it.
type instance struct {
	base   string
	stdout *syncBuffer
	stderr *syncBuffer
	stop   func() error
}

// startServe opens the real service through Open with the serve command's flags and
// runs it until the test ends; the test's cleanup stops it if the test did not.
func startServe(t *testing.T, args ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	a, err := openArgs(ctx, in.stdout, in.stderr, args...)
	if err != nil {
		cancel()
		t.Fatalf("open: %v\n%s", err, in.stderr.String())
	}
	in.base = "http://" + a.Addr()
	errc := make(chan error, 1)
	go func() { errc <- a.Run(ctx) }()
	select {
	case <-a.Ready():
	case err := <-errc:
		cancel()
		a.Close()
		t.Fatalf("run: %v\n%s", err, in.stderr.String())
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("the service did not start")
	}
	var once sync.Once
	var stopErr error
	in.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-errc:
			case <-time.After(30 * time.Second):
				stopErr = context.DeadlineExceeded
			}
			stopErr = errors.Join(stopErr, a.Close())
		})
		return stopErr
	}
	t.Cleanup(func() { in.stop() })
	return in
}

// openArgs opens the service as `vaxbook serve` would with args (on a port of the
// system's choosing unless args name one), its start-up message to stdout and its log
// to stderr.
func openArgs(ctx context.Context, stdout, stderr io.Writer, args ...string) (*App, error) {
	cfg, _, err := ParseConfig("serve", append([]string{"--addr", "127.0.0.1:0"}, args...))
	if err != nil {
		return nil, err
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	cfg.Welcome = stdout
	return Open(ctx, cfg)
}

// browser is one device talking to an instance: its own cookie jar.
type browser struct {
	t    *testing.T
	http *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, http: &http.Client{Jar: jar}}
}

// post sends body as JSON and returns the status and the decoded answer.
func (b *browser) post(url string, body any) (int, map[string]any) {
	b.t.Helper()
	raw, _ := json.Marshal(body)
	resp, err := b.http.Post(url, "application/json", bytes.NewReader(raw))
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// startPhone asks in for a one-time code for r.
func (b *browser) startPhone(in *instance, r identity.Subscriber) (int, map[string]any) {
	return b.post(in.base+"/api/v1/identity/phone/start", map[string]string{"name": r.Name, "birth": r.Birth.String(),
		"digit7": string(rune('0' + r.Digit7)), "carrier": r.Carrier, "phone": r.Phone})
}

// verify runs the phone verification of r on in, reading the code from the demo sink.
func (b *browser) verify(in *instance, r identity.Subscriber) {
	b.t.Helper()
	if st, body := b.startPhone(in, r); st != 200 {
		b.t.Fatalf("phone start: %d %v", st, body)
	}
	resp, err := b.http.Get(in.base + "/demo/sms?phone=" + r.Phone)
	if err != nil {
		b.t.Fatal(err)
	}
	var sms struct{ Messages []struct{ Text string } }
	json.NewDecoder(resp.Body).Decode(&sms)
	resp.Body.Close()
	if len(sms.Messages) == 0 {
		b.t.Fatal("no one-time code in the demo SMS sink")
	}
	code := regexp.MustCompile(`\d{6}`).FindString(sms.Messages[0].Text)
	if st, got := b.post(in.base+"/api/v1/identity/phone/confirm", map[string]string{"code": code}); st != 200 || got["verified"] != true {
		b.t.Fatalf("confirm: %d %v", st, got)
	}
}

// enterQueue takes a place in the waiting room of in, waits to be admitted and claims
// the pass, as a browser on the waiting page does.
func (b *browser) enterQueue(in *instance) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, body := b.post(in.base+"/api/v1/queue/join", nil)
		if st == 200 {
			break
		}
		if st != 202 || time.Now().After(deadline) {
			b.t.Fatalf("join: %d %v", st, body)
		}
		time.Sleep(300 * time.Millisecond)
	}
	for {
		resp, err := b.http.Get(in.base + "/api/v1/queue/status")
		if err != nil {
			b.t.Fatal(err)
		}
		var st map[string]any
		json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if st["admitted"] == true {
			break
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("not admitted: %v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st, body := b.post(in.base+"/api/v1/queue/claim", nil); st != 200 {
		b.t.Fatalf("claim: %d %v", st, body)
	}
}

// waitNotice waits until the demo notification sink has a message of kind for phone.
func waitNotice(t *testing.T, in *instance, phone, kind string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		resp, err := http.Get(in.base + "/demo/notices")
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ Notices []map[string]string }
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		for _, n := range got.Notices {
			if n["phone"] == phone && n["kind"] == kind {
				return
			}
		}
	}
	t.Errorf("no %s notification to %s", kind, phone)
}

// demoResident is the resident the start-up message and the README sign in as.
func demoResident() identity.Subscriber {
	return demo.NewPopulation(demo.FullPopulation, 2021, demo.Campaign2021()).Example()
}

// TestServeDemoLetsAResidentVerifyAndBook starts the real service as `vaxbook serve
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
			in := startServe(t, "--demo", "--demo-sites", "60", "--database", tc.db(t), "--now", "2021-08-12T20:01:00+09:00")
			r := demoResident()
			if !strings.Contains(in.stdout.String(), r.Phone) {
				t.Errorf("start-up message does not say how to sign in:\n%s", in.stdout.String())
			}
			b := newBrowser(t)
			if st, body := b.startPhone(in, r); st != 401 || body["code"] != "pass_required" {
				t.Errorf("verification before the waiting room: %d %v, want 401 pass_required", st, body)
			}
			b.enterQueue(in)
			b.verify(in, r)
			st, rv := b.post(in.base+"/api/v1/campaigns/1/reservation", map[string]any{"site_id": 1, "date": "2021-09-01"})
			if st != 201 || rv["status"] != "booked" || rv["second_date"] != "2021-10-13" {
				t.Errorf("reservation: %d %v", st, rv)
			}
			// The booking's notification leaves through the outbox to the demo sink.
			waitNotice(t, in, r.Phone, "booked")
			if err := in.stop(); err != nil {
				t.Errorf("graceful shutdown: %v", err)
			}
		})
	}
}

// TestInstancesShareLimitsThroughRedis runs two instances on one database and one
// Redis: a person verified on the first is refused on a second device at the other
// instance, and the other instance's congestion lights read the same line.
func TestInstancesShareLimitsThroughRedis(t *testing.T) {
	url := redistest.URL(t)
	prefix := fmt.Sprintf("vbtest:%d:", time.Now().UnixNano())
	t.Cleanup(func() { cleanRedis(t, url, prefix) })
	db := filepath.Join(t.TempDir(), "vaxbook.db")
	args := []string{"--demo", "--demo-sites", "30", "--database", db, "--now", "2021-08-12T20:01:00+09:00", "--redis", url, "--redis-prefix", prefix}
	a := startServe(t, args...)
	b := startServe(t, args...)
	r := demoResident()
	pc, mobile := newBrowser(t), newBrowser(t)
	pc.enterQueue(a)
	pc.verify(a, r)
	mobile.enterQueue(b)
	st, body := mobile.startPhone(b, r)
	if st != 403 || body["code"] != "device_locked" {
		t.Errorf("second device on the other instance: %d %v, want 403 device_locked", st, body)
	}
	resp, err := http.Get(b.base + "/api/v1/identity/methods")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m struct{ Methods []map[string]any }
	json.NewDecoder(resp.Body).Decode(&m)
	seen := map[string]bool{}
	for _, l := range m.Methods {
		seen[l["method"].(string)] = true
		if l["color"] != "green" {
			t.Errorf("an idle method is not green: %v", l)
		}
	}
	for _, want := range []string{"phone", "cert", "kakao", "naver", "pass", "ipin"} {
		if !seen[want] {
			t.Errorf("no light for %s: %v", want, m.Methods)
		}
	}
}

// cleanRedis deletes the keys a test wrote under prefix.
func cleanRedis(t *testing.T, url, prefix string) {
	rdb, err := redis.Open(context.Background(), url)
	if err != nil {
		t.Log(err)
		return
	}
	defer rdb.Close()
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
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
		{"no queue secret outside demo", []string{"--person-key-secret", strings.Repeat("s", 40), "--phone-key", strings.Repeat("ab", 32)}, false},
		{"short operator token", []string{"--person-key-secret", strings.Repeat("s", 40), "--phone-key", strings.Repeat("ab", 32), "--queue-secret", strings.Repeat("q", 40), "--operator-token", "short"}, false},
		{"proper keys", []string{"--person-key-secret", strings.Repeat("s", 40), "--phone-key", strings.Repeat("ab", 32), "--queue-secret", strings.Repeat("q", 40)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := ParseConfig("serve", tc.args)
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
	cfg, _, err := ParseConfig("serve", []string{"--database", "postgres://u:hunter2@db/x", "--person-key-secret", strings.Repeat("q", 40),
		"--phone-key", strings.Repeat("ab", 32), "--queue-secret", strings.Repeat("w", 40), "--operator-token", strings.Repeat("o", 40), "--redis", "redis://:redispw@r:6379/0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.loadSecrets(); err != nil {
		t.Fatal(err)
	}
	got := cfg.LogValue().String()
	for _, secret := range []string{"hunter2", strings.Repeat("q", 40), strings.Repeat("ab", 32), strings.Repeat("w", 40), strings.Repeat("o", 40), "redispw"} {
		if strings.Contains(got, secret) {
			t.Errorf("logged configuration shows a secret: %s", got)
		}
	}
}

func TestNowFlag(t *testing.T) {
	if _, _, err := ParseConfig("serve", []string{"--now", "2021-08-12 19:59"}); err == nil {
		t.Error("a malformed --now was accepted")
	}
	cfg, _, err := ParseConfig("serve", []string{"--now", "2021-08-12T10:59:00Z"})
	if err != nil || cfg.Now.Hour() != 19 {
		t.Errorf("--now in UTC is read in Seoul: %v %v", cfg.Now, err)
	}
}

// TestReadmeNamesTheDemoResident keeps the README's curl session in step with the demo
// data: the resident it signs in as must be the one the default seed produces.
func TestReadmeNamesTheDemoResident(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	r := demoResident()
	for _, want := range []string{r.Name, r.Birth.String(), r.Phone, `"carrier":"` + r.Carrier + `"`} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md does not mention %q of the demo resident", want)
		}
	}
}

// TestInstancesShareOneQueue joins browsers alternately at two instances that share
// Redis and checks they stand in one line in arrival order and are admitted in it.
func TestInstancesShareOneQueue(t *testing.T) {
	url := redistest.URL(t)
	prefix := fmt.Sprintf("vbtest:%d:", time.Now().UnixNano())
	t.Cleanup(func() { cleanRedis(t, url, prefix) })
	token := strings.Repeat("t", 40)
	args := []string{"--demo", "--demo-sites", "30", "--database", filepath.Join(t.TempDir(), "vaxbook.db"),
		"--now", "2021-08-12T20:01:00+09:00", "--redis", url, "--redis-prefix", prefix, "--operator-token", token}
	a := startServe(t, args...)
	b := startServe(t, args...)
	admin := func(in *instance, method, path string, body string) {
		req, _ := http.NewRequest(method, in.base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s %s: %v %v", method, path, resp.StatusCode, err)
		}
		resp.Body.Close()
	}
	admin(a, "PUT", "/api/v1/admin/queue/rate", `{"rate":3,"auto":false}`)
	admin(b, "POST", "/api/v1/admin/queue/pause", "")
	instances := []*instance{a, b}
	var line []*browser
	for i := range 6 {
		br, in := newBrowser(t), instances[i%2]
		br.post(in.base+"/api/v1/queue/join", nil)
		line = append(line, br)
	}
	time.Sleep(1100 * time.Millisecond) // the confirming join comes after a delay
	for i, br := range line {
		st, body := br.post(instances[i%2].base+"/api/v1/queue/join", nil)
		if st != 200 || body["position"] != float64(i+1) {
			t.Fatalf("browser %d joined at %s: %d %v, want position %d", i, instances[i%2].base, st, body, i+1)
		}
	}
	admin(a, "POST", "/api/v1/admin/queue/resume", "")
	// At 3 admissions per second the admitted must always be a prefix of the line. Each
	// instance answers from its own snapshot of the shared counters, which only moves
	// forward, so polling one instance from the back of the line to the front sees a
	// consistent prefix.
	deadline := time.Now().Add(15 * time.Second)
	for {
		admitted := make([]bool, len(line))
		for i := len(line) - 1; i >= 0; i-- {
			resp, err := line[i].http.Get(b.base + "/api/v1/queue/status")
			if err != nil {
				t.Fatal(err)
			}
			var st map[string]any
			json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
			admitted[i] = st["admitted"] == true
		}
		n := 0
		for n < len(line) && admitted[n] {
			n++
		}
		for i := n; i < len(line); i++ {
			if admitted[i] {
				t.Fatalf("browser %d admitted before browser %d: %v", i, n, admitted)
			}
		}
		if n == len(line) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d admitted", n, len(line))
		}
		time.Sleep(150 * time.Millisecond)
	}
}
