package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vaxbook"
	"vaxbook/browsertest"
	"vaxbook/sqlite"
)

// TestWebStandbyLeftoverDoseEndToEnd plays both sides of a leftover dose in Chromium on
// a vaccination day: a resident verifies, joins site 1's same-day standby list; the
// site's staff member sees the line of one and records a leftover dose; the resident
// sees the offer with its countdown and accepts it, and holds a confirmed reservation
// for today that no share counts.
func TestWebStandbyLeftoverDoseEndToEnd(t *testing.T) {
	ctx := browsertest.Context(t)
	db := filepath.Join(t.TempDir(), "vaxbook.db")
	day := vaxbook.MustDate("2021-08-26")
	in := startServe(t, "--demo", "--demo-sites", "20", "--database", db, "--waiting-room=false",
		"--now", day.At(10, 0).Format(time.RFC3339))
	r := demoResident()

	webDo(t, ctx, chromedp.EmulateViewport(360, 800), chromedp.Navigate(in.base+"/verify?lang=ko"))
	verifyByPhone(t, ctx, in, r, "")
	waitFor(t, ctx, "verified", `location.pathname === "/sites"`, 15*time.Second)

	webDo(t, ctx, chromedp.Navigate(in.base+"/standby"))
	waitFor(t, ctx, "the standby page", `!document.getElementById("find").hidden && document.getElementById("intro").textContent.includes("2021년 8월 26일(목)")`, 10*time.Second)
	webDo(t, ctx, chromedp.Click(`#search button`))
	waitFor(t, ctx, "sites vaccinating today", `!!document.querySelector("#results button")`, 10*time.Second)
	fits(t, ctx)
	browsertest.Screenshot(t, ctx, "1-sites")
	webDo(t, ctx, chromedp.Click(`#results button`))
	waitFor(t, ctx, "in line", `document.getElementById("entry-text").textContent.includes("1번째")`, 10*time.Second)
	fits(t, ctx)
	browsertest.Screenshot(t, ctx, "2-waiting")

	webDo(t, ctx, chromedp.Navigate(in.base+"/clinic?lang=ko"),
		chromedp.SendKeys("#login", "clinic-1"), chromedp.SendKeys("#password", demoStaffPassword),
		chromedp.Click("#signin button"))
	waitFor(t, ctx, "the clinic's standby list", `document.querySelectorAll("#standby-list tbody tr").length === 1 && document.getElementById("standby-count").textContent.includes("대기 1명")`, 20*time.Second)
	webDo(t, ctx, chromedp.Click("#leftover"))
	waitFor(t, ctx, "the dose offered", `document.getElementById("standby-count").textContent.includes("안내 중 1건")`, 10*time.Second)
	browsertest.Screenshot(t, ctx, "3-clinic")

	webDo(t, ctx, chromedp.Navigate(in.base+"/standby"))
	waitFor(t, ctx, "the offer", `!document.getElementById("offer-actions").hidden && document.getElementById("countdown").textContent.includes("분")`, 10*time.Second)
	fits(t, ctx)
	browsertest.Screenshot(t, ctx, "4-offer")
	webDo(t, ctx, chromedp.Click("#accept"))
	waitFor(t, ctx, "booked", `!document.getElementById("to-mine").hidden`, 10*time.Second)
	browsertest.Screenshot(t, ctx, "5-accepted")
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}

	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, err := s.AuditLeftovers(context.Background(), 1)
	if err != nil || a.LeftoverReservations != 1 || a.Released != 1 || a.Drift != 0 {
		t.Errorf("leftover audit: %+v %v; want one dose released and taken", a, err)
	}
	if sh, err := s.Audit(context.Background(), 1); err != nil || sh.CounterDrift != 0 || sh.ActiveReservations != sh.BookedTotal {
		t.Errorf("share audit: %+v %v", sh, err)
	}
	list, err := s.DayAppointments(context.Background(), 1, day)
	if err != nil || len(list) != 1 || list[0].Status != vaxbook.StatusConfirmed || list[0].PersonName != r.Name {
		t.Errorf("site 1's appointments today: %+v %v; want the resident, confirmed", list, err)
	}
}
