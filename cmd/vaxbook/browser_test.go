package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vaxbook/browsertest"
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
