package queuetest

import (
	"fmt"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/queue"
)

// RunLoss checks what a waiting person sees when the counters under a Room are emptied
// (Redis restarted without persistence): flush must empty c. Tickets and passes stay
// valid and the line goes on in order, first from the running Room's last snapshot,
// then, for a Room started after the loss, from the tickets and passes presented.
func RunLoss(t *testing.T, c queue.Counters, flush func(t *testing.T)) {
	ctx := t.Context()
	clock := vaxbook.NewManualClock(t0)
	signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: []byte("loss test secret of at least 32 bytes")})
	if err != nil {
		t.Fatal(err)
	}
	newRoom := func() *queue.Room {
		cfg := queue.DefaultConfig()
		cfg.Signer, cfg.Counters, cfg.Clock, cfg.Rate, cfg.Auto = signer, c, clock, 10, false
		r, err := queue.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	room := newRoom()
	advance := func(r *queue.Room, d time.Duration) queue.State {
		t.Helper()
		s, _ := r.Counters().State(ctx)
		for end := clock.Now().Add(d); clock.Now().Before(end); {
			clock.Advance(100 * time.Millisecond)
			if s, err = r.Advance(ctx, clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	type person struct{ device, ticket string }
	join := func(r *queue.Room) person {
		t.Helper()
		res, err := r.Join(ctx, queue.JoinRequest{ClientAddr: "a"}, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		res, err = r.Join(ctx, queue.JoinRequest{Device: res.Device, ClientAddr: "a"}, clock.Now().Add(time.Second))
		if err != nil || res.Ticket == "" {
			t.Fatalf("join: %+v, %v", res, err)
		}
		return person{res.Device, res.Ticket}
	}
	status := func(r *queue.Room, p person) queue.Status {
		t.Helper()
		st, err := r.Status(ctx, p.ticket, p.device, clock.Now())
		if err != nil {
			t.Fatalf("status after the loss: %v", err)
		}
		return st
	}
	if _, err := room.Advance(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	var line []person
	for range 30 {
		line = append(line, join(room))
	}
	if s := advance(room, time.Second); s.Head != 10 {
		t.Fatalf("head %d, want 10", s.Head)
	}
	pass, err := room.Claim(ctx, line[9].ticket, line[9].device, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	before := status(room, line[29])

	flush(t)
	t.Run("a running room restores the counters from its snapshot", func(t *testing.T) {
		if st := status(room, line[29]); st.Position != before.Position {
			t.Errorf("last in line: position %d after the loss, want %d", st.Position, before.Position)
		}
		if err := room.CheckPass(ctx, pass, line[9].device, clock.Now()); err != nil {
			t.Errorf("a pass issued before the loss: %v", err)
		}
		newcomer := join(room)
		if st := status(room, newcomer); st.Seq != 31 {
			t.Errorf("newcomer seq %d, want 31: behind everyone who was waiting", st.Seq)
		}
		// The newcomer's join (a second ahead of the clock) restored the counters, so
		// admission resumes a second from now: two seconds of it at 10/s.
		s := advance(room, 3*time.Second)
		if s.Head != 30 || s.Issued != 31 {
			t.Errorf("head %d issued %d, want 30 and 31: the line goes on in order", s.Head, s.Issued)
		}
	})

	flush(t)
	t.Run("a room started after the loss recovers from the tickets and passes shown", func(t *testing.T) {
		fresh := newRoom()
		if _, err := fresh.Advance(ctx, clock.Now()); err != nil {
			t.Fatal(err)
		}
		if st := status(fresh, line[29]); st.Seq != 30 || st.Position == 0 {
			t.Errorf("last in line: %+v, want seq 30 still waiting", st)
		}
		if err := fresh.CheckPass(ctx, pass, line[9].device, clock.Now()); err != nil {
			t.Errorf("a pass issued before the loss: %v", err)
		}
		newcomer := join(fresh)
		s := advance(fresh, 100*time.Millisecond)
		if st := status(fresh, newcomer); st.Seq != 31 || s.Head < 10 {
			t.Errorf("newcomer seq %d with head %d, want 31 and at least 10: issued and head re-seeded", st.Seq, s.Head)
		}
		for i := range 29 {
			if st := status(fresh, line[i+1]); !st.Admitted && st.Position <= status(fresh, line[i]).Position {
				t.Fatalf("%s: seq %d not behind seq %d", fmt.Sprint(st), i+2, i+1)
			}
		}
	})
}
