// Package browsertest gives tests a headless Chromium from the system's packages,
// driven by chromedp. Tests skip when no browser is installed, unless REQUIRE_BROWSER=1
// makes that a failure (as in CI, which installs Debian's chromium).
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// Context returns a chromedp context on a fresh headless browser that ends with the
// test. Chromium runs without a sandbox (tests run as root), without background
// networking or component updates (the machines have no network), and with a user data
// directory of its own.
func Context(tb testing.TB) context.Context {
	tb.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("REQUIRE_BROWSER") == "1" {
			tb.Fatal("no Chromium installed and REQUIRE_BROWSER=1")
		}
		tb.Skip("no Chromium installed (set REQUIRE_BROWSER=1 to fail instead)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(tb.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

// Screenshot saves a full-page PNG of the current page under testdata/output/ of the
// test's package, named after the test and step, for people to look at.
func Screenshot(tb testing.TB, ctx context.Context, step string) {
	tb.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG; lower is JPEG
	if err != nil {
		tb.Errorf("screenshot %s: %v", step, err)
		return
	}
	dir := filepath.Join("testdata", "output")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Error(err)
		return
	}
	name := filepath.Join(dir, filepath.Base(tb.Name())+"-"+step+".png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		tb.Error(err)
	}
}
