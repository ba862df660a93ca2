package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vaxbook/browsertest"
)

// TestWebOperatorImportsFilesAndSeesRates signs in to the dashboard, uploads a
// capacities file with one bad line (the report names the line and nothing is applied),
// then a good sites file (the page says how many lines were applied), and checks the
// booking-rate chart draws one bar per group, with the campaign's windows and the dead
// letters' count shown.
func TestWebOperatorImportsFilesAndSeesRates(t *testing.T) {
	ctx := browsertest.Context(t)
	in := webServe(t, "--operator-token", webOperatorToken)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badCaps := write("capacities.csv", "site_id,date,quantity\n1,2021-08-26,40\n1,2021-08-32,40\n")
	goodSites := write("sites.csv", "id,name,province,district,address,kind\n9001,시험의원,서울특별시,종로구,종로 1,clinic\n9002,시험센터,부산광역시,중구,중앙대로 2,centre\n")

	eligible := write("eligible.csv", "birth_year,group,province,count\n1980,1,서울특별시,1000\n1990,2,서울특별시,2000\n1985,3,부산광역시,500\n")

	webDo(t, ctx, chromedp.Navigate(in.base+"/ops?lang=en"),
		chromedp.SendKeys("#token", webOperatorToken), chromedp.Click(`#signin button`))
	waitFor(t, ctx, "the dashboard", `!document.getElementById("board").hidden`, 15*time.Second)
	waitFor(t, ctx, "the booking windows", `document.querySelectorAll("#windows tbody tr").length > 0`, 15*time.Second)
	waitFor(t, ctx, "10 group bars", `document.querySelectorAll("#chart-group rect.bar").length === 10`, 15*time.Second)
	waitFor(t, ctx, "the dead letters' count", `/\d/.test(document.getElementById("ob-count").textContent)`, 15*time.Second)
	bars, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#chart-group text")].map((e) => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	// No eligible counts yet: every bar writes "—", not a made-up 0.0 % (and never
	// colour or length alone).
	if dash := strings.Count(strings.Join(bars, " "), "—"); dash != 10 || strings.Contains(strings.Join(bars, " "), "%") {
		t.Errorf("before eligible counts the group chart writes %d dashes, want 10 and no percentage: %q", dash, bars)
	}
	browsertest.Screenshot(t, ctx, "1-dashboard")

	// A capacities file with a bad date on line 3: rejected whole, the line named.
	webDo(t, ctx, chromedp.SetValue("#imp-kind", "capacities"),
		chromedp.SetUploadFiles("#imp-file", []string{badCaps}), chromedp.Click(`#import-form button`))
	waitFor(t, ctx, "the validation report", `document.querySelectorAll("#imp-errors li").length > 0`, 15*time.Second)
	errs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#imp-errors li")].map((e) => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "line 3") || !strings.Contains(errs[0], "date") {
		t.Errorf("the report does not name line 3's date: %q", errs)
	}
	if res, _ := chromedp.Run(ctx, chromedp.Text("#imp-result")); !strings.Contains(res, "Nothing was applied") {
		t.Errorf("the page does not say nothing was applied: %q", res)
	}
	browsertest.Screenshot(t, ctx, "2-import-rejected")

	// A good sites file: applied, the report cleared.
	webDo(t, ctx, chromedp.SetValue("#imp-kind", "sites"),
		chromedp.SetUploadFiles("#imp-file", []string{goodSites}), chromedp.Click(`#import-form button`))
	waitFor(t, ctx, "the sites applied", `document.getElementById("imp-result").textContent.includes("applied")`, 15*time.Second)
	if res, _ := chromedp.Run(ctx, chromedp.Text("#imp-result")); !strings.Contains(res, "2 lines applied") {
		t.Errorf("result = %q, want 2 lines applied", res)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#imp-errors li").length`)); n != 0 {
		t.Errorf("%d old errors still listed after a good file", n)
	}
	browsertest.Screenshot(t, ctx, "3-import-applied")

	// Eligible counts: the rates are then drawn per province, still ten bars per group.
	webDo(t, ctx, chromedp.SetValue("#imp-kind", "eligible"),
		chromedp.SetUploadFiles("#imp-file", []string{eligible}), chromedp.Click(`#import-form button`))
	waitFor(t, ctx, "the eligible counts applied", `document.getElementById("imp-result").textContent.includes("3 lines applied")`, 15*time.Second)
	waitFor(t, ctx, "the province chart", `document.querySelectorAll("#chart-province rect.bar").length === 2 && document.querySelectorAll("#chart-group rect.bar").length === 10`, 15*time.Second)
	fits(t, ctx)
	browsertest.Screenshot(t, ctx, "4-rates")

	// The audit log holds the imports above and, first, this very reading of it.
	if err := chromedp.Do(ctx, chromedp.Click("#audit-load")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the audit log", `!document.getElementById("audit").hidden && document.querySelector("#audit tbody tr td:nth-child(3)").textContent === "view_audit_log" && document.getElementById("audit").textContent.includes("import")`, 15*time.Second)
	browsertest.Screenshot(t, ctx, "5-audit")
}
