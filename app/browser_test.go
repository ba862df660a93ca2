package app

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vaxbook/browsertest"
	"vaxbook/identity"
)

// TestCertificateSignInInTheBrowser opens the demo's certificate page in Chromium: the
// page goes through the waiting room, imports a development key with WebCrypto, signs
// the server's challenge and is verified as the demo resident.
func TestCertificateSignInInTheBrowser(t *testing.T) {
	ctx := browsertest.Context(t)
	in := startServe(t, "--demo", "--demo-sites", "30", "--database", filepath.Join(t.TempDir(), "vaxbook.db"), "--now", "2021-08-12T20:05:00+09:00")
	r := demoResident()
	if err := chromedp.Do(ctx, chromedp.Navigate(in.base+"/demo/cert.html?phone="+r.Phone)); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	done, err := chromedp.Run(wait, chromedp.Poll[bool](`document.getElementById("out").textContent.includes("verified") || document.getElementById("out").textContent.includes("error")`))
	if err != nil || !done {
		t.Fatalf("page did not finish: %v", err)
	}
	out, err := chromedp.Run(ctx, chromedp.Text("#out"))
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "verified")
	if !strings.Contains(out, "verified: "+r.Name) {
		t.Errorf("page says %q, want the demo resident verified", out)
	}
}

// digits is a date as the 8 digits the pages ask people to type ("19810712").
func digits(d string) string { return strings.ReplaceAll(d, "-", "") }

// verifyByPhone plays the phone verification on /verify: phone is first in the list,
// then the consent, the details typed as a person would (birth as 8 digits), and code,
// or the code from the development carrier when code is empty.
func verifyByPhone(t *testing.T, ctx context.Context, in *instance, r identity.Subscriber, code string) {
	t.Helper()
	waitFor(t, ctx, "the method list with the phone first", `!!document.querySelector("#methods li:first-child #use-phone")`, 30*time.Second)
	webDo(t, ctx, chromedp.Click("#use-phone"), chromedp.Click("#consent-yes"), chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", r.Name), chromedp.SetValue("#pbirth", digits(r.Birth.String())),
		chromedp.SendKeys("#digit7", strconv.Itoa(r.Digit7)), chromedp.SetValue("#carrier", r.Carrier),
		chromedp.SendKeys("#pnum", r.Phone), chromedp.Click(`#phone-form button[type=submit]`))
	waitFor(t, ctx, "the code form", `!document.getElementById("code-form").hidden || !document.getElementById("error-summary").hidden`, 15*time.Second)
	if code == "" {
		if hidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("code-form").hidden`)); hidden {
			return // refused before a code was sent; the caller checks the summary
		}
		code = smsCode(t, in, r.Phone)
	}
	webDo(t, ctx, chromedp.SetValue("#code", code), chromedp.Click(`#code-form button[type=submit]`))
}

// summaryShown checks the error summary is on screen, inside the viewport, holds the
// keyboard focus and says want: the GOV.UK pattern, so a message is where the eye is
// on a small phone whatever was tapped.
func summaryShown(t *testing.T, ctx context.Context, step, want string) {
	t.Helper()
	waitFor(t, ctx, "the error summary for "+step, `!document.getElementById("error-summary").hidden`, 15*time.Second)
	type box struct {
		Top, Bottom, Height float64
		Viewport            float64
		Focused             string
		Text                string
	}
	b, err := chromedp.Run(ctx, chromedp.Evaluate[box](`(() => {
		const s = document.getElementById("error-summary");
		const r = s.getBoundingClientRect();
		return { Top: r.top, Bottom: r.bottom, Height: r.height, Viewport: window.innerHeight,
			Focused: document.activeElement ? document.activeElement.id : "", Text: s.innerText };
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if b.Height == 0 || b.Top < 0 || b.Bottom > b.Viewport {
		t.Errorf("%s: summary at %.0f–%.0f px is not inside the %.0f px viewport", step, b.Top, b.Bottom, b.Viewport)
	}
	if b.Focused != "error-summary" {
		t.Errorf("%s: focus is on %q, not on the error summary", step, b.Focused)
	}
	if !strings.Contains(b.Text, want) {
		t.Errorf("%s: summary says %q, want %q", step, b.Text, want)
	}
	fits(t, ctx)
	viewShot(t, ctx, step)
}

// viewShot saves what a person sees on the screen (the viewport, not the whole page)
// under testdata/output/, for people to look at.
func viewShot(t *testing.T, ctx context.Context, step string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", step, err)
		return
	}
	dir := filepath.Join("testdata", "output")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Error(err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(t.Name())+"-"+step+".png"), png, 0o644); err != nil {
		t.Error(err)
	}
}

// stubProblem makes the page's next request whose method and path match answer with
// the problem code, as the API would, for refusals a test cannot cause on demand
// (share_full needs a race with another person for the last place).
func stubProblem(t *testing.T, ctx context.Context, method, path, code string, status int) {
	t.Helper()
	stubProblemAt(t, ctx, method, path, code, status, "")
}

// stubProblemAt is stubProblem with the problem's retry_at (RFC 3339), when not empty.
func stubProblemAt(t *testing.T, ctx context.Context, method, path, code string, status int, retryAt string) {
	t.Helper()
	js := `(() => {
		const real = window.fetch;
		window.fetch = (u, init) => {
			if (String(u).includes(` + strconv.Quote(path) + `) && init && init.method === ` + strconv.Quote(method) + `) {
				window.fetch = real;
				return Promise.resolve(new Response(JSON.stringify({ type: "about:blank", title: "", status: ` + strconv.Itoa(status) + `, detail: "", code: ` + strconv.Quote(code) + `, retry_at: ` + strconv.Quote(retryAt) + ` || undefined }),
					{ status: ` + strconv.Itoa(status) + `, headers: { "Content-Type": "application/problem+json" } }));
			}
			return real(u, init);
		};
		return true;
	})()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil {
		t.Fatal(err)
	}
}
