package jobs_test

import (
	"testing"
	"time"

	"vaxbook"
	"vaxbook/jobs"
)

// mustSendAll claims every due message at at and records it sent then.
func mustSendAll(t *testing.T, s vaxbook.Outbox, at time.Time) int {
	t.Helper()
	n := 0
	for {
		msgs, err := s.ClaimOutbox(t.Context(), at, time.Minute, 500)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 {
			return n
		}
		for _, m := range msgs {
			if err := s.MarkSent(t.Context(), []int64{m.ID}, at); err != nil {
				t.Fatal(err)
			}
		}
		n += len(msgs)
	}
}

func TestPruneDeletesSentMessagesPastTheRetentionInBatches(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		const n = jobs.PruneBatch + 5 // two batches
		mustBookings(t, s, n)
		sentAt := vaxbook.MustDate("2021-08-20").At(10, 0)
		if got := mustSendAll(t, s, sentAt); got != n {
			t.Fatalf("sent %d, want %d", got, n)
		}
		ret := jobs.Retention{Sent: 30 * 24 * time.Hour}
		clock := vaxbook.NewManualClock(sentAt.Add(ret.Sent - time.Minute))
		if res, err := jobs.Prune(t.Context(), s, ret, clock, 0); err != nil || res.Deleted != 0 {
			t.Fatalf("Prune inside the retention = %+v, %v; want nothing deleted", res, err)
		}
		clock.Advance(2 * time.Minute)
		res, err := jobs.Prune(t.Context(), s, ret, clock, 1)
		if err != nil || res.Deleted != jobs.PruneBatch || res.Batches != 1 || !res.More {
			t.Fatalf("Prune bounded to one batch = %+v, %v; want one full batch and more left", res, err)
		}
		res, err = jobs.Prune(t.Context(), s, ret, clock, 0)
		if err != nil || res.Deleted != 5 || res.More {
			t.Fatalf("second Prune = %+v, %v; want the 5 left", res, err)
		}
		if sent, _ := s.OutboxMessages(t.Context(), vaxbook.OutboxSent, 10); len(sent) != 0 {
			t.Errorf("%d sent rows left, want none", len(sent))
		}
	})
}

func TestRunnerPrunesSentRowsPastTheirRetention(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		mustBookings(t, s, 3)
		sentAt := vaxbook.MustDate("2021-08-20").At(10, 0)
		mustSendAll(t, s, sentAt)
		// Long after: nothing is left to fix or remind on these dates.
		clock := vaxbook.NewManualClock(sentAt.Add(100 * 24 * time.Hour))
		r := &jobs.Runner{Store: s, Clock: clock}
		if err := r.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		if sent, _ := s.OutboxMessages(t.Context(), vaxbook.OutboxSent, 10); len(sent) != 0 {
			t.Errorf("%d sent rows after the runner pruned, want none", len(sent))
		}
	})
}
