package queue_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vaxbook/queue"
)

// awaitAsync runs Await in its own goroutine and returns where its answer arrives.
func (h *harness) awaitAsync(ctx context.Context, p *person, hold time.Duration) <-chan queue.Status {
	out := make(chan queue.Status, 1)
	go func() {
		st, _ := h.Await(ctx, p.ticket, p.device, hold)
		out <- st
	}()
	return out
}

func (h *harness) awaiting(t *testing.T) int {
	t.Helper()
	s, err := h.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return s.Awaiting
}

// untilAwaiting waits (in real time) until n answers are held.
func (h *harness) untilAwaiting(t *testing.T, n int) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(2 * time.Millisecond) {
		if h.awaiting(t) == n {
			return
		}
	}
	t.Fatalf("%d answers held, want %d", h.awaiting(t), n)
}

func received(t *testing.T, ch <-chan queue.Status, within time.Duration) queue.Status {
	t.Helper()
	select {
	case st := <-ch:
		return st
	case <-time.After(within):
		t.Fatalf("no answer within %v", within)
		return queue.Status{}
	}
}

func TestAwaitAnswersEachPersonWhenTheLineReachesThem(t *testing.T) {
	h := mustRoom(t, func(c *queue.Config) { c.MaxHold = time.Minute })
	var waiting []*person
	for i := range 25 {
		waiting = append(waiting, h.join(t, fmt.Sprint("10.0.1.", i)))
	}
	// The joins moved the clock 25 s; the first advance admits at most 2 s of it.
	h.advance(t, 0)
	for len(waiting) > 0 && h.status(t, waiting[0]).Admitted {
		waiting = waiting[1:]
	}
	if len(waiting) < 3 {
		t.Fatalf("%d people still waiting, want at least 3", len(waiting))
	}
	answers := make([]<-chan queue.Status, len(waiting))
	for i, p := range waiting {
		answers[i] = h.awaitAsync(t.Context(), p, time.Minute)
	}
	h.untilAwaiting(t, len(waiting))
	// Rate 10/s: 100 ms admits the next one only; the others stay held.
	h.advance(t, 100*time.Millisecond)
	if st := received(t, answers[0], 10*time.Second); !st.Admitted {
		t.Fatalf("first answer %+v, want admitted", st)
	}
	h.untilAwaiting(t, len(waiting)-1)
	for _, ch := range answers[1:] {
		select {
		case st := <-ch:
			t.Fatalf("answered before the turn: %+v", st)
		default:
		}
	}
	h.advance(t, time.Second)
	for i, ch := range answers[1:] {
		if st := received(t, ch, 10*time.Second); !st.Admitted {
			t.Errorf("person %d still waiting: %+v, want admitted", i+2, st)
		}
	}
	h.untilAwaiting(t, 0)
}

func TestAwaitAnswersAtOnceWhenTheTurnIsFurtherThanTheHold(t *testing.T) {
	// Rate 1/s: thirty people ahead put the earliest turn 30 s away, past a 20 s hold.
	h := mustRoom(t, func(c *queue.Config) { c.MaxHold = time.Minute; c.Rate = 1 })
	var last *person
	for i := range 31 {
		last = h.join(t, fmt.Sprint("10.0.2.", i))
	}
	st := h.status(t, last)
	if st.Admitted || st.WaitMin <= 20*time.Second {
		t.Fatalf("status %+v: want a wait of more than 20 s", st)
	}
	got := received(t, h.awaitAsync(t.Context(), last, 20*time.Second), 5*time.Second) // held, it would take 20 s
	if got.Admitted || got.Position != st.Position || got.PollAfter <= 0 {
		t.Errorf("await far from the turn = %+v, want the plain status %+v", got, st)
	}
}

func TestAwaitAnswersAtOnceWhenNoTurnCanBeForeseen(t *testing.T) {
	for _, c := range []struct {
		name     string
		set      func(context.Context, *harness) error
		admitted bool
	}{
		{"rate 0", func(ctx context.Context, h *harness) error { return h.SetRate(ctx, 0) }, false},
		{"paused", func(ctx context.Context, h *harness) error { return h.Pause(ctx) }, false},
		{"already admitted", func(context.Context, *harness) error { return nil }, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := mustRoom(t, func(c *queue.Config) { c.MaxHold = time.Minute })
			p := h.join(t, "10.0.5.1")
			if err := c.set(t.Context(), h); err != nil {
				t.Fatal(err)
			}
			h.advance(t, 0)
			if !c.admitted && h.status(t, p).Admitted {
				t.Fatal("admitted before the check")
			}
			// Held, the answer would take the whole minute.
			if st := received(t, h.awaitAsync(t.Context(), p, time.Minute), 5*time.Second); st.Admitted != c.admitted {
				t.Errorf("%+v, want admitted %v", st, c.admitted)
			}
		})
	}
}

func TestDrainAnswersHeldStatusesAndHoldsNoMore(t *testing.T) {
	h := mustRoom(t, func(c *queue.Config) { c.MaxHold = time.Minute })
	p, q := h.join(t, "10.0.6.1"), h.join(t, "10.0.6.2")
	held := h.awaitAsync(t.Context(), q, time.Minute)
	h.untilAwaiting(t, 1)
	h.Drain()
	if st := received(t, held, 5*time.Second); st.Admitted {
		t.Errorf("drained answer %+v, want the place, not admitted", st)
	}
	received(t, h.awaitAsync(t.Context(), p, time.Minute), 5*time.Second)
	if n := h.awaiting(t); n != 0 {
		t.Errorf("%d answers held after the drain", n)
	}
}

func TestAwaitEndsAtTheHoldOrWhenTheClientGoes(t *testing.T) {
	h := mustRoom(t, func(c *queue.Config) { c.MaxHold = 200 * time.Millisecond })
	p := h.join(t, "10.0.3.1")
	start := time.Now()
	st := received(t, h.awaitAsync(t.Context(), p, time.Minute), 10*time.Second)
	if st.Admitted || time.Since(start) < 200*time.Millisecond {
		t.Errorf("after the hold: %+v in %v, want not admitted after MaxHold (200 ms)", st, time.Since(start))
	}
	ctx, cancel := context.WithCancel(t.Context())
	h2 := mustRoom(t, func(c *queue.Config) { c.MaxHold = time.Minute })
	q := h2.join(t, "10.0.3.2")
	ch := h2.awaitAsync(ctx, q, time.Minute)
	h2.untilAwaiting(t, 1)
	cancel()
	received(t, ch, 10*time.Second)
	h2.untilAwaiting(t, 0)
}

func TestAwaitHoldsOneAnswerPerPlace(t *testing.T) {
	h := mustRoom(t, func(c *queue.Config) { c.MaxHold = time.Minute })
	p := h.join(t, "10.0.4.1")
	first := h.awaitAsync(t.Context(), p, time.Minute)
	h.untilAwaiting(t, 1)
	second := h.awaitAsync(t.Context(), p, time.Minute)
	if st := received(t, first, 10*time.Second); st.Admitted || st.Position == 0 {
		t.Errorf("the replaced answer: %+v, want the place, not admitted", st)
	}
	h.untilAwaiting(t, 1)
	h.advance(t, time.Second)
	if st := received(t, second, 10*time.Second); !st.Admitted {
		t.Errorf("the second answer: %+v, want admitted", st)
	}
}
