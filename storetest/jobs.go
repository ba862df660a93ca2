package storetest

import (
	"testing"
	"time"

	"vaxbook"
)

// fixAt is 14 days before day1, the day its reservations are fixed (rule 10).
var fixAt = day1.AddDays(-vaxbook.FixDays).At(0, 5)

// jobTests check the store side of the lifecycle jobs: fixing assigns the plan's
// product and writes its message once, reminders are written once, and a lease has one
// holder at a time.
var jobTests = []storeTest{
	{"fixing confirms a date's reservations in batches with the plan's product, once", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteA, day2, 100)
		if err := s.PutDeliveryPlans(t.Context(), []vaxbook.DeliveryPlan{
			{SiteID: siteA, Date: day1, Product: "Moderna", Doses: 40},
			{SiteID: siteA, Date: day1, Product: "Pfizer", Doses: 60},
		}); err != nil {
			t.Fatalf("PutDeliveryPlans: %v", err)
		}
		a := mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, day1))
		b := mustBook(t, s, f.req(f.mustPerson(t, 2, 2), siteA, day1))
		c := mustBook(t, s, f.req(f.mustPerson(t, 3, 2), siteB, day1))
		later := mustBook(t, s, f.req(f.mustPerson(t, 4, 2), siteA, day2))
		total := 0
		for {
			n, err := s.FixBatch(t.Context(), day1, fixAt, "unassigned", 2)
			if err != nil {
				t.Fatalf("FixBatch: %v", err)
			}
			if n > 2 {
				t.Fatalf("batch of %d, limit 2", n)
			}
			if n == 0 {
				break
			}
			total += n
		}
		if total != 3 {
			t.Errorf("fixed %d, want 3", total)
		}
		for id, want := range map[int64]string{a.ID: "Pfizer", b.ID: "Pfizer", c.ID: "unassigned", later.ID: ""} {
			if got, err := s.Product(t.Context(), id); err != nil || got != want {
				t.Errorf("Product(%d) = %q, %v; want %q", id, got, err, want)
			}
		}
		if r := f.mustActive(t, a.PersonKey); r.Status != vaxbook.StatusConfirmed {
			t.Errorf("status %s after fixing, want confirmed", r.Status)
		}
		if r := f.mustActive(t, later.PersonKey); r.Status != vaxbook.StatusBooked {
			t.Errorf("reservation on day2 is %s, want booked", r.Status)
		}
		req := f.req(vaxbook.Person{Key: a.PersonKey, Birth: vaxbook.NewDate(1986, 2, 12)}, siteB, day1)
		req.At = fixAt
		_, err := s.Change(t.Context(), vaxbook.ChangeRequest{OldID: a.ID, New: req})
		wantCode(t, "Change after fixing", err, vaxbook.CodeChangeLocked)
		confirmed := 0
		for _, m := range mustMessages(t, s, vaxbook.OutboxPending) {
			if m.Kind == vaxbook.KindConfirmed {
				confirmed++
			}
		}
		if confirmed != 3 {
			t.Errorf("%d confirmed messages, want 3", confirmed)
		}
	}},
	{"reminders are written once per confirmed reservation", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, day1))
		mustBook(t, s, f.req(f.mustPerson(t, 2, 2), siteA, day1))
		at := day1.AddDays(-1).At(9, 0)
		if n, err := s.RemindBatch(t.Context(), day1, at, 10); err != nil || n != 0 {
			t.Fatalf("RemindBatch before fixing = %d, %v; want 0 (only confirmed ones)", n, err)
		}
		if _, err := s.FixBatch(t.Context(), day1, fixAt, "unassigned", 10); err != nil {
			t.Fatalf("FixBatch: %v", err)
		}
		for i, want := range []int{2, 0} {
			if n, err := s.RemindBatch(t.Context(), day1, at, 10); err != nil || n != want {
				t.Errorf("RemindBatch run %d = %d, %v; want %d", i+1, n, err, want)
			}
		}
	}},
	{"a lease has one holder until it expires", func(t *testing.T, s vaxbook.Store) {
		now := bookAt
		take := func(holder string, at time.Time, want bool) {
			t.Helper()
			if got, err := s.AcquireLease(t.Context(), "fix", holder, at, time.Minute); err != nil || got != want {
				t.Errorf("AcquireLease(%s at %s) = %v, %v; want %v", holder, at, got, err, want)
			}
		}
		take("a", now, true)
		take("b", now.Add(30*time.Second), false)
		take("a", now.Add(30*time.Second), true) // renewal
		take("b", now.Add(80*time.Second), false)
		take("b", now.Add(91*time.Second), true) // a's renewed lease ended at 90 s
		if err := s.ReleaseLease(t.Context(), "fix", "a"); err != nil {
			t.Fatalf("ReleaseLease: %v", err)
		}
		take("a", now.Add(100*time.Second), false) // a's release did not free b's lease
		if err := s.ReleaseLease(t.Context(), "fix", "b"); err != nil {
			t.Fatalf("ReleaseLease: %v", err)
		}
		take("a", now.Add(100*time.Second), true)
	}},
}
