package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/demo"
	"vaxbook/jobs"
	"vaxbook/storetest/engines"
)

func forEachStore(t *testing.T, body func(t *testing.T, s vaxbook.Store)) {
	engines.Each(t, body)
}

var day = vaxbook.MustDate("2021-09-06")

// mustBookings books n persons at site 1 on day.
func mustBookings(t *testing.T, s vaxbook.Store, n int) {
	t.Helper()
	ctx := t.Context()
	c := demo.Campaign2021()
	if err := s.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSites(ctx, []vaxbook.Site{{ID: 1, Name: "의원", Province: "서울특별시", District: "종로구", Kind: "clinic"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCapacities(ctx, c.ID, []vaxbook.Capacity{{SiteID: 1, Date: day, Quantity: n + 10}}); err != nil {
		t.Fatal(err)
	}
	var reqs []vaxbook.BookRequest
	for i := range n {
		key := "p" + time.Duration(i).String()
		if err := s.PutPerson(ctx, vaxbook.Person{Key: key, Name: "x", Birth: vaxbook.MustDate("1985-03-11")}); err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, vaxbook.BookRequest{CampaignID: c.ID, PersonKey: key, SiteID: 1, Date: day,
			SecondDate: c.SecondDose(day), Group: 1, Pooled: true, Status: vaxbook.StatusBooked,
			At: vaxbook.MustDate("2021-08-20").At(10, 0)})
	}
	for _, r := range s.Book(ctx, reqs) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
}

func countKind(t *testing.T, s vaxbook.Outbox, kind vaxbook.MessageKind) int {
	t.Helper()
	msgs, err := s.OutboxMessages(t.Context(), vaxbook.OutboxPending, 10000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Kind == kind {
			n++
		}
	}
	return n
}

func TestFixConfirmsEveryReservationInBatchesAndIsIdempotent(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		const n = jobs.BatchSize + 7 // two batches
		mustBookings(t, s, n)
		clock := vaxbook.NewManualClock(day.AddDays(-vaxbook.FixDays).At(0, 1))
		res, err := jobs.Fix(t.Context(), s, day, clock)
		if err != nil || res.Done != n || res.Batches != 2 {
			t.Fatalf("Fix = %+v, %v; want %d in 2 batches", res, err, n)
		}
		if res, err := jobs.Fix(t.Context(), s, day, clock); err != nil || res.Done != 0 {
			t.Errorf("second Fix = %+v, %v; want nothing done", res, err)
		}
		if got := countKind(t, s, vaxbook.KindConfirmed); got != n {
			t.Errorf("%d confirmed messages, want %d", got, n)
		}
	})
}

func TestFixResumesAfterACrash(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		mustBookings(t, s, 30)
		at := day.AddDays(-vaxbook.FixDays).At(0, 1)
		// The crashed run committed one batch of 10 and died.
		if n, err := s.FixBatch(t.Context(), day, at, jobs.DefaultProduct, 10); err != nil || n != 10 {
			t.Fatalf("FixBatch = %d, %v", n, err)
		}
		res, err := jobs.Fix(t.Context(), s, day, vaxbook.NewManualClock(at))
		if err != nil || res.Done != 20 {
			t.Fatalf("resumed Fix = %+v, %v; want the 20 left", res, err)
		}
		if got := countKind(t, s, vaxbook.KindConfirmed); got != 30 {
			t.Errorf("%d confirmed messages, want 30", got)
		}
	})
}

func TestRunnersShareOneLease(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		mustBookings(t, s, 20)
		clock := vaxbook.NewManualClock(day.AddDays(-vaxbook.FixDays).At(0, 1))
		var wg sync.WaitGroup
		for range 4 {
			r := &jobs.Runner{Store: s, Clock: clock, Every: 10 * time.Millisecond}
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()
			wg.Go(func() { _ = r.Run(ctx) })
		}
		wg.Wait()
		if got := countKind(t, s, vaxbook.KindConfirmed); got != 20 {
			t.Errorf("%d confirmed messages, want 20", got)
		}
		// The day before, the reminders go out once.
		clock.Set(day.AddDays(-1).At(8, 0))
		r := &jobs.Runner{Store: s, Clock: clock}
		for range 2 {
			if err := r.RunOnce(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if got := countKind(t, s, vaxbook.KindReminder); got != 20 {
			t.Errorf("%d reminders, want 20", got)
		}
	})
}
