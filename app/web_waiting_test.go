package app

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"vaxbook/browsertest"
)

var webOperatorToken = strings.Repeat("o", 40)

// adminCall sends an operator request with the test's bearer token.
func adminCall(t *testing.T, in *instance, method, path, body string) {
	t.Helper()
	req, _ := http.NewRequest(method, in.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+webOperatorToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d", method, path, resp.StatusCode)
	}
}

// position reads the place the waiting page shows, once it shows one.
func position(t *testing.T, read func() (string, error)) int {
	t.Helper()
	s, err := read()
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		t.Fatalf("position %q is not a number", s)
	}
	return n
}

// TestWebWaitingPageKeepsThePlaceOnRefresh pauses admission, puts two people in line
// ahead, and checks that the waiting page shows the same place, and says admission is
// paused, before and after a reload (rule 9: nobody loses their place by refreshing).
func TestWebWaitingPageKeepsThePlaceOnRefresh(t *testing.T) {
	ctx := browsertest.Context(t)
	in := webServe(t, "--operator-token", webOperatorToken)
	adminCall(t, in, "POST", "/api/v1/admin/queue/pause", "")
	ahead := []*browser{newBrowser(t), newBrowser(t)}
	for _, b := range ahead {
		b.post(in.base+"/api/v1/queue/join", nil)
	}
	time.Sleep(1100 * time.Millisecond) // the confirming join comes after a delay
	for _, b := range ahead {
		if st, body := b.post(in.base+"/api/v1/queue/join", nil); st != 200 {
			t.Fatalf("join: %d %v", st, body)
		}
	}
	read := func() (string, error) { return chromedp.Run(ctx, chromedp.Text("#position")) }
	shown := `/^\d+$/.test(document.getElementById("position").textContent) && document.getElementById("state").textContent !== ""`

	webDo(t, ctx, chromedp.Navigate(in.base+"/wait?lang=en"))
	waitFor(t, ctx, "a place in line", shown, 20*time.Second)
	before := position(t, read)
	if before != 3 {
		t.Errorf("third in line is shown at position %d", before)
	}
	browsertest.Screenshot(t, ctx, "1-before-reload")

	webDo(t, ctx, chromedp.Reload())
	waitFor(t, ctx, "a place in line after reload", shown, 20*time.Second)
	if after := position(t, read); after != before {
		t.Errorf("position %d before the reload, %d after", before, after)
	}
	state, _ := chromedp.Run(ctx, chromedp.Text("#state"))
	if !strings.Contains(state, "paused") {
		t.Errorf("the waiting page does not say admission is paused: %q", state)
	}
	browsertest.Screenshot(t, ctx, "2-after-reload")
}

// TestWebOperatorPausesAdmissionFromTheDashboard signs in to the dashboard with the
// operator token, pauses admission with its button, and checks that a resident's waiting
// page (another tab) says admission is paused, in Korean.
func TestWebOperatorPausesAdmissionFromTheDashboard(t *testing.T) {
	ops := browsertest.Context(t)
	in := webServe(t, "--operator-token", webOperatorToken)
	webDo(t, ops, chromedp.Navigate(in.base+"/ops?lang=ko"),
		chromedp.SendKeys("#token", webOperatorToken), chromedp.Click(`#signin button`))
	waitFor(t, ops, "the dashboard", `!document.getElementById("board").hidden && document.querySelectorAll("#chart-queue polyline").length === 2`, 15*time.Second)
	webDo(t, ops, chromedp.Click("#pause"))
	waitFor(t, ops, "paused on the dashboard", `document.body.dataset.paused === "1"`, 10*time.Second)
	browsertest.Screenshot(t, ops, "1-dashboard-paused")

	resident, cancel := chromedp.NewContext(ops) // a second tab in the same browser
	defer cancel()
	webDo(t, resident, chromedp.Navigate(in.base+"/wait?lang=ko"))
	waitFor(t, resident, "paused on the waiting page", `document.getElementById("state").textContent.includes("잠시 입장이 멈췄습니다")`, 20*time.Second)
	browsertest.Screenshot(t, resident, "2-waiting-paused")

	webDo(t, ops, chromedp.Click("#resume"))
	waitFor(t, ops, "resumed on the dashboard", `document.body.dataset.paused === "0"`, 10*time.Second)
}

// TestWebWaitingRoomExplainsAMissedTurn holds a place on a phone while admission is
// paused, then loses it the way a phone asleep at its turn does (the place lapses: here
// the cookies are gone, so the server no longer knows the ticket), and checks that the
// page explains it and offers to line up again instead of silently rejoining at the
// back.
func TestWebWaitingRoomExplainsAMissedTurn(t *testing.T) {
	ctx := browsertest.Context(t)
	in := webServe(t, "--operator-token", webOperatorToken)
	adminCall(t, in, "POST", "/api/v1/admin/queue/pause", "")
	webDo(t, ctx, chromedp.EmulateViewport(360, 800), chromedp.Navigate(in.base+"/wait?lang=ko"))
	waitFor(t, ctx, "a place in line", `/^\d+$/.test(document.getElementById("position").textContent)`, 20*time.Second)
	text, _ := chromedp.Run(ctx, chromedp.Text("main"))
	if !strings.Contains(text, "이 화면을 켜 둔 채로") || !strings.Contains(text, "잠시 입장이 멈췄습니다") {
		t.Errorf("the waiting page does not ask to keep the screen open or say entry paused: %q", text)
	}
	viewShot(t, ctx, "1-waiting-paused")
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the missed turn explained", `!document.getElementById("missed").hidden && document.activeElement.id === "missed"`, 30*time.Second)
	text, _ = chromedp.Run(ctx, chromedp.Text("#missed"))
	if !strings.Contains(text, "순번이 지나갔습니다") || !strings.Contains(text, "다시 줄 서기") {
		t.Errorf("missed turn: %q", text)
	}
	fits(t, ctx)
	viewShot(t, ctx, "2-missed-turn")
	adminCall(t, in, "POST", "/api/v1/admin/queue/resume", "")
	webDo(t, ctx, chromedp.Click("#rejoin"))
	waitFor(t, ctx, "admitted after lining up again", `location.pathname === "/verify"`, 30*time.Second)
}
