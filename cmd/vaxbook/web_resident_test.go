package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vaxbook/browsertest"
)

// webServe starts `vaxbook serve --demo` five minutes into group 2's window (the demo
// resident's), with the resident pages mounted, and extra flags.
func webServe(t *testing.T, extra ...string) *instance {
	t.Helper()
	args := append([]string{"--demo", "--demo-sites", "30", "--database", filepath.Join(t.TempDir(), "vaxbook.db"),
		"--now", "2021-08-12T20:05:00+09:00"}, extra...)
	in := startServe(t, args...)
	resp, err := http.Get(in.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/ answers %s, not the landing page", resp.Header.Get("Content-Type"))
	}
	return in
}

// waitFor polls the page until the JavaScript expression is true, failing the test with
// what the page says after timeout. It polls from Go, not with chromedp.Poll, because
// the pages navigate by themselves and a poll inside a page dies with it.
func waitFor(t *testing.T, ctx context.Context, what, expr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		step, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(step, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + ": " + document.body.innerText`))
			fits(t, ctx)
			browsertest.Screenshot(t, ctx, "failed")
			t.Fatalf("%s: %v\npage: %s", what, err, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func webDo(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		browsertest.Screenshot(t, ctx, "failed")
		t.Fatal(err)
	}
}

// fits checks the page does not scroll sideways at the window's width.
func fits(t *testing.T, ctx context.Context) {
	t.Helper()
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)); err != nil || !ok {
		t.Errorf("%s is wider than the window: %v", t.Name(), err)
	}
}

// smsCode reads the last one-time code the development carrier sent to phone.
func smsCode(t *testing.T, in *instance, phone string) string {
	t.Helper()
	resp, err := http.Get(in.base + "/demo/sms?phone=" + phone)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sms struct{ Messages []struct{ Text string } }
	json.NewDecoder(resp.Body).Decode(&sms)
	if len(sms.Messages) == 0 {
		t.Fatal("no one-time code in the demo SMS sink")
	}
	return regexp.MustCompile(`\d{6}`).FindString(sms.Messages[len(sms.Messages)-1].Text)
}

// TestWebResidentBooksEndToEnd plays a resident in Chromium, in Korean and in English:
// the booking day from the birth date, the waiting room, the method lights, phone
// verification with the code from the development carrier, the site search, the
// confirmation with both doses, and "my reservation".
func TestWebResidentBooksEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		lang, second string
		// from is the first date searched: within 14 days the booking is fixed at once
		// and the page must say why it cannot be changed; later it can be changed.
		from       string
		changeable bool
		why        string
		// width is the window's width; 360 is a small phone, where no page may scroll
		// sideways.
		width int64
	}{
		{"ko", "2차 접종일", "2021-08-26", false, "더 이상 변경할 수 없습니다", 1280},
		{"en", "Second dose", "2021-09-01", true, "", 360},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			ctx := browsertest.Context(t)
			in := webServe(t)
			r := demoResident()
			webDo(t, ctx, chromedp.EmulateViewport(tc.width, 800), chromedp.Navigate(in.base+"/?lang="+tc.lang))
			waitFor(t, ctx, "landing page language", `document.documentElement.lang === "`+tc.lang+`"`, 10*time.Second)
			webDo(t, ctx, chromedp.SetValue("#birth", r.Birth.String()), chromedp.Click(`#day-form button`))
			waitFor(t, ctx, "my booking day", `document.getElementById("day-out").textContent.includes("2021-08-12 20:00")`, 10*time.Second)
			fits(t, ctx)
			browsertest.Screenshot(t, ctx, "1-booking-day")

			webDo(t, ctx, chromedp.Click(`main a.button`))
			waitFor(t, ctx, "admitted from the waiting room", `location.pathname === "/verify" && !!document.getElementById("use-phone")`, 30*time.Second)
			fits(t, ctx)
			browsertest.Screenshot(t, ctx, "2-methods")

			webDo(t, ctx, chromedp.Click("#use-phone"), chromedp.WaitVisible("#name"),
				chromedp.SendKeys("#name", r.Name), chromedp.SetValue("#pbirth", r.Birth.String()),
				chromedp.SendKeys("#digit7", strconv.Itoa(r.Digit7)), chromedp.SetValue("#carrier", r.Carrier),
				chromedp.SendKeys("#pnum", r.Phone), chromedp.Click(`#phone-form button`), chromedp.WaitVisible("#code"))
			webDo(t, ctx, chromedp.SendKeys("#code", smsCode(t, in, r.Phone)), chromedp.Click(`#code-form button`))
			waitFor(t, ctx, "verified and on the search page", `location.pathname === "/sites" && document.getElementById("from").value !== ""`, 15*time.Second)

			webDo(t, ctx, chromedp.SetValue("#from", tc.from), chromedp.SetValue("#to", "2021-09-07"), chromedp.Click(`#search button`))
			waitFor(t, ctx, "sites with places", `!!document.querySelector("#results button")`, 15*time.Second)
			fits(t, ctx)
			browsertest.Screenshot(t, ctx, "3-sites")
			webDo(t, ctx, chromedp.Click(`#results button`))
			waitFor(t, ctx, "confirmation", `location.pathname === "/done" && document.getElementById("resv").textContent.includes("`+tc.second+`")`, 15*time.Second)
			fits(t, ctx)
			browsertest.Screenshot(t, ctx, "4-done")
			text, err := chromedp.Run(ctx, chromedp.Text("#resv"))
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`2021-\d\d-\d\d[\s\S]*2021-\d\d-\d\d`).MatchString(text) {
				t.Errorf("confirmation does not show both doses: %q", text)
			}

			webDo(t, ctx, chromedp.Navigate(in.base+"/mine"))
			waitFor(t, ctx, "my reservation", `document.getElementById("resv").textContent.includes("`+tc.second+`")`, 10*time.Second)
			change, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("change").offsetParent !== null`))
			if err != nil || change != tc.changeable {
				t.Errorf("change offered = %v, want %v (%v)", change, tc.changeable, err)
			}
			if why, _ := chromedp.Run(ctx, chromedp.Text("#change-why")); !strings.Contains(why, tc.why) || (tc.why == "") != (why == "") {
				t.Errorf("the page explains %q, want %q", why, tc.why)
			}
			fits(t, ctx)
			browsertest.Screenshot(t, ctx, "5-mine")
		})
	}
}
