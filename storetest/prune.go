package storetest

import (
	"testing"
	"time"

	"vaxbook"
)

// pruneTests check the outbox retention: sent rows and dead rows go when they are older
// than their retention, oldest first and a bounded batch at a time; pending rows stay
// whatever their age; and nothing else (statistics) depends on the rows pruned.
var pruneTests = []storeTest{
	{"pruning deletes old sent rows oldest first, then old dead rows, in batches, never a pending row", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		for _, p := range f.mustPersons(t, 6, func(i int) int { return i % 10 }) {
			mustBook(t, s, f.pooledReq(p, siteA, day1))
		}
		msgs := mustClaim(t, s, bookAt.Add(time.Minute), 6)
		hour := func(h int) time.Time { return bookAt.Add(time.Duration(h) * time.Hour) }
		for i, at := range []time.Time{hour(3), hour(1), hour(2), hour(100)} {
			if err := s.MarkSent(t.Context(), []int64{msgs[i].ID}, at); err != nil {
				t.Fatalf("MarkSent: %v", err)
			}
		}
		if err := s.MarkFailed(t.Context(), vaxbook.OutboxFailure{ID: msgs[4].ID, LastError: "gateway: 410", Next: hour(1), Dead: true}); err != nil {
			t.Fatalf("MarkFailed: %v", err)
		}
		// msgs[5] stays pending (leased), older than every cutoff below.
		prune := func(sentBefore, deadBefore time.Time, limit, want int) {
			t.Helper()
			if n, err := s.PruneOutbox(t.Context(), sentBefore, deadBefore, limit); err != nil || n != want {
				t.Fatalf("PruneOutbox(sent < %s, dead < %s, %d) = %d, %v; want %d", sentBefore, deadBefore, limit, n, err, want)
			}
		}
		prune(hour(50), hour(0), 2, 2)
		if sent := ids(mustMessages(t, s, vaxbook.OutboxSent)); len(sent) != 2 || !sent[msgs[0].ID] || !sent[msgs[3].ID] {
			t.Errorf("sent rows after the first batch %v, want the two sent last (%d, %d)", sent, msgs[0].ID, msgs[3].ID)
		}
		prune(hour(50), hour(0), 2, 1)
		prune(hour(50), hour(0), 2, 0) // the dead row is younger than its cutoff
		prune(hour(50), hour(50), 2, 1)
		prune(hour(50), hour(50), 2, 0)
		if sent := ids(mustMessages(t, s, vaxbook.OutboxSent)); len(sent) != 1 || !sent[msgs[3].ID] {
			t.Errorf("sent rows left %v, want the recent one %d", sent, msgs[3].ID)
		}
		if dead := mustMessages(t, s, vaxbook.OutboxDead); len(dead) != 0 {
			t.Errorf("dead rows left %+v, want none", dead)
		}
		if pending := ids(mustMessages(t, s, vaxbook.OutboxPending)); len(pending) != 1 || !pending[msgs[5].ID] {
			t.Errorf("pending rows %v, want %d untouched", pending, msgs[5].ID)
		}
		prune(hour(1000), hour(1000), 10, 1) // only the sent row; the pending one stays
		if pending := mustMessages(t, s, vaxbook.OutboxPending); len(pending) != 1 {
			t.Errorf("%d pending rows after pruning everything old, want 1", len(pending))
		}
	}},
	{"a dead row an operator retried is not pruned as dead", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, day1))
		m := mustClaim(t, s, bookAt.Add(time.Minute), 1)[0]
		if err := s.MarkFailed(t.Context(), vaxbook.OutboxFailure{ID: m.ID, LastError: "gateway: 410", Next: bookAt, Dead: true}); err != nil {
			t.Fatalf("MarkFailed: %v", err)
		}
		if err := s.RetryDead(t.Context(), m.ID, bookAt.Add(time.Hour)); err != nil {
			t.Fatalf("RetryDead: %v", err)
		}
		if n, err := s.PruneOutbox(t.Context(), bookAt.Add(1000*time.Hour), bookAt.Add(1000*time.Hour), 10); err != nil || n != 0 {
			t.Errorf("PruneOutbox = %d, %v; want 0 (the row is pending again)", n, err)
		}
	}},
	{"statistics still tell cancellations from changes after the outbox is pruned", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		a, b := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		ra := mustBook(t, s, f.req(a, siteA, day1))
		rb := mustBook(t, s, f.req(b, siteA, day1))
		if _, err := s.Cancel(t.Context(), a.Key, ra.ID, cancelAt); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		req := f.req(b, siteB, day1)
		req.At = changeAt
		if _, err := s.Change(t.Context(), vaxbook.ChangeRequest{OldID: rb.ID, New: req}); err != nil {
			t.Fatalf("Change: %v", err)
		}
		for _, m := range mustClaim(t, s, cancelAt.Add(time.Minute), 2) {
			if err := s.MarkSent(t.Context(), []int64{m.ID}, cancelAt); err != nil {
				t.Fatalf("MarkSent: %v", err)
			}
		}
		if n, err := s.PruneOutbox(t.Context(), cancelAt.Add(time.Hour), cancelAt.Add(time.Hour), 100); err != nil || n != 2 {
			t.Fatalf("PruneOutbox = %d, %v; want the 2 sent rows", n, err)
		}
		counts, err := s.BookingCounts(t.Context(), f.c.ID)
		if err != nil {
			t.Fatalf("BookingCounts: %v", err)
		}
		if counts.Cancellations != 1 {
			t.Errorf("cancellations %d after pruning, want 1 (the change is not one)", counts.Cancellations)
		}
	}},
}

// ids returns the ids of msgs.
func ids(msgs []vaxbook.OutboxMessage) map[int64]bool {
	out := map[int64]bool{}
	for _, m := range msgs {
		out[m.ID] = true
	}
	return out
}
