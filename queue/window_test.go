package queue_test

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"vaxbook/queue"
)

// TestTheWindowClocksAdmissionByBookings: under the controller, at most the window's
// people may be between their turn and their booking; a booking frees its place at
// the next advance, and an operator's rate is not bounded by the window.
func TestTheWindowClocksAdmissionByBookings(t *testing.T) {
	h := mustRoom(t, func(c *queue.Config) { c.Rate, c.Auto = 10, true })
	if err := h.counters.AdjustRate(t.Context(), 10, 3); err != nil {
		t.Fatal(err)
	}
	h.advance(t, 0) // the Room reads the window with the state
	var people []*person
	for i := range 12 {
		people = append(people, h.join(t, fmt.Sprint("10.0.0.", i)))
	}
	stats := func() queue.Stats {
		t.Helper()
		s, err := h.Snapshot(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	h.advance(t, 5*time.Second)
	if s := stats(); s.Head != 3 || s.Active != 3 || s.MaxActive != 3 {
		t.Fatalf("after 5 s at 10/s with a window of 3: head %d, active %d of %d; want 3, 3 of 3 (nobody booked yet)", s.Head, s.Active, s.MaxActive)
	}
	pass, err := h.Claim(t.Context(), people[0].ticket, people[0].device, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(700 * time.Millisecond)
	if err := h.Booked(t.Context(), pass, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	for _, done := range []func() error{
		func() error { return h.Booked(t.Context(), "forged", h.clock.Now()) },
		func() error { return h.Done(t.Context(), "forged") },
	} {
		if err := done(); err != nil {
			t.Errorf("a pass that does not open = %v, want it ignored", err)
		}
	}
	h.advance(t, time.Second)
	if s := stats(); s.Head != 4 {
		t.Fatalf("after one booked: head %d, want 4", s.Head)
	}
	for _, tc := range []struct{ maxActive, want int }{{5, 5}, {0, 50}, {100, 50}} {
		r := mustRoom(t, func(c *queue.Config) { c.Rate, c.Auto, c.MaxActive = 10, true, tc.maxActive })
		if err := r.counters.AdjustRate(t.Context(), 10, 50); err != nil {
			t.Fatal(err)
		}
		r.advance(t, 0)
		if s, _ := r.Snapshot(t.Context()); s.MaxActive != tc.want {
			t.Errorf("window 50, MaxActive %d: bound %d, want %d", tc.maxActive, s.MaxActive, tc.want)
		}
	}
	if err := h.SetRate(t.Context(), 3); err != nil { // the operator takes the rate: no window
		t.Fatal(err)
	}
	h.advance(t, 2100*time.Millisecond) // 6.3 admissions: six, whatever the float sums
	if s := stats(); s.Head != 10 || s.MaxActive != queue.DefaultConfig().MaxActive {
		t.Fatalf("at an operator's 3/s for 2.1 s: head %d bound %d, want 10 and MaxActive", s.Head, s.MaxActive)
	}
}

// TestTheControllerSetsTheWindowFromHealthyFlows: the window is twice the people a
// healthy flow holds, learnt from the mean of the bookings' times since their claim,
// and not from slow or quiet seconds; the Room hands it to the counters with the rate.
func TestTheControllerSetsTheWindowFromHealthyFlows(t *testing.T) {
	c := queue.NewController(queue.ControlConfig{})
	second := func(latency time.Duration, flows ...time.Duration) {
		c.Observe(queue.Verification, latency, false)
		for _, f := range flows {
			c.ObserveFlow(f)
		}
		c.Tick(100, queue.Load{})
	}
	if w := c.Window(500); w != 0 {
		t.Errorf("before any booking: window %d, want 0 (none)", w)
	}
	many := func(n int, d time.Duration) []time.Duration { return slices.Repeat([]time.Duration{d}, n) }
	second(10*time.Millisecond, slices.Concat(many(7, 100*time.Millisecond), many(3, 500*time.Millisecond))...)
	if w := c.Window(500); w != 220 {
		t.Errorf("flows of 100 ms (7) and 500 ms (3), a mean of 220 ms: window at 500/s = %d, want 2 × 500 × 0.22 = 220 (not the median's 100)", w)
	}
	second(2*time.Second, many(20, 5*time.Second)...)
	if w := c.Window(500); w != 220 {
		t.Errorf("after a slow second: window %d, want 220: slow flows teach nothing", w)
	}
	second(10*time.Millisecond, many(2, 10*time.Millisecond)...)
	if w := c.Window(500); w != 220 {
		t.Errorf("after a quiet second (2 bookings): window %d, want 220: a few residents' timing teaches nothing", w)
	}
	second(10*time.Millisecond, many(10, 600*time.Millisecond)...)
	if w := c.Window(100); w != 63 {
		t.Errorf("a healthy mean of 600 ms moves the usual flow a quarter of the way (315 ms): window at 100/s = %d, want 63", w)
	}
	if w := c.Window(0.1); w != 1 {
		t.Errorf("at 0.1/s: window %d, want at least 1", w)
	}
	off := queue.NewController(queue.ControlConfig{WindowGain: -1})
	off.Observe(queue.Verification, 10*time.Millisecond, false)
	for range 10 {
		off.ObserveFlow(time.Second)
	}
	off.Tick(100, queue.Load{})
	if w := off.Window(500); w != 0 {
		t.Errorf("window off: %d, want 0", w)
	}

	h := mustRoom(t, func(c *queue.Config) { c.Rate, c.Auto = 100, true })
	h.Controller().Observe(queue.Verification, 10*time.Millisecond, false)
	for range 10 {
		h.Controller().ObserveFlow(time.Second)
	}
	if err := h.Control(t.Context(), h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	s, err := h.counters.State(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := h.Controller().Window(s.Rate); s.Window != want || want == 0 {
		t.Errorf("after a control step: window %d in the counters, want %d (rate %v)", s.Window, want, s.Rate)
	}
}

// TestAFullWindowGrowsTheRateByAStepOnly: in an easy second the rate grows by a tenth,
// but by Step alone while the window is full, which holds the downstream easy.
func TestAFullWindowGrowsTheRateByAStepOnly(t *testing.T) {
	for _, tc := range []struct {
		name   string
		active int
		want   float64
	}{
		{"window not full", 50, 550},
		{"window full", 100, 520},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := queue.NewController(queue.ControlConfig{})
			c.Observe(queue.Verification, 10*time.Millisecond, false)
			if got := c.Tick(500, queue.Load{Waiting: 1000, Active: tc.active, MaxActive: 20000, Window: 100}); got != tc.want {
				t.Errorf("rate after an easy second = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestTheWindowHoldsPlacesForThoseWhoGaveUp: people who leave without booking hold
// their place for Idle after their last request, so the window adds the people the
// idle timeout pruned over the last Idle (Little's law with a stay of Idle), read from
// the counters' samples; a Room whose admitted people fall silent widens the window in
// the counters by exactly them.
func TestTheWindowHoldsPlacesForThoseWhoGaveUp(t *testing.T) {
	c := queue.NewController(queue.ControlConfig{})
	for _, held := range []uint64{0, 40, 5} {
		c.Observe(queue.Verification, 10*time.Millisecond, false)
		for range 5 {
			c.ObserveFlow(200 * time.Millisecond)
		}
		c.Tick(100, queue.Load{Held: held})
		if w, want := c.Window(500), 200+int(held); w != want {
			t.Errorf("%d held by those who gave up: window %d, want 2 × 500/s × 0.2 s + %d = %d", held, w, held, want)
		}
	}

	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	samples := []queue.Sample{{At: at(0)}, {At: at(1)}, {At: at(3), Pruned: 40}, {At: at(20), Pruned: 60}}
	for _, tc := range []struct {
		last   int
		pruned uint64
		want   uint64
		why    string
	}{
		{3, 40, 40, "40 pruned at once hold 40 places, not more"},
		{20, 60, 60, "60 pruned within Idle"},
		{34, 70, 30, "the 40 pruned by +3 s are more than Idle ago: counted from +3 s"},
		{60, 70, 10, "counted from the sample at +20 s, the latest at or before +30 s"},
		{25, 10, 10, "samples younger than Idle: counted from the oldest"},
		{50, 50, 0, "a count below the samples' (never after a restore, which clears them) adds nothing"},
	} {
		s := queue.State{Last: at(tc.last), Pruned: tc.pruned, Samples: samples}
		if got := s.PrunedOver(30 * time.Second); got != tc.want {
			t.Errorf("pruned %d at +%ds: PrunedOver(30 s) = %d, want %d: %s", tc.pruned, tc.last, got, tc.want, tc.why)
		}
	}
	if got := (queue.State{Pruned: 9}).PrunedOver(30 * time.Second); got != 0 {
		t.Errorf("no samples: PrunedOver = %d, want 0", got)
	}

	h := mustRoom(t, func(c *queue.Config) { c.Rate, c.Auto = 100, true })
	for i := range 20 {
		h.join(t, fmt.Sprint("10.0.1.", i))
	}
	h.advance(t, time.Second)
	for range 10 {
		h.Controller().ObserveFlow(time.Second)
	}
	h.Controller().Observe(queue.Verification, 10*time.Millisecond, false)
	if err := h.Control(t.Context(), h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	for range 40 { // all twenty admitted and silent past Idle; the lease holder ticks each second
		h.advance(t, time.Second)
		h.Controller().Observe(queue.Verification, 10*time.Millisecond, false)
		if err := h.Control(t.Context(), h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	s, err := h.counters.State(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if s.Pruned != 20 {
		t.Fatalf("pruned %d, want 20", s.Pruned)
	}
	if want := int(math.Ceil(2*s.Rate*1)) + 20; s.Window != want {
		t.Errorf("after twenty were pruned: window %d in the counters, want 2 × rate %v × 1 s + 20 = %d", s.Window, s.Rate, want)
	}
}
