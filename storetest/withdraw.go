package storetest

import (
	"sync"
	"testing"
	"time"

	"vaxbook"
)

// remindAt is the day before day1, when its reminders are written.
var remindAt = day1.AddDays(-1).At(0, 5)

// withdrawTests check that a resident is never told of an appointment they no longer
// hold: a cancel or change withdraws, in its own transaction, the messages about the
// reservation that have not been sent, whatever a worker did or will do with them.
var withdrawTests = []storeTest{
	{"a cancel withdraws the unsent booked, confirmed and reminder messages and keeps its own", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		r := mustBook(t, s, f.req(p, siteA, day1))
		mustFixAndRemind(t, s, 1)
		if got := pendingKeys(t, s); len(got) != 3 {
			t.Fatalf("pending before the cancel: %v, want booked, confirmed and reminder", got)
		}
		if _, err := s.Cancel(t.Context(), p.Key, r.ID, remindAt.Add(time.Minute)); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		want := vaxbook.IdempotencyKey(vaxbook.KindCancelled, r.ID)
		if got := pendingKeys(t, s); len(got) != 1 || !got[want] {
			t.Errorf("pending after the cancel: %v, want only %s", got, want)
		}
		got := mustClaim(t, s, remindAt.Add(time.Hour), 1)
		if got[0].Kind != vaxbook.KindCancelled {
			t.Errorf("worker claimed %s, want the cancellation", got[0].IdempotencyKey)
		}
	}},
	{"a reminder a crashed worker held is not sent after a cancel, the cancellation is", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		r := mustBook(t, s, f.req(p, siteA, day1))
		mustFixAndRemind(t, s, 1)
		// A worker claims all three, sends booked and confirmed, and dies holding the
		// reminder: its lease would bring the row back a minute later.
		for _, m := range mustClaim(t, s, remindAt, 3) {
			if m.Kind == vaxbook.KindReminder {
				continue
			}
			if err := s.MarkSent(t.Context(), []int64{m.ID}, remindAt); err != nil {
				t.Fatalf("MarkSent: %v", err)
			}
		}
		if _, err := s.Cancel(t.Context(), p.Key, r.ID, remindAt.Add(10*time.Second)); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		got := mustClaim(t, s, remindAt.Add(time.Hour), 1)
		if want := vaxbook.IdempotencyKey(vaxbook.KindCancelled, r.ID); got[0].IdempotencyKey != want {
			t.Errorf("after the lease ended the worker got %s, want only %s", got[0].IdempotencyKey, want)
		}
		if sent := mustMessages(t, s, vaxbook.OutboxSent); len(sent) != 2 {
			t.Errorf("%d sent rows, want the booked and confirmed ones kept", len(sent))
		}
	}},
	{"a change withdraws the old reservation's unsent and dead messages, and an operator cannot retry them", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		r := mustBook(t, s, f.req(p, siteA, day1))
		booked := mustClaim(t, s, bookAt.Add(time.Minute), 1)[0]
		if err := s.MarkFailed(t.Context(), vaxbook.OutboxFailure{ID: booked.ID, LastError: "gateway: 410", Next: bookAt, Dead: true}); err != nil {
			t.Fatalf("MarkFailed: %v", err)
		}
		req := f.req(p, siteB, day1)
		req.At = changeAt
		n, err := s.Change(t.Context(), vaxbook.ChangeRequest{OldID: r.ID, New: req})
		if err != nil {
			t.Fatalf("Change: %v", err)
		}
		if dead := mustMessages(t, s, vaxbook.OutboxDead); len(dead) != 0 {
			t.Errorf("dead rows after the change: %+v, want none", dead)
		}
		wantCode(t, "RetryDead of the withdrawn message", s.RetryDead(t.Context(), booked.ID, changeAt), vaxbook.CodeNotFound)
		want := vaxbook.IdempotencyKey(vaxbook.KindChanged, n.ID)
		if got := pendingKeys(t, s); len(got) != 1 || !got[want] {
			t.Errorf("pending after the change: %v, want only %s", got, want)
		}
		if _, err := s.Cancel(t.Context(), p.Key, n.ID, cancelAt); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		want = vaxbook.IdempotencyKey(vaxbook.KindCancelled, n.ID)
		if got := pendingKeys(t, s); len(got) != 1 || !got[want] {
			t.Errorf("pending after cancelling the new reservation: %v, want only %s", got, want)
		}
	}},
	{"a refused change withdraws nothing", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10) // one place per group
		a, b := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		mustBook(t, s, f.req(a, siteC, day1))
		r := mustBook(t, s, f.req(b, siteA, day1))
		req := f.req(b, siteC, day1)
		req.At = changeAt
		_, err := s.Change(t.Context(), vaxbook.ChangeRequest{OldID: r.ID, New: req})
		wantCode(t, "Change into a full share", err, vaxbook.CodeShareFull)
		if got := pendingKeys(t, s); !got[vaxbook.IdempotencyKey(vaxbook.KindBooked, r.ID)] {
			t.Errorf("pending after the refused change: %v, want the booked message kept", got)
		}
	}},
	{"reminders written while cancels commit are never left for a cancelled reservation", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		ps := f.mustPersons(t, 60, func(i int) int { return i % 10 })
		rs := make([]vaxbook.Reservation, len(ps))
		for i, p := range ps {
			rs[i] = mustBook(t, s, f.pooledReq(p, siteA, day1))
		}
		if _, err := s.FixBatch(t.Context(), day1, fixAt, "unassigned", 1000); err != nil {
			t.Fatalf("FixBatch: %v", err)
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			for {
				n, err := s.RemindBatch(t.Context(), day1, remindAt, 3)
				if err != nil {
					t.Errorf("RemindBatch: %v", err)
					return
				}
				if n == 0 {
					return
				}
			}
		})
		for i := 0; i < len(rs); i += 2 {
			wg.Go(func() {
				if _, err := s.Cancel(t.Context(), rs[i].PersonKey, rs[i].ID, remindAt); err != nil {
					t.Errorf("Cancel: %v", err)
				}
			})
		}
		wg.Wait()
		// A reservation skipped while its cancel held it is picked up by a later run.
		if _, err := s.RemindBatch(t.Context(), day1, remindAt, 1000); err != nil {
			t.Fatalf("RemindBatch: %v", err)
		}
		pending := pendingKeys(t, s)
		for i, r := range rs {
			key := vaxbook.IdempotencyKey(vaxbook.KindReminder, r.ID)
			if cancelled := i%2 == 0; pending[key] == cancelled {
				t.Errorf("reservation %d (cancelled %v): reminder pending %v", r.ID, cancelled, pending[key])
			}
		}
	}},
}

// mustFixAndRemind fixes day1's reservations and writes their reminders, and checks
// that want of each were written.
func mustFixAndRemind(tb testing.TB, s vaxbook.Store, want int) {
	tb.Helper()
	if n, err := s.FixBatch(tb.Context(), day1, fixAt, "unassigned", 100); err != nil || n != want {
		tb.Fatalf("FixBatch = %d, %v; want %d", n, err, want)
	}
	if n, err := s.RemindBatch(tb.Context(), day1, remindAt, 100); err != nil || n != want {
		tb.Fatalf("RemindBatch = %d, %v; want %d", n, err, want)
	}
}

// pendingKeys returns the idempotency keys of the pending messages.
func pendingKeys(tb testing.TB, s vaxbook.Store) map[string]bool {
	tb.Helper()
	out := map[string]bool{}
	for _, m := range mustMessages(tb, s, vaxbook.OutboxPending) {
		out[m.IdempotencyKey] = true
	}
	return out
}
