package storetest

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"vaxbook"
)

// outboxTests check rule 11's transactional outbox: every change that commits has its
// message, in the same transaction, and one that fails has none.
var outboxTests = []storeTest{
	{"a booking writes one booked message with no phone or name in it", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		r := mustBook(t, s, f.req(p, siteA, day1))
		msgs := mustMessages(t, s, vaxbook.OutboxPending)
		if len(msgs) != 1 {
			t.Fatalf("%d pending messages, want 1", len(msgs))
		}
		m := msgs[0]
		if m.Kind != vaxbook.KindBooked || m.ReservationID != r.ID || m.PersonKey != p.Key ||
			m.IdempotencyKey != vaxbook.IdempotencyKey(vaxbook.KindBooked, r.ID) {
			t.Errorf("message = %+v, want booked for reservation %d", m, r.ID)
		}
		var pl vaxbook.MessagePayload
		if err := json.Unmarshal(m.Payload, &pl); err != nil || pl.Date != day1.String() || pl.SiteID != siteA {
			t.Errorf("payload %s (%v), want site A on %s", m.Payload, err, day1)
		}
		if bytes.Contains(m.Payload, []byte(p.Name)) {
			t.Errorf("payload %s carries the name", m.Payload)
		}
	}},
	{"a refused booking writes no message", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		mustBook(t, s, f.req(p, siteA, day1))
		if _, err := bookOne(t, s, f.req(p, siteB, day1)); err == nil {
			t.Fatal("second booking succeeded")
		}
		if msgs := mustMessages(t, s, vaxbook.OutboxPending); len(msgs) != 1 {
			t.Errorf("%d messages, want 1 (the first booking's)", len(msgs))
		}
	}},
	{"a group commit writes a message for each booking that committed and none for the refused", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteC, day1, 10) // one place per group
		a, b, c := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2), f.mustPerson(t, 3, 3)
		res := s.Book(t.Context(), []vaxbook.BookRequest{f.req(a, siteC, day1), f.req(b, siteC, day1), f.req(c, siteC, day1)})
		wantCodes(t, res, "", vaxbook.CodeShareFull, "")
		got := map[int64]bool{}
		for _, m := range mustMessages(t, s, vaxbook.OutboxPending) {
			got[m.ReservationID] = m.Kind == vaxbook.KindBooked
		}
		if len(got) != 2 || !got[res[0].Reservation.ID] || !got[res[2].Reservation.ID] {
			t.Errorf("booked messages for %v, want reservations %d and %d", got, res[0].Reservation.ID, res[2].Reservation.ID)
		}
	}},
	{"a change writes a changed message and a cancel a cancelled one", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		r := mustBook(t, s, f.req(p, siteA, day1))
		req := f.req(p, siteB, day1)
		req.At = changeAt
		n, err := s.Change(t.Context(), vaxbook.ChangeRequest{OldID: r.ID, New: req})
		if err != nil {
			t.Fatalf("Change: %v", err)
		}
		if got := pendingKeys(t, s); !got[vaxbook.IdempotencyKey(vaxbook.KindChanged, n.ID)] {
			t.Errorf("pending after the change: %v, want the changed message", got)
		}
		if _, err := s.Cancel(t.Context(), p.Key, n.ID, cancelAt); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		if _, err := s.Cancel(t.Context(), p.Key, n.ID, cancelAt); err == nil {
			t.Fatal("second Cancel succeeded")
		}
		// The unsent booked and changed messages were withdrawn (withdrawTests).
		want := map[string]bool{
			vaxbook.IdempotencyKey(vaxbook.KindCancelled, n.ID): true,
		}
		msgs := mustMessages(t, s, vaxbook.OutboxPending)
		for _, m := range msgs {
			if !want[m.IdempotencyKey] {
				t.Errorf("unexpected message %s", m.IdempotencyKey)
			}
		}
		if len(msgs) != len(want) {
			t.Errorf("%d messages, want %d", len(msgs), len(want))
		}
	}},
	{"a claim leases rows with the sealed phone, and a failed row dies and is retried by an operator", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		p := f.mustPerson(t, 1, 2)
		mustBook(t, s, f.req(p, siteA, day1))
		now := bookAt.Add(time.Minute)
		got := mustClaim(t, s, now, 1)
		if !bytes.Equal(got[0].PhoneSealed, p.PhoneEnc) || got[0].Attempts != 1 {
			t.Errorf("claimed %+v, want the sealed phone and attempt 1", got[0])
		}
		mustClaim(t, s, now.Add(30*time.Second), 0) // leased for a minute
		if err := s.MarkFailed(t.Context(), vaxbook.OutboxFailure{ID: got[0].ID, LastError: "gateway: 503", Next: now, Dead: true}); err != nil {
			t.Fatalf("MarkFailed: %v", err)
		}
		mustClaim(t, s, now.Add(time.Hour), 0)
		dead := mustMessages(t, s, vaxbook.OutboxDead)
		if len(dead) != 1 || dead[0].LastError != "gateway: 503" {
			t.Fatalf("dead = %+v, want the message with its error", dead)
		}
		if err := s.RetryDead(t.Context(), dead[0].ID, now.Add(time.Hour)); err != nil {
			t.Fatalf("RetryDead: %v", err)
		}
		wantCode(t, "RetryDead of a pending row", s.RetryDead(t.Context(), dead[0].ID, now), vaxbook.CodeNotFound)
		again := mustClaim(t, s, now.Add(time.Hour), 1)
		if err := s.MarkSent(t.Context(), []int64{again[0].ID}, now.Add(time.Hour)); err != nil {
			t.Fatalf("MarkSent: %v", err)
		}
		if sent := mustMessages(t, s, vaxbook.OutboxSent); len(sent) != 1 {
			t.Errorf("%d sent, want 1", len(sent))
		}
	}},
	{"a batch of failures is marked at once: dead, retried later, and a row no longer pending left alone", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		for _, p := range f.mustPersons(t, 3, func(i int) int { return i }) {
			mustBook(t, s, f.req(p, siteA, day1))
		}
		now := bookAt.Add(time.Minute)
		got := mustClaim(t, s, now, 3)
		if err := s.MarkSent(t.Context(), []int64{got[2].ID}, now); err != nil {
			t.Fatalf("MarkSent: %v", err)
		}
		later := now.Add(10 * time.Minute)
		if err := s.MarkFailed(t.Context(),
			vaxbook.OutboxFailure{ID: got[0].ID, LastError: "no phone", Next: now, Dead: true},
			vaxbook.OutboxFailure{ID: got[1].ID, LastError: "gateway: 503", Next: later},
			vaxbook.OutboxFailure{ID: got[2].ID, LastError: "late", Next: now, Dead: true},
		); err != nil {
			t.Fatalf("MarkFailed: %v", err)
		}
		if err := s.MarkFailed(t.Context()); err != nil {
			t.Fatalf("MarkFailed of no rows: %v", err)
		}
		if dead := mustMessages(t, s, vaxbook.OutboxDead); len(dead) != 1 || dead[0].ID != got[0].ID || dead[0].LastError != "no phone" {
			t.Errorf("dead = %+v, want the first row with its error", dead)
		}
		if sent := mustMessages(t, s, vaxbook.OutboxSent); len(sent) != 1 || sent[0].ID != got[2].ID {
			t.Errorf("sent = %+v, want the third row still sent", sent)
		}
		mustClaim(t, s, later.Add(-time.Second), 0) // the retried row waits for its next attempt
		if again := mustClaim(t, s, later, 1); again[0].ID != got[1].ID || again[0].LastError != "gateway: 503" {
			t.Errorf("claimed %+v at its next attempt, want the second row with its error", again[0])
		}
	}},
	{"concurrent claimers never get the same row", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		for _, p := range f.mustPersons(t, 40, func(i int) int { return i % 10 }) {
			mustBook(t, s, f.req(p, siteA, day1))
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for {
					got, err := s.ClaimOutbox(t.Context(), bookAt.Add(time.Minute), time.Hour, 3)
					if err != nil {
						t.Errorf("ClaimOutbox: %v", err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, m := range got {
						seen[m.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != 40 {
			t.Errorf("%d rows claimed, want 40", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("row %d claimed %d times", id, n)
			}
		}
	}},
}

func mustMessages(tb testing.TB, s vaxbook.Store, status vaxbook.OutboxStatus) []vaxbook.OutboxMessage {
	tb.Helper()
	msgs, err := s.OutboxMessages(tb.Context(), status, 1000)
	if err != nil {
		tb.Fatalf("OutboxMessages(%s): %v", status, err)
	}
	return msgs
}

func mustClaim(tb testing.TB, o vaxbook.Outbox, now time.Time, want int) []vaxbook.OutboxMessage {
	tb.Helper()
	got, err := o.ClaimOutbox(tb.Context(), now, time.Minute, 10)
	if err != nil {
		tb.Fatalf("ClaimOutbox: %v", err)
	}
	if len(got) != want {
		tb.Fatalf("claimed %d rows at %s, want %d", len(got), now, want)
	}
	return got
}
