package main

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
	browsertest.Screenshot(t, ctx, "marked")

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
