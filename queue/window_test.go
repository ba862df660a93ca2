package queue_test

import (
	"fmt"
	"math"
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
	if err := h.Done(t.Context(), pass); err != nil { // booked
		t.Fatal(err)
	}
	if err := h.Done(t.Context(), "forged"); err != nil {
		t.Errorf("a pass that does not open = %v, want it ignored", err)
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

// line plays seconds of a line at a controller: each tick reports the counters'
// totals a second later, as the lease holder reads them.
type line struct {
	c             *queue.Controller
	head, pruned  uint64
	active, sec   int
	waiting, held uint64
	window        int
	latency       time.Duration // of the second's one verification
}

// second plays one second in which admitted were let in, active people are active at
// its end and prunedMore were pruned, at rate, and returns the next rate.
func (l *line) second(rate float64, admitted uint64, active int, prunedMore uint64) float64 {
	l.c.Observe(queue.Verification, l.latency, false)
	l.head, l.pruned, l.active = l.head+admitted, l.pruned+prunedMore, active
	l.sec++
	return l.c.Tick(rate, queue.Load{Waiting: l.waiting, Active: l.active, MaxActive: 20000, Window: l.window,
		Held: l.held, Head: l.head, Pruned: l.pruned, At: t0.Add(time.Duration(l.sec) * time.Second)})
}

// newLine starts a line of healthy seconds with people waiting, at c.
func newLine(c *queue.Controller) *line {
	return &line{c: c, waiting: 1000, latency: 10 * time.Millisecond}
}

// teach makes c learn a stay of d: two healthy seconds in which 100 finish a second
// with 100 × d people in the flow.
func teach(c *queue.Controller, d time.Duration) {
	l := newLine(c)
	l.sec = -100 // before whatever line c is then shown
	in := int(100 * d.Seconds())
	l.second(100, 0, in, 0)
	l.second(100, 100, in, 0)
}

// TestTheControllerSetsTheWindowFromTheShortestStay: the window is 1.3 times the people
// an unhurried flow holds — the rate × the shortest stay of the last ten healthy,
// steady seconds, measured by Little's law from the counters' totals (those in the
// flow over those finishing a second) — and not from slow, quiet, opening or restored
// seconds; the Room hands it to the counters with the rate.
func TestTheControllerSetsTheWindowFromTheShortestStay(t *testing.T) {
	l := newLine(queue.NewController(queue.ControlConfig{}))
	if w := l.c.Window(500); w != 0 {
		t.Errorf("before anyone finished: window %d, want 0 (none)", w)
	}
	l.second(100, 0, 30, 0) // the first tick has nothing to compare with
	if w := l.c.Window(500); w != 0 {
		t.Errorf("after one tick: window %d, want 0 (none)", w)
	}
	l.second(100, 100, 30, 0) // 100 finished, 30 in the flow: a stay of 300 ms
	if w := l.c.Window(500); w != 195 {
		t.Errorf("stay 300 ms: window at 500/s = %d, want 1.3 × 500 × 0.3 = 195", w)
	}
	for _, tc := range []struct {
		why              string
		latency          time.Duration
		admitted         uint64
		active           int
		held, prunedMore uint64
	}{
		{"a slow second's stay (200 ms) is the slowness itself", 2 * time.Second, 100, 20, 0, 0},
		{"a quiet second (2 finished) would set it by two residents", 10 * time.Millisecond, 2, 20, 0, 0},
		{"an opening (100 in, 45 finished) is not a steady flow", 10 * time.Millisecond, 100, 75, 0, 0},
		{"a longer stay (600 ms, queueing) does not widen it", 10 * time.Millisecond, 100, 60, 0, 0},
		{"nor does one with those who left held apart (80 active, 20 held: 600 ms)", 10 * time.Millisecond, 100, 80, 20, 0},
		{"a line draining (60 in, 140 finished: 286 ms) is not a steady flow", 10 * time.Millisecond, 60, 0, 0, 0},
	} {
		l.latency, l.held = tc.latency, tc.held
		l.second(100, tc.admitted, tc.active, tc.prunedMore)
		if w, want := l.c.Window(500), 195+int(tc.held); w != want {
			t.Errorf("%s: window %d, want %d", tc.why, w, want)
		}
	}
	l.latency, l.held = 10*time.Millisecond, 0
	for range 11 { // a second from 80 active to 60, then ten at 600 ms: the shortest of the last ten is theirs
		l.second(100, 100, 60, 0)
	}
	if w := l.c.Window(500); w != 390 {
		t.Errorf("ten seconds of 600 ms: window %d, want 1.3 × 500 × 0.6 = 390", w)
	}
	l.head = 0 // the counters lost and restored lower
	l.second(100, 100, 10, 0)
	if w := l.c.Window(500); w != 390 {
		t.Errorf("after a restore: window %d, want 390 (nothing learnt from totals going back)", w)
	}
	if w := l.c.Window(0.1); w != 1 {
		t.Errorf("at 0.1/s: window %d, want at least 1", w)
	}
	quiet := newLine(queue.NewController(queue.ControlConfig{}))
	quiet.second(100, 0, 1, 0)
	quiet.second(100, 2, 1, 0)
	if w := quiet.c.Window(500); w != 0 {
		t.Errorf("only a quiet second (2 finished): window %d, want 0 (none): two residents' timing teaches nothing", w)
	}
	off := newLine(queue.NewController(queue.ControlConfig{WindowGain: -1}))
	off.second(100, 0, 30, 0)
	off.second(100, 100, 30, 0)
	if w := off.c.Window(500); w != 0 {
		t.Errorf("window off: %d, want 0", w)
	}

	h := mustRoom(t, func(c *queue.Config) { c.Rate, c.Auto = 100, true })
	teach(h.Controller(), time.Second)
	h.Controller().Observe(queue.Verification, 10*time.Millisecond, false)
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

// TestTheRateGrowsNoFurtherAheadOfWhatFinishes: the rate grows only while it is less
// than a tenth above the best finish rate of the last ten seconds in which people
// waited and neither the window nor the active bound was full; other seconds teach it
// nothing.
func TestTheRateGrowsNoFurtherAheadOfWhatFinishes(t *testing.T) {
	l := newLine(queue.NewController(queue.ControlConfig{}))
	if got := l.second(1000, 0, 0, 0); got != 1100 {
		t.Fatalf("nothing known of what finishes: rate %v, want 1100 (grown by a tenth)", got)
	}
	if got := l.second(1000, 1000, 600, 0); got != 1000 {
		t.Errorf("400 finished a second (1000 in, 600 still in the flow): rate %v, want 1000 kept", got)
	}
	if got := l.second(430, 430, 600, 0); got != 473 {
		t.Errorf("430 finished at 430/s: rate %v, want 473 (within a tenth of the best: grows)", got)
	}
	if got := l.second(850, 900, 600, 100); got != 935 {
		t.Errorf("800 finished (900 in, 100 pruned): rate 850 became %v, want 935 (grows)", got)
	}
	for _, tc := range []struct {
		why            string
		waiting        uint64
		window, active int
	}{
		{"nobody waiting: how many came, not how many can be served", 0, 0, 600},
		{"the window full: how wide the window was", 1000, 600, 600},
	} {
		l.waiting, l.window = tc.waiting, tc.window
		if got := l.second(900, 5000, tc.active, 0); got != 900 {
			t.Errorf("%s: rate %v, want 900 kept (the best finish rate, 800/s, unchanged)", tc.why, got)
		}
	}
	l.waiting, l.window = 1000, 0
	for range 10 { // a stall: nobody finishes, and the best finish rate is kept
		l.second(900, 0, 600, 0)
	}
	if got := l.second(900, 0, 600, 0); got != 900 {
		t.Errorf("after ten seconds in which nobody finished: rate %v, want 900 kept", got)
	}
	for range 10 { // ten seconds of 200 finishing: the best of the last ten falls to them
		l.second(200, 200, 600, 0)
	}
	if got := l.second(230, 200, 600, 0); got != 230 {
		t.Errorf("ten seconds of 200 finished: rate %v, want 230 kept", got)
	}
	l.head = 0 // the counters lost and restored lower: no finish rate from that second
	if got := l.second(230, 5000, 100, 0); got != 230 {
		t.Errorf("after a restore: rate %v, want 230 kept (nothing learnt from totals going back)", got)
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
	teach(c, 200*time.Millisecond)
	for _, held := range []uint64{0, 40, 5} {
		c.Observe(queue.Verification, 10*time.Millisecond, false)
		c.Tick(100, queue.Load{Held: held})
		if w, want := c.Window(500), 130+int(held); w != want {
			t.Errorf("%d held by those who gave up: window %d, want 1.3 × 500/s × 0.2 s + %d = %d", held, w, held, want)
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
	teach(h.Controller(), time.Second)
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
	if want := int(math.Ceil(1.3*s.Rate*1)) + 20; s.Window != want {
		t.Errorf("after twenty were pruned: window %d in the counters, want 1.3 × rate %v × 1 s + 20 = %d", s.Window, s.Rate, want)
	}
}
