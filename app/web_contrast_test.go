package app

import (
	"testing"

	"github.com/chromedp/chromedp"

	"vaxbook/browsertest"
)

// contrastJS measures, in the browser, the contrast of every visible element that
// holds text against the background it is drawn on, and lists those below WCAG AA:
// 4.5:1 for body text, 3:1 for large text (24 px, or 18.66 px bold).
const contrastJS = `(() => {
  const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c;
    }
    return [255, 255, 255];
  };
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!text || el.getClientRects().length === 0 || el.closest(".skip")) continue;
    const cs = getComputedStyle(el);
    const a = lum(rgb(cs.color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
    const need = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
    if (ratio < need) bad.push(el.tagName + " " + JSON.stringify(el.textContent.trim().slice(0, 40)) + " " + ratio.toFixed(2));
  }
  return bad;
})()`

// TestWebPagesMeetContrast opens every page in Korean and in English and fails on any
// text below WCAG AA contrast, as the browser draws it.
func TestWebPagesMeetContrast(t *testing.T) {
	ctx := browsertest.Context(t)
	in := webServe(t)
	for _, lang := range []string{"ko", "en"} {
		for _, page := range []string{"/", "/wait", "/verify", "/sites", "/done", "/mine", "/standby", "/ops", "/clinic"} {
			if err := chromedp.Do(ctx, chromedp.Navigate(in.base+page+"?lang="+lang)); err != nil {
				t.Fatal(err)
			}
			bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](contrastJS))
			if err != nil {
				t.Fatalf("%s: %v", page, err)
			}
			for _, b := range bad {
				t.Errorf("%s (%s): contrast below AA: %s", page, lang, b)
			}
		}
	}
}
