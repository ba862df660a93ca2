package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vaxbook"
	"vaxbook/browsertest"
	"vaxbook/demo"
	"vaxbook/sqlite"
)

// TestWebClinicMarksAnAppointmentVaccinated: a clinic's staff member signs in on the
// clinic page, sees the day's appointment of their own site and marks it vaccinated.
func TestWebClinicMarksAnAppointmentVaccinated(t *testing.T) {
	ctx := browsertest.Context(t)
	db := filepath.Join(t.TempDir(), "vaxbook.db")
	day := vaxbook.MustDate("2021-08-26")
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
	// The appointment was booked a week earlier, so that it is due today.
	p := vaxbook.Person{Key: "clinic-test-person", Name: "홍길동", Birth: vaxbook.MustDate("1985-03-02")}
	if err := s.PutPerson(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	res := s.Book(t.Context(), []vaxbook.BookRequest{{
		CampaignID: sum.CampaignID, PersonKey: p.Key, SiteID: 1, Date: day, SecondDate: day.AddDays(42),
		Group: vaxbook.GroupOf(p.Birth), Pooled: true, Status: vaxbook.StatusConfirmed, At: day.AddDays(-7).At(10, 0),
	}})[0]
	if res.Err != nil {
		t.Fatalf("book the appointment: %v", res.Err)
	}
	// Another appointment tomorrow, which cannot be marked vaccinated yet.
	q := vaxbook.Person{Key: "clinic-test-person-2", Name: "김내일", Birth: vaxbook.MustDate("1990-05-05")}
	if err := s.PutPerson(t.Context(), q); err != nil {
		t.Fatal(err)
	}
	if res := s.Book(t.Context(), []vaxbook.BookRequest{{
		CampaignID: sum.CampaignID, PersonKey: q.Key, SiteID: 1, Date: day.AddDays(1), SecondDate: day.AddDays(43),
		Group: vaxbook.GroupOf(q.Birth), Pooled: true, Status: vaxbook.StatusConfirmed, At: day.AddDays(-7).At(10, 0),
	}})[0]; res.Err != nil {
		t.Fatalf("book tomorrow's appointment: %v", res.Err)
	}
	s.Close()

	in := startServe(t, "--demo", "--demo-sites", "20", "--database", db, "--now", "2021-08-26T10:00:00+09:00")
	err = chromedp.Do(ctx,
		chromedp.Navigate(in.base+"/clinic"),
		chromedp.SendKeys("#login", "clinic-1"),
		chromedp.SendKeys("#password", demoStaffPassword),
		chromedp.Click("#signin button"),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the day's list", `!!document.querySelector("#list tbody tr td") && document.querySelector("#list tbody tr td").textContent === "홍길동"`, 20*time.Second)
	if err := chromedp.Do(ctx, chromedp.Click("#list tbody tr button")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the mark", `!document.querySelector("#list tbody tr button")`, 20*time.Second)
	if site, _ := chromedp.Run(ctx, chromedp.Text("#site")); site == "" {
		t.Error("the clinic board does not name its site")
	}
	if nav, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('header a[href="/mine"]')`)); nav {
		t.Error("staff see the resident menu")
	}
	browsertest.Screenshot(t, ctx, "marked")

	// Marking tomorrow's appointment is refused, and the refusal stays on screen.
	webDo(t, ctx, chromedp.SetValue("#day", "2021-08-27"), chromedp.Click("#day-form button"))
	waitFor(t, ctx, "tomorrow's list", `!!document.querySelector("#list tbody tr button") && document.querySelector("#list tbody tr td").textContent === "김내일"`, 20*time.Second)
	webDo(t, ctx, chromedp.Click("#list tbody tr button"))
	waitFor(t, ctx, "the refusal", `!document.getElementById("error-summary").hidden`, 10*time.Second)
	time.Sleep(2 * time.Second)
	if shown, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("error-summary").hidden && document.activeElement.id === "error-summary" && document.getElementById("error-summary").textContent.includes("접종일이 오지 않아")`)); !shown {
		t.Error("the refusal to mark a future appointment did not stay on screen with focus")
	}
	browsertest.Screenshot(t, ctx, "refused")

	s, err = sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, err := s.Audit(context.Background(), sum.CampaignID)
	if err != nil || a.CounterDrift != 0 {
		t.Errorf("audit after marking: %+v %v", a, err)
	}
	list, err := s.DayAppointments(context.Background(), 1, day)
	if err != nil || len(list) != 1 || list[0].Status != vaxbook.StatusVaccinated {
		t.Errorf("appointments after marking: %+v %v, want one vaccinated", list, err)
	}
}
