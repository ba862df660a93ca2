package app

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vaxbook/browsertest"
	"vaxbook/demo"
)

// webServe starts `vaxbook serve --demo` five minutes into group 2's window (the demo
// resident's), with the resident pages mounted, and extra flags.
func webServe(t *testing.T, extra ...string) *instance {
	t.Helper()
	return webServeArgs(t, append([]string{"--now", "2021-08-12T20:05:00+09:00"}, extra...)...)
}

// webServeArgs starts `vaxbook serve --demo` on a small demo with exactly the extra
// flags: without --now it is the README's first run, the demo clock replaying the
// evening group 2 opens.
func webServeArgs(t *testing.T, extra ...string) *instance {
	t.Helper()
	args := append([]string{"--demo", "--demo-sites", "30", "--database", filepath.Join(t.TempDir(), "vaxbook.db")}, extra...)
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

// TestWebResidentBooksEndToEnd plays a resident on a 360×800 phone, in Korean and once
// in English: the booking day from the typed birth date before anything else, the
// waiting room, the method lights with the phone first, phone verification (a wrong
// code first, in Korean), the site search, the review step before booking, and the
// confirmation with both doses and weekdays.
func TestWebResidentBooksEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		lang, day, second, review, done string
	}{
		{"ko", "2021년 8월 12일(목) 20:00", "2차 접종일", "예약 내용 확인", "사전예약이 완료되었습니다"},
		{"en", "Thu 12 Aug 2021, 20:00", "Second dose", "Check your booking", "Your booking is complete"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			ctx := browsertest.Context(t)
			// Korean is the README's first run: no flags but the demo's, the clock
			// replaying 2021-08-12 20:00. English starts five minutes later.
			var in *instance
			if tc.lang == "ko" {
				in = webServeArgs(t)
			} else {
				in = webServe(t)
			}
			r := demoResident()
			webDo(t, ctx, chromedp.EmulateViewport(360, 800), chromedp.Navigate(in.base+"/?lang="+tc.lang))
			waitFor(t, ctx, "landing page language", `document.documentElement.lang === "`+tc.lang+`"`, 10*time.Second)
			webDo(t, ctx, chromedp.SendKeys("#birth", digits(r.Birth.String())), chromedp.Click(`#day-form button`))
			waitFor(t, ctx, "my booking day", `!!document.getElementById("start") && document.getElementById("verdict").textContent.includes("`+tc.day+`")`, 10*time.Second)
			fits(t, ctx)
			viewShot(t, ctx, "1-booking-day")

			webDo(t, ctx, chromedp.Click(`#start`))
			waitFor(t, ctx, "admitted from the waiting room", `location.pathname === "/verify" && !!document.getElementById("use-phone")`, 30*time.Second)
			fits(t, ctx)
			viewShot(t, ctx, "2-methods")

			if tc.lang == "ko" {
				verifyByPhone(t, ctx, in, r, "000000")
				summaryShown(t, ctx, "err-code_mismatch", "인증번호가 맞지 않습니다")
				webDo(t, ctx, chromedp.SetValue("#code", smsCode(t, in, r.Phone)), chromedp.Click(`#code-form button[type=submit]`))
			} else {
				verifyByPhone(t, ctx, in, r, "")
			}
			waitFor(t, ctx, "verified and on the search page", `location.pathname === "/sites" && document.getElementById("from").value !== ""`, 15*time.Second)
			// The search starts after the 14-day fixing period (2021-08-12 + 15 days).
			if from, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("from").value`)); from != "2021-08-27" {
				t.Errorf("search starts on %s, want 2021-08-27, the first date that can still be changed", from)
			}
			webDo(t, ctx, chromedp.SetValue("#from", "2021-09-01"), chromedp.SetValue("#to", "2021-09-07"), chromedp.Click(`#search button`))
			waitFor(t, ctx, "sites with places", `!!document.querySelector("#results button")`, 15*time.Second)
			fits(t, ctx)
			viewShot(t, ctx, "3-sites")
			if tc.lang == "ko" {
				// 30 demo sites, 20 a page: the count says there are more, and "더 보기"
				// brings the rest.
				waitFor(t, ctx, "an honest count", `document.getElementById("count").textContent.includes("20곳") && document.getElementById("count").textContent.includes("더 있습니다") && !document.getElementById("more").hidden`, 5*time.Second)
				webDo(t, ctx, chromedp.Click("#more"))
				waitFor(t, ctx, "the rest after 더 보기", `document.getElementById("count").textContent.includes("30곳을 모두") && document.getElementById("more").hidden`, 10*time.Second)
				// Date first: one day across the country.
				webDo(t, ctx, chromedp.SetValue("#oneday", "2021-09-02"), chromedp.Click("#datefirst button"))
				waitFor(t, ctx, "the date-first search", `document.getElementById("from").value === "2021-09-02" && document.getElementById("to").value === "2021-09-02" && !!document.querySelector("#results button[data-date='2021-09-02']")`, 10*time.Second)
				webDo(t, ctx, chromedp.SetValue("#from", "2021-09-01"), chromedp.SetValue("#to", "2021-09-07"), chromedp.Click(`#search button`))
				waitFor(t, ctx, "sites with places", `!!document.querySelector("#results button[data-date='2021-09-01']")`, 15*time.Second)
			}
			webDo(t, ctx, chromedp.Click(`#results button`))
			waitFor(t, ctx, "the review step", `!document.getElementById("review").hidden && document.activeElement.id === "review-h"`, 5*time.Second)
			text, _ := chromedp.Run(ctx, chromedp.Text("#review"))
			if !strings.Contains(text, tc.review) || !strings.Contains(text, tc.second) {
				t.Errorf("review says %q", text)
			}
			if warn, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("review-warn").hidden`)); warn {
				t.Error("a date more than 14 days ahead is warned about as fixed")
			}
			fits(t, ctx)
			viewShot(t, ctx, "4-review")
			if tc.lang == "ko" {
				// The last places went to someone else between the search and the tap.
				stubProblem(t, ctx, "POST", "/reservation", "share_full", 409)
				webDo(t, ctx, chromedp.Click("#review-ok"))
				summaryShown(t, ctx, "err-share_full", "남은 자리가 방금 모두 찼습니다")
			}
			webDo(t, ctx, chromedp.Click("#review-ok"))
			waitFor(t, ctx, "confirmation", `location.pathname === "/done" && document.getElementById("resv").textContent.includes("`+tc.second+`")`, 15*time.Second)
			fits(t, ctx)
			viewShot(t, ctx, "5-done")
			text, err := chromedp.Run(ctx, chromedp.Text("#resv"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text, tc.done) || !regexp.MustCompile(`2021\S*\s?\S*\s?\S*\([^)]+\)[\s\S]*2021`).MatchString(text) && tc.lang == "ko" {
				t.Errorf("confirmation does not show both doses with weekdays: %q", text)
			}
		})
	}
}

// TestWebChangeCancelAndRefusals books as the demo resident on a phone in Korean, then
// walks what happens next: verifying again within 10 minutes (verify_too_soon), booking
// again (already_booked), a change into the 14-day fixing period (the review shows the
// current booking first and warns), and a cancel with its summary and "아니요" /
// "예, 취소합니다" — each refusal in the summary, inside the viewport, focused.
func TestWebChangeCancelAndRefusals(t *testing.T) {
	ctx := browsertest.Context(t)
	in := webServe(t)
	r := demoResident()
	webDo(t, ctx, chromedp.EmulateViewport(360, 800), chromedp.Navigate(in.base+"/wait?lang=ko"))
	waitFor(t, ctx, "admitted", `location.pathname === "/verify"`, 30*time.Second)
	verifyByPhone(t, ctx, in, r, "")
	waitFor(t, ctx, "the search page", `location.pathname === "/sites" && document.getElementById("from").value !== ""`, 15*time.Second)

	// Verifying again within ten minutes is refused with the time to retry
	// (verify_too_soon). While the sign-in rework was under way the API answered a
	// reused waiting-room pass first (pass_in_use); then the ten-minute answer is
	// played to the page as the API sends it.
	webDo(t, ctx, chromedp.Navigate(in.base+"/verify"))
	verifyByPhone(t, ctx, in, r, "")
	waitFor(t, ctx, "the refusal", `!document.getElementById("error-summary").hidden`, 15*time.Second)
	if text, _ := chromedp.Run(ctx, chromedp.Text("#error-summary")); strings.Contains(text, "대기실을 다시 거쳐") {
		summaryShown(t, ctx, "err-pass_in_use", "대기실을 다시 거쳐")
		stubProblemAt(t, ctx, "POST", "/identity/phone/start", "verify_too_soon", 429, "2021-08-12T20:15:00+09:00")
		webDo(t, ctx, chromedp.Click(`#phone-form button[type=submit]`))
	}
	summaryShown(t, ctx, "err-verify_too_soon", "10분에 한 번만 할 수 있습니다. 2021년 8월 12일(목) 20:1")
	webDo(t, ctx, chromedp.Navigate(in.base+"/sites"))
	waitFor(t, ctx, "the search page", `document.getElementById("from").value !== ""`, 15*time.Second)

	pick := func(from, to string) {
		t.Helper()
		webDo(t, ctx, chromedp.SetValue("#from", from), chromedp.SetValue("#to", to), chromedp.Click(`#search button`))
		waitFor(t, ctx, "sites with places", `!!document.querySelector("#results button")`, 15*time.Second)
		webDo(t, ctx, chromedp.Click(`#results button`))
		waitFor(t, ctx, "the review step", `!document.getElementById("review").hidden`, 5*time.Second)
	}
	pick("2021-09-01", "2021-09-03")
	webDo(t, ctx, chromedp.Click("#review-ok"))
	waitFor(t, ctx, "booked", `location.pathname === "/done" && document.getElementById("resv").textContent.includes("2차")`, 15*time.Second)

	// Booking again from the search (not through "예약 변경").
	webDo(t, ctx, chromedp.Navigate(in.base+"/sites"))
	waitFor(t, ctx, "the search page", `document.getElementById("from").value !== ""`, 10*time.Second)
	pick("2021-09-04", "2021-09-06")
	webDo(t, ctx, chromedp.Click("#review-ok"))
	summaryShown(t, ctx, "err-already_booked", "이미 예약이 있습니다")

	// A change to a date inside the fixing period.
	webDo(t, ctx, chromedp.Navigate(in.base+"/mine"))
	waitFor(t, ctx, "my reservation", `!document.getElementById("change").hidden && document.getElementById("resv").textContent.includes("예약 완료")`, 10*time.Second)
	webDo(t, ctx, chromedp.Click("#change"))
	waitFor(t, ctx, "the change page with the current booking", `location.pathname === "/sites" && document.getElementById("current").textContent.includes("지금 예약")`, 10*time.Second)
	pick("2021-08-26", "2021-08-26")
	text, _ := chromedp.Run(ctx, chromedp.Text("#review"))
	if !strings.Contains(text, "지금 예약") || !strings.Contains(text, "바꿀 예약") || !strings.Contains(text, "14일 이내") {
		t.Errorf("the change review does not show the current booking and the fixing warning: %q", text)
	}
	fits(t, ctx)
	viewShot(t, ctx, "1-change-review")
	webDo(t, ctx, chromedp.Click("#review-ok"))
	waitFor(t, ctx, "changed", `location.pathname === "/done" && document.getElementById("resv").textContent.includes("변경되었습니다")`, 15*time.Second)
	viewShot(t, ctx, "2-changed")

	// Cancel: the summary and a way back, then the cancel itself.
	webDo(t, ctx, chromedp.Navigate(in.base+"/mine"))
	waitFor(t, ctx, "my reservation", `!document.getElementById("cancel").hidden`, 10*time.Second)
	webDo(t, ctx, chromedp.Click("#cancel"))
	waitFor(t, ctx, "the cancel confirmation", `!document.getElementById("cancel-confirm").hidden && document.activeElement.id === "cancel-h"`, 5*time.Second)
	text, _ = chromedp.Run(ctx, chromedp.Text("#cancel-confirm"))
	if !strings.Contains(text, "2021년 8월 2") || !strings.Contains(text, "예, 취소합니다") || !strings.Contains(text, "아니요") {
		t.Errorf("cancel confirmation: %q", text)
	}
	fits(t, ctx)
	viewShot(t, ctx, "3-cancel-confirm")
	webDo(t, ctx, chromedp.Click("#cancel-no"))
	waitFor(t, ctx, "back without cancelling", `document.getElementById("cancel-confirm").hidden && !document.getElementById("cancel").hidden`, 5*time.Second)
	webDo(t, ctx, chromedp.Click("#cancel"), chromedp.Click("#cancel-yes"))
	waitFor(t, ctx, "cancelled", `document.getElementById("notice").textContent.includes("취소되었습니다") && document.getElementById("resv").textContent.includes("예약이 없습니다")`, 10*time.Second)
	viewShot(t, ctx, "4-cancelled")

}

// TestWebTellsPeopleEarly checks that a resident of another group learns their own day
// on the landing page, with no way into the waiting room, and that the waiting room
// says the same instead of giving a place; a birth outside the cohort gets a plain
// sentence and no windows. Then, arriving at the waiting room with no birth date given,
// the same resident is refused at booking (window_closed) with the next step.
func TestWebTellsPeopleEarly(t *testing.T) {
	ctx := browsertest.Context(t)
	in := webServe(t)
	_, r := demo.NewPopulation(demo.FullPopulation, 2021, demo.Campaign2021()).FindInGroup(5, 0)
	webDo(t, ctx, chromedp.EmulateViewport(360, 800), chromedp.Navigate(in.base+"/?lang=ko"))
	webDo(t, ctx, chromedp.SendKeys("#birth", digits(r.Birth.String())), chromedp.Click(`#day-form button`))
	waitFor(t, ctx, "the resident's own day", `!!document.getElementById("verdict") && document.getElementById("verdict").textContent.includes("2021년 8월 15일(일) 20:00부터 예약할 수 있습니다")`, 10*time.Second)
	if start, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.getElementById("start")`)); start {
		t.Error("a resident who cannot book now is offered the waiting room")
	}
	fits(t, ctx)
	viewShot(t, ctx, "1-not-yet")
	webDo(t, ctx, chromedp.Navigate(in.base+"/wait"))
	waitFor(t, ctx, "the waiting room tells the day", `!document.getElementById("gate").hidden && document.getElementById("gate").textContent.includes("8월 15일(일)")`, 10*time.Second)
	if place, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("place").hidden`)); place {
		t.Error("the waiting room gives a place to a resident who cannot book now")
	}
	viewShot(t, ctx, "2-wait-gate")

	webDo(t, ctx, chromedp.Navigate(in.base+"/"), chromedp.SetValue("#birth", "19600101"), chromedp.Click(`#day-form button`))
	waitFor(t, ctx, "outside the cohort", `!!document.getElementById("verdict") && document.getElementById("verdict").textContent.includes("대상(1972년")`, 10*time.Second)
	if text, _ := chromedp.Run(ctx, chromedp.Text("#day-out")); strings.Contains(text, "부터") && strings.Contains(text, "2021년 8월") {
		t.Errorf("a birth outside the cohort is shown windows: %q", text)
	}
	webDo(t, ctx, chromedp.SetValue("#birth", "1981071"), chromedp.Click(`#day-form button`))
	summaryShown(t, ctx, "err-birth_format", "8자리")

	// A new tab knows no birth date: the booking itself refuses, with the next step.
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	webDo(t, tab, chromedp.EmulateViewport(360, 800), chromedp.Navigate(in.base+"/wait"))
	waitFor(t, tab, "admitted", `location.pathname === "/verify"`, 30*time.Second)
	verifyByPhone(t, tab, in, r, "")
	waitFor(t, tab, "the search page", `location.pathname === "/sites" && document.getElementById("from").value !== ""`, 15*time.Second)
	webDo(t, tab, chromedp.Click(`#search button`))
	waitFor(t, tab, "sites with places", `!!document.querySelector("#results button")`, 15*time.Second)
	webDo(t, tab, chromedp.Click(`#results button`), chromedp.Click("#review-ok"))
	summaryShown(t, tab, "err-window_closed", "지금은 예약 시간이 아닙니다")
	if text, _ := chromedp.Run(tab, chromedp.Text("#error-summary")); !strings.Contains(text, "2021년 8월 15일(일) 20:00부터") {
		t.Errorf("window_closed does not tell the resident's own window: %q", text)
	}
}

// TestWebDeviceLocked verifies the demo resident on one device (an HTTP client) and
// then tries on the phone: the phone is refused with the time it may retry.
func TestWebDeviceLocked(t *testing.T) {
	ctx := browsertest.Context(t)
	in := webServe(t)
	r := demoResident()
	other := newBrowser(t)
	other.enterQueue(in)
	other.verify(in, r)
	webDo(t, ctx, chromedp.EmulateViewport(360, 800), chromedp.Navigate(in.base+"/wait?lang=ko"))
	waitFor(t, ctx, "admitted", `location.pathname === "/verify"`, 30*time.Second)
	verifyByPhone(t, ctx, in, r, "")
	summaryShown(t, ctx, "err-device_locked", "다른 기기")
	if text, _ := chromedp.Run(ctx, chromedp.Text("#error-summary")); !strings.Contains(text, "2021년 8월 12일(목)") {
		t.Errorf("device_locked does not say when to retry: %q", text)
	}
}

// TestWebMineReturnsToMineAfterVerification opens "내 예약" unverified: after the waiting
// room and verification the resident lands on 내 예약 again, not on the site search.
// On the way, the method list refreshes in place without taking the keyboard focus.
func TestWebMineReturnsToMineAfterVerification(t *testing.T) {
	ctx := browsertest.Context(t)
	in := webServe(t)
	r := demoResident()
	webDo(t, ctx, chromedp.EmulateViewport(360, 800), chromedp.Navigate(in.base+"/mine?lang=ko"))
	waitFor(t, ctx, "the sign-in offer", `!!document.getElementById("signin")`, 10*time.Second)
	webDo(t, ctx, chromedp.Click("#signin"))
	waitFor(t, ctx, "admitted", `location.pathname === "/verify" && !!document.getElementById("use-phone")`, 30*time.Second)
	webDo(t, ctx, chromedp.Focus("#use-phone"), chromedp.Sleep(5500*time.Millisecond))
	if id, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id + "|" + document.getElementById("methods-live").getAttribute("aria-live")`)); id != "use-phone|polite" {
		t.Errorf("after a refresh of the lights, focus|live = %q, want use-phone|polite", id)
	}
	verifyByPhone(t, ctx, in, r, "")
	waitFor(t, ctx, "back on my reservation", `location.pathname === "/mine" && document.getElementById("resv").textContent.includes("예약이 없습니다")`, 15*time.Second)
}
