package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vaxbook"
	"vaxbook/browsertest"
	"vaxbook/demo"
	"vaxbook/sqlite"
)

// opsDB makes a migrated SQLite file with the demo campaign and 20 sites, and returns
// its path and the open store; the caller closes the store before serving the file.
func opsDB(t *testing.T) (string, *sqlite.Store, int64) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "vaxbook.db")
	s, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	sum, err := demo.Load(t.Context(), s, demo.Options{Sites: 20, Seed: 2021})
	if err != nil {
		t.Fatal(err)
	}
	return db, s, sum.CampaignID
}

// bookAt stores a person without a phone born on birth and books them a place at the
// first site and date with room for their group (from the pool), made at at.
func bookAt(t *testing.T, s *sqlite.Store, campaignID int64, key string, birth vaxbook.Date, at time.Time) vaxbook.Reservation {
	t.Helper()
	ctx := t.Context()
	p := vaxbook.Person{Key: key, Name: "홍길동", Birth: birth}
	if err := s.PutPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	found, err := s.SearchSites(ctx, vaxbook.SiteQuery{CampaignID: campaignID, From: vaxbook.MustDate("2021-09-06"),
		To: vaxbook.MustDate("2021-09-30"), Group: vaxbook.GroupOf(birth), Pooled: true, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range found {
		for _, d := range a.Dates {
			if d.Remaining > 0 {
				res := s.Book(ctx, []vaxbook.BookRequest{{CampaignID: campaignID, PersonKey: key, SiteID: a.ID, Date: d.Date,
					SecondDate: d.Date.AddDays(42), Group: vaxbook.GroupOf(birth), Pooled: true, Status: vaxbook.StatusBooked, At: at}})[0]
				if res.Err != nil {
					t.Fatalf("book %s: %v", key, res.Err)
				}
				return res.Reservation
			}
		}
	}
	t.Fatal("no place left anywhere in September")
	return vaxbook.Reservation{}
}

// signInOps opens the dashboard in lang and signs in with the operator token.
func signInOps(t *testing.T, ctx context.Context, in *instance, lang string) {
	t.Helper()
	webDo(t, ctx, chromedp.Navigate(in.base+"/ops?lang="+lang),
		chromedp.SendKeys("#token", webOperatorToken), chromedp.Click(`#signin button`))
	waitFor(t, ctx, "the dashboard", `!document.getElementById("board").hidden`, 15*time.Second)
}

// texts returns the text of each element matching the selector.
func texts(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(`+jsString(sel)+`)].map((e) => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func jsString(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestWebOperatorCreatesACampaignAndEditsItsWindows fills in the campaign form on the
// dashboard: a first try with three mistakes shows each next to its field; the fixed
// form creates the campaign with the rotation days added; an edit of the demo campaign
// that would strand a booking made in group 2's window is refused with the reason shown
// under the windows; and the Korean page says the same in Korean.
func TestWebOperatorCreatesACampaignAndEditsItsWindows(t *testing.T) {
	ctx := browsertest.Context(t)
	db, s, campaignID := opsDB(t)
	bookAt(t, s, campaignID, "group-2-person", vaxbook.MustDate("1985-03-12"), vaxbook.MustDate("2021-08-12").At(20, 3))
	s.Close()
	in := startServe(t, "--demo", "--demo-sites", "20", "--database", db, "--now", "2021-08-12T20:05:00+09:00", "--operator-token", webOperatorToken)

	signInOps(t, ctx, in, "en")
	waitFor(t, ctx, "the campaign list", `document.querySelectorAll("#ce-pick option").length === 2`, 15*time.Second)
	set := func(id, v string) chromedp.Action[chromedp.Void] { return chromedp.SetValue("#"+id, v) }
	webDo(t, ctx, set("ce-cohort_from", "1962-01-01"), set("ce-cohort_to", "1971-12-31"),
		set("ce-vaccination_from", "2021-09-01"), set("ce-vaccination_to", "2021-10-31"), set("ce-second_dose_days", "28"),
		chromedp.Click("#ce-add"), chromedp.Click("#ce-add"), chromedp.Click("#ce-add"),
		set("ce-windows-0-opens", "2021-08-30T20:00"), set("ce-windows-0-closes", "2021-09-30T18:00"),
		set("ce-windows-1-group", "3"), set("ce-windows-1-opens", "2021-09-01T10:00"), set("ce-windows-1-closes", "2021-09-01T12:00"),
		set("ce-windows-2-group", "4"), set("ce-windows-2-opens", "2021-08-19T20:00"), set("ce-windows-2-closes", "2021-11-05T18:00"),
		set("ce-rotation-first", "2021-08-20"), set("ce-rotation-last", "2021-08-29"),
		chromedp.Click(`#ce-form button[type="submit"]`))
	waitFor(t, ctx, "the field errors", `document.getElementById("ce-summary").textContent.includes("3 field")`, 15*time.Second)
	for id, want := range map[string]string{
		"ce-name-err": "required", "ce-windows-1-err": "overlaps another window", "ce-windows-2-err": "Too late",
	} {
		if got := texts(t, ctx, "#"+id); len(got) != 1 || !strings.Contains(got[0], want) {
			t.Errorf("#%s = %q, want %q next to the field", id, got, want)
		}
	}
	invalid := texts(t, ctx, `#ce-form [aria-invalid="true"]`)
	if n := len(invalid); n != 3 {
		t.Errorf("%d controls marked invalid, want 3 (name, window 2's opening, window 3's closing)", n)
	}
	if focused, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`)); focused != "ce-name" {
		t.Errorf("focus on %q after the refusal, want the first field at fault", focused)
	}
	fits(t, ctx)
	browsertest.Screenshot(t, ctx, "1-form-errors")

	// Fixed: a name, window 2 removed, window 3 closing in time.
	webDo(t, ctx, chromedp.SendKeys("#ce-name", "2021 만 50~59세"), chromedp.Click(`#ce-windows li:nth-child(2) button`),
		set("ce-windows-1-closes", "2021-08-20T18:00"), chromedp.Click(`#ce-form button[type="submit"]`))
	waitFor(t, ctx, "the campaign created", `document.getElementById("ce-status").textContent.includes("created")`, 15*time.Second)
	rows, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#ce-windows li").length`))
	if pick, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("ce-pick").value`)); pick != "2" || rows != 12 {
		t.Errorf("after creating: campaign %q picked with %d windows, want campaign 2 with 2 + 10 rotation windows", pick, rows)
	}
	if errs := strings.Join(texts(t, ctx, "#ce-form .field-error"), ""); errs != "" {
		t.Errorf("old errors still shown after saving: %q", errs)
	}
	browsertest.Screenshot(t, ctx, "2-created")
	var c struct {
		Name    string
		Windows []struct{ Group *int }
	}
	getJSON(t, in.base+"/api/v1/campaigns/2", &c)
	if c.Name != "2021 만 50~59세" || len(c.Windows) != 12 {
		t.Errorf("stored campaign 2: %+v", c)
	}

	// The demo campaign: group 2's window (the fourth, 08-12) opening at 20:10 would
	// strand the booking made at 20:03.
	webDo(t, ctx, chromedp.SetValue("#ce-pick", "1"))
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("ce-pick").dispatchEvent(new Event("change"))`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the demo campaign's windows", `document.getElementById("ce-windows-3-opens") && document.getElementById("ce-windows-3-opens").value === "2021-08-12T20:00"`, 15*time.Second)
	webDo(t, ctx, set("ce-windows-3-opens", "2021-08-12T20:10"), chromedp.Click(`#ce-form button[type="submit"]`))
	waitFor(t, ctx, "the refusal", `document.getElementById("ce-windows-err").textContent !== ""`, 15*time.Second)
	if got := texts(t, ctx, "#ce-windows-err"); !strings.Contains(got[0], "Reservations already made") {
		t.Errorf("under the windows: %q", got)
	}
	if got := texts(t, ctx, "#ce-summary"); !strings.Contains(got[0], "existing reservations") {
		t.Errorf("summary: %q", got)
	}
	browsertest.Screenshot(t, ctx, "3-strands-refused")
	var demoNow struct{ Windows []struct{ Opens string } }
	getJSON(t, in.base+"/api/v1/campaigns/1", &demoNow)
	if demoNow.Windows[3].Opens != "2021-08-12T20:00:00+09:00" {
		t.Errorf("the refused edit changed the window: %+v", demoNow.Windows[3])
	}

	// Korean: the same form and its messages (the tab still holds the token).
	webDo(t, ctx, chromedp.Navigate(in.base+"/ops?lang=ko"))
	waitFor(t, ctx, "the Korean form", `document.getElementById("ce-h").textContent === "캠페인 설정" && document.querySelectorAll("#ce-pick option").length === 3`, 15*time.Second)
	webDo(t, ctx, chromedp.Click(`#ce-form button[type="submit"]`))
	waitFor(t, ctx, "the Korean errors", `document.getElementById("ce-name-err").textContent === "필수 항목입니다."`, 15*time.Second)
	fits(t, ctx)
	browsertest.Screenshot(t, ctx, "4-korean")
}

// TestWebOperatorRetriesADeadLetterAndSeesNonZeroBars books three people in groups 2
// and 3 with one of their notifications dead, then on the dashboard checks the group
// bars of groups 2 and 3 (and their province's) have a real size while the others are
// flat, and clicks retry on the dead letter: it leaves the list and is pending again.
// The service runs without a sender, so nothing moves the row but the operator.
func TestWebOperatorRetriesADeadLetterAndSeesNonZeroBars(t *testing.T) {
	ctx := browsertest.Context(t)
	db, s, campaignID := opsDB(t)
	at := vaxbook.MustDate("2021-08-12").At(20, 1)
	var booked []vaxbook.Reservation
	for i, birth := range []string{"1985-03-12", "1990-07-22", "1979-11-13"} {
		booked = append(booked, bookAt(t, s, campaignID, fmt.Sprint("bars-", i), vaxbook.MustDate(birth), at))
	}
	site, err := s.Site(t.Context(), booked[0].SiteID)
	if err != nil {
		t.Fatal(err)
	}
	var eligible []vaxbook.Eligible
	for g := range vaxbook.Groups {
		eligible = append(eligible, vaxbook.Eligible{BirthYear: 1985, Group: g, Province: site.Province, Count: 20})
	}
	if err := s.PutEligible(t.Context(), campaignID, eligible); err != nil {
		t.Fatal(err)
	}
	pending, err := s.OutboxMessages(t.Context(), vaxbook.OutboxPending, 10)
	if err != nil || len(pending) != 3 {
		t.Fatalf("outbox after 3 bookings: %d rows, %v", len(pending), err)
	}
	dead := pending[0].ID
	if err := s.MarkFailed(t.Context(), vaxbook.OutboxFailure{ID: dead, LastError: "gateway: 503 Service Unavailable", Next: at, Dead: true}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	in := startServe(t, "--database", db, "--now", "2021-08-12T20:05:00+09:00", "--operator-token", webOperatorToken, "--insecure-http",
		"--person-key-secret", strings.Repeat("p", 40), "--phone-key", strings.Repeat("5a", 32), "--queue-secret", strings.Repeat("q", 40))

	signInOps(t, ctx, in, "en")
	waitFor(t, ctx, "10 group bars", `document.querySelectorAll("#chart-group rect.bar").length === 10`, 15*time.Second)
	heights, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[...document.querySelectorAll("#chart-group rect.bar")].map((b) => b.getBBox().height)`))
	if err != nil {
		t.Fatal(err)
	}
	for g, h := range heights {
		booked := g == 2 || g == 3
		if booked && h < 10 || !booked && h > 1 {
			t.Errorf("group %d's bar is %.1f high; want a real bar only for groups 2 (2 booked) and 3 (1 booked)", g, h)
		}
	}
	if heights[2] <= heights[3] {
		t.Errorf("group 2's bar (%.1f, 10 %%) is not taller than group 3's (%.1f, 5 %%)", heights[2], heights[3])
	}
	widths, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[...document.querySelectorAll("#chart-province rect.bar")].map((b) => b.getBBox().width)`))
	if err != nil || len(widths) == 0 || slices.Max(widths) < 10 {
		t.Errorf("province bars %v (%v); want a wide bar for %s", widths, err, site.Province)
	}

	item := fmt.Sprintf(`[...document.querySelectorAll("#outbox li")].find((li) => li.textContent.startsWith("#%d "))`, dead)
	waitFor(t, ctx, "the dead letter", "!!"+item, 15*time.Second)
	browsertest.Screenshot(t, ctx, "1-dead-letter-and-bars")
	if err := chromedp.Do(ctx, chromedp.Click(fmt.Sprintf(`#outbox button[aria-label="Retry notification %d"]`, dead))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the dead letter gone from the list", "!"+item+` && document.getElementById("ob-count").textContent.startsWith("0 ")`, 15*time.Second)
	type message struct {
		ID       int64
		Status   string
		Attempts int
	}
	var out struct{ Messages []message }
	getJSONAuth(t, in.base+"/api/v1/admin/outbox?status=pending", &out)
	i := slices.IndexFunc(out.Messages, func(m message) bool { return m.ID == dead })
	if i < 0 || out.Messages[i].Status != "pending" || out.Messages[i].Attempts != 0 {
		t.Errorf("pending messages after the retry: %+v; want %d pending with its attempts reset", out.Messages, dead)
	}
	fits(t, ctx)
	browsertest.Screenshot(t, ctx, "2-retried")
}

// getJSON decodes a GET's JSON answer into v.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// getJSONAuth is getJSON with the operator token.
func getJSONAuth(t *testing.T, url string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+webOperatorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
