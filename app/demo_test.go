package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/demo"
	"vaxbook/notify"
)

// TestServeDemoWithoutNowReplaysAnEveningAGroupBooks is the README's first run: `serve
// --demo` with no --now must start on a 2021 evening a group may book, say so, name
// people who can book on /demo, and send them a Korean booking text that names the
// site, its address and phone and both doses with their weekdays.
func TestServeDemoWithoutNowReplaysAnEveningAGroupBooks(t *testing.T) {
	in := startServe(t, "--demo", "--demo-sites", "60", "--database", filepath.Join(t.TempDir(), "vaxbook.db"))
	out := in.stdout.String()
	for _, want := range []string{"Demo clock: 2021-08-12 20:00 (Thu)", "Who can book now: group 2", "/demo"} {
		if !strings.Contains(out, want) {
			t.Errorf("start-up message lacks %q:\n%s", want, out)
		}
	}
	r := demoResident()
	page := get(t, in.base+"/demo")
	bookable, later, _ := strings.Cut(page, `id="later"`)
	if !strings.Contains(bookable, r.Phone) || strings.Contains(later, r.Phone) {
		t.Errorf("/demo does not list %s (group 2) among those who can book now", r.Phone)
	}
	if !strings.Contains(later, "예약 시작 2021년 8월 13일(금) 20:00") {
		t.Errorf("/demo does not tell when group 3 opens")
	}

	b := newBrowser(t)
	b.enterQueue(in)
	b.verify(in, r)
	if st, rv := b.post(in.base+"/api/v1/campaigns/1/reservation", map[string]any{"site_id": 1, "date": "2021-09-01"}); st != 201 {
		t.Fatalf("reservation: %d %v", st, rv)
	}
	waitNotice(t, in, r.Phone, "booked")
	var got struct{ Notices []map[string]string }
	if err := json.Unmarshal([]byte(get(t, in.base+"/demo/notices")), &got); err != nil {
		t.Fatal(err)
	}
	site := demo.Sites(60, 2021)[0]
	var text string
	for _, n := range got.Notices {
		if n["phone"] == r.Phone && n["kind"] == "booked" {
			text = n["text"]
		}
	}
	for _, want := range []string{"사전예약이 완료되었습니다", site.Name, site.Address, site.Phone,
		notify.FormatDate(notify.LangKorean, vaxbook.MustDate("2021-09-01")), "2021년 9월 1일(수)", "2021년 10월 13일(수)"} {
		if !strings.Contains(text, want) {
			t.Errorf("booking text lacks %q:\n%s", want, text)
		}
	}
	if page := get(t, in.base+"/demo"); !strings.Contains(page, site.Phone) || !strings.Contains(page, "2021년 10월 13일(수)") {
		t.Errorf("the demo SMS inbox on /demo does not show the booking text")
	}
}

// TestServeDemoExplainsADatabaseMadeWithOtherFlags: a vaxbook.db from an earlier run
// with other --demo-sites is refused with the flag and the way out, not silently used.
func TestServeDemoExplainsADatabaseMadeWithOtherFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vaxbook.db")
	in := startServe(t, "--demo", "--demo-sites", "60", "--database", db)
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // a start that fails to refuse would serve on
	defer cancel()
	a, err := openArgs(ctx, io.Discard, io.Discard, "--demo", "--demo-sites", "80", "--database", db)
	if err == nil {
		a.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "--demo-sites 60") || !strings.Contains(err.Error(), "delete") {
		t.Errorf("serve on a database of 60 sites with --demo-sites 80: %v", err)
	}
}

func TestClockReplays2021OnlyInTheDemoAndNowOverrides(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string // RFC 3339, or "" for the real clock
	}{
		{[]string{"--demo"}, "2021-08-12T20:00:00+09:00"},
		{[]string{"--demo", "--now", "2021-08-19T20:00:00+09:00"}, "2021-08-19T20:00:00+09:00"},
		{[]string{"--now", "2021-08-13T10:00:00+09:00"}, "2021-08-13T10:00:00+09:00"},
		{nil, ""},
	} {
		cfg, _, err := ParseConfig("serve", tt.args)
		if err != nil {
			t.Fatal(err)
		}
		got := clockStart(cfg)
		if (tt.want == "" && !got.IsZero()) || (tt.want != "" && got.Format(time.RFC3339) != tt.want) {
			t.Errorf("serve %v: clock starts at %v, want %q", tt.args, got, tt.want)
		}
	}
}

// get returns the body of a GET, failing the test on anything but 200.
func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}
