package queue_test

import (
	"errors"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/inmem"
	"vaxbook/queue"
)

// harness is a Room on in-process counters and a manual clock.
type harness struct {
	*queue.Room
	clock    *vaxbook.ManualClock
	counters queue.Counters
}

// mustRoom returns a Room with no windows (admission never held), 10 admissions/s by
// hand, and cfg edited by edit.
func mustRoom(t *testing.T, edit func(*queue.Config)) *harness {
	t.Helper()
	h := &harness{clock: vaxbook.NewManualClock(t0), counters: queue.NewMemCounters()}
	cfg := queue.DefaultConfig()
	cfg.Queue, cfg.Signer, cfg.Counters, cfg.Clock = 7, mustSigner(t, secret), h.counters, h.clock
	cfg.Rate, cfg.Auto = 10, false
	if edit != nil {
		edit(&cfg)
	}
	r, err := queue.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.Room = r
	h.advance(t, 0)
	return h
}

// advance moves the clock by d in steps of 100 ms, advancing the queue at each.
func (h *harness) advance(t *testing.T, d time.Duration) {
	t.Helper()
	for {
		step := min(d, 100*time.Millisecond)
		h.clock.Advance(step)
		if _, err := h.Advance(t.Context(), h.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if d -= step; d <= 0 {
			return
		}
	}
}

// person is one browser: its device cookie and ticket.
type person struct{ device, ticket, addr string }

// join makes a new person join: a first request for the cookie, the confirming one a
// second later (the clock moves).
func (h *harness) join(t *testing.T, addr string) *person {
	t.Helper()
	p := &person{addr: addr}
	res, err := h.Join(t.Context(), queue.JoinRequest{ClientAddr: addr}, h.clock.Now())
	if err != nil || res.Ticket != "" || res.Device == "" {
		t.Fatalf("first join = %+v, %v; want a device token and no place", res, err)
	}
	p.device = res.Device
	h.clock.Advance(time.Second)
	h.rejoin(t, p)
	return p
}

func (h *harness) rejoin(t *testing.T, p *person) queue.JoinResult {
	t.Helper()
	res, err := h.Join(t.Context(), queue.JoinRequest{Device: p.device, Ticket: p.ticket, ClientAddr: p.addr}, h.clock.Now())
	if err != nil || res.Ticket == "" {
		t.Fatalf("confirming join = %+v, %v; want a ticket", res, err)
	}
	p.ticket = res.Ticket
	return res
}

func (h *harness) status(t *testing.T, p *person) queue.Status {
	t.Helper()
	st, err := h.Status(t.Context(), p.ticket, p.device, h.clock.Now())
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	return st
}

func TestJoinWithoutCookieGetsNoPlace(t *testing.T) {
	h := mustRoom(t, nil)
	ctx := t.Context()
	for range 3 {
		res, err := h.Join(ctx, queue.JoinRequest{ClientAddr: "1.2.3.4"}, h.clock.Now())
		if err != nil || res.Ticket != "" || !res.RetryAt.Equal(h.clock.Now().Add(time.Second)) {
			t.Fatalf("cookie-less join = %+v, %v; want no place, confirm in 1 s", res, err)
		}
	}
	res, _ := h.Join(ctx, queue.JoinRequest{ClientAddr: "1.2.3.4"}, h.clock.Now())
	h.clock.Advance(500 * time.Millisecond)
	young, err := h.Join(ctx, queue.JoinRequest{Device: res.Device}, h.clock.Now())
	if err != nil || young.Ticket != "" || !young.RetryAt.Equal(res.RetryAt) || young.Device != res.Device {
		t.Fatalf("join with a half-second-old cookie = %+v, %v; want the same device, no place, retry at %v", young, err, res.RetryAt)
	}
	if s, _ := h.Snapshot(ctx); s.Issued != 0 {
		t.Errorf("issued = %d, want 0: no place without a confirmed cookie", s.Issued)
	}
	h.clock.Advance(500 * time.Millisecond)
	if ok, err := h.Join(ctx, queue.JoinRequest{Device: res.Device}, h.clock.Now()); err != nil || ok.Ticket == "" {
		t.Fatalf("confirmed join = %+v, %v; want a place", ok, err)
	}
}

func TestRefreshOrRejoinKeepsThePlace(t *testing.T) {
	h := mustRoom(t, func(c *queue.Config) { c.DeviceLimit = inmem.NewSketchLimiter(2, time.Minute, 1024) })
	first := h.join(t, "a")
	h.join(t, "b")
	before := first.ticket
	for range 10 {
		if res := h.rejoin(t, first); res.Ticket != before || !res.Kept {
			t.Fatalf("rejoin = %+v, want the same ticket kept", res)
		}
	}
	if st := h.status(t, first); st.Seq != 1 || st.Position != 1 {
		t.Errorf("status after refreshes = %+v, want seq 1 at position 1", st)
	}
}

func asError(err error, e **vaxbook.Error) bool {
	var x *vaxbook.Error
	ok := errors.As(err, &x)
	*e = x
	return ok
}
