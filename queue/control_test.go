package queue_test

import (
	"math"
	"testing"
	"time"

	"vaxbook/queue"
)

func TestControllerRaisesWhileHealthyAndCutsSharply(t *testing.T) {
	busy := queue.Load{Waiting: 1000, Active: 10, MaxActive: 100}
	for _, c := range []struct {
		name      string
		latencies []time.Duration
		failures  int
		load      queue.Load
		want      float64
	}{
		{"healthy and people waiting: +20", []time.Duration{100 * time.Millisecond, 120 * time.Millisecond}, 0, busy, 120},
		{"no calls at all keeps the rate", nil, 0, busy, 100},
		{"slow verification p95: ×0.7", append(make([]time.Duration, 90), repeat(600*time.Millisecond, 10)...), 0, busy, 70},
		{"a few slow verifications under p95 stay healthy", append(make([]time.Duration, 97), repeat(time.Second, 3)...), 0, busy, 120},
		{"1 % errors: ×0.7", make([]time.Duration, 100), 1, busy, 70},
		{"nobody waiting: unchanged", []time.Duration{time.Millisecond}, 0, queue.Load{}, 100},
		{"active bound reached: unchanged", nil, 0, queue.Load{Waiting: 5, Active: 100, MaxActive: 100}, 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctl := queue.NewController(queue.DefaultControlConfig())
			for i, l := range c.latencies {
				ctl.Observe(queue.Verification, l, i < c.failures)
			}
			if got := ctl.Tick(100, c.load); got != c.want {
				t.Errorf("rate %v, want %v", got, c.want)
			}
			if got := ctl.Tick(100, queue.Load{}); got != 100 {
				t.Errorf("next tick %v, want 100: observations are forgotten each tick", got)
			}
		})
	}
	t.Run("each step is held to its own percentile", func(t *testing.T) {
		for _, c := range []struct {
			name       string
			step       queue.Step
			slow, fast int
			latency    time.Duration
			want       float64
		}{
			{"bookings: 2 % slower than 300 ms cut", queue.Booking, 2, 98, 400 * time.Millisecond, 70},
			{"bookings: 1 % slower keeps p99 in target", queue.Booking, 1, 199, 400 * time.Millisecond, 120},
			{"verifications: 6 % slower than 500 ms cut", queue.Verification, 6, 94, 600 * time.Millisecond, 70},
			{"verifications at 400 ms are within their target", queue.Verification, 50, 50, 400 * time.Millisecond, 120},
			{"bookings at 400 ms are not", queue.Booking, 50, 50, 400 * time.Millisecond, 70},
		} {
			t.Run(c.name, func(t *testing.T) {
				ctl := queue.NewController(queue.DefaultControlConfig())
				for range c.fast {
					ctl.Observe(c.step, 10*time.Millisecond, false)
				}
				for range c.slow {
					ctl.Observe(c.step, c.latency, false)
				}
				if got := ctl.Tick(100, busy); got != c.want {
					t.Errorf("rate %v, want %v", got, c.want)
				}
			})
		}
	})
	t.Run("a high rate grows by a tenth, not by the step", func(t *testing.T) {
		ctl := queue.NewController(queue.DefaultControlConfig())
		ctl.Observe(queue.Booking, time.Millisecond, false)
		if got := ctl.Tick(1000, busy); got != 1100 {
			t.Errorf("raised to %v, want 1100", got)
		}
	})
	t.Run("a held opening does not grow the rate", func(t *testing.T) {
		ctl := queue.NewController(queue.DefaultControlConfig())
		rate := 500.0
		for range 120 { // two minutes of people waiting, nobody admitted
			rate = ctl.Tick(rate, busy)
		}
		if rate != 500 {
			t.Errorf("rate %v after a held minute, want 500", rate)
		}
	})
	t.Run("after a cut the rate is held while those admitted before it arrive", func(t *testing.T) {
		ctl := queue.NewController(queue.DefaultControlConfig()) // Settle: 3
		slow := func() { ctl.Observe(queue.Booking, time.Second, false) }
		fast := func() { ctl.Observe(queue.Booking, time.Millisecond, false) }
		rate := 1000.0
		for i, c := range []struct {
			observe func()
			want    float64
		}{
			{fast, 1100},             // healthy: those admitted now arrive later
			{slow, 770},              // the cut
			{slow, 770},              // still arriving: held
			{slow, 770},              // held
			{slow, 539},              // a second cut, three ticks after the first
			{fast, 539}, {fast, 539}, // healthy, yet held: the cut has not shown yet
			{fast, 592.9}, // settled and healthy: grows again
		} {
			c.observe()
			if rate = ctl.Tick(rate, busy); math.Abs(rate-c.want) > 1e-9 {
				t.Fatalf("tick %d: rate %v, want %v", i+1, rate, c.want)
			}
		}
	})
	t.Run("slowness from the first second is cut every second", func(t *testing.T) {
		// Nothing was admitted while the downstream looked healthy, so nothing is on
		// its way: the rate is simply too high (an opening let in at the start rate).
		ctl := queue.NewController(queue.DefaultControlConfig())
		rate := 1000.0
		for i, want := range []float64{700, 490, 343} {
			ctl.Observe(queue.Booking, time.Second, false)
			if rate = ctl.Tick(rate, busy); math.Abs(rate-want) > 1e-9 {
				t.Fatalf("tick %d: rate %v, want %v", i+1, rate, want)
			}
		}
	})
	t.Run("near its targets the rate grows by the step, not by a share", func(t *testing.T) {
		for _, c := range []struct {
			name    string
			step    queue.Step
			latency time.Duration
			want    float64
		}{
			{"bookings under half their target", queue.Booking, 120 * time.Millisecond, 1100},
			{"bookings over half their target", queue.Booking, 200 * time.Millisecond, 1020},
			{"verifications under half their target", queue.Verification, 200 * time.Millisecond, 1100},
			{"verifications over half their target", queue.Verification, 400 * time.Millisecond, 1020},
		} {
			t.Run(c.name, func(t *testing.T) {
				ctl := queue.NewController(queue.DefaultControlConfig())
				ctl.Observe(c.step, c.latency, false)
				if got := ctl.Tick(1000, busy); got != c.want {
					t.Errorf("raised to %v, want %v", got, c.want)
				}
			})
		}
	})
	t.Run("the rate stays within bounds", func(t *testing.T) {
		ctl := queue.NewController(queue.ControlConfig{Min: 50, Max: 110})
		ctl.Observe(queue.Booking, time.Millisecond, false)
		if got := ctl.Tick(100, busy); got != 110 {
			t.Errorf("raised to %v, want the max 110", got)
		}
		ctl.Observe(queue.Booking, time.Second, true)
		if got := ctl.Tick(60, busy); got != 50 {
			t.Errorf("cut to %v, want the min 50", got)
		}
	})
}

func TestRoomControlRunsOnlyOnTheLeaderInAutoMode(t *testing.T) {
	h := mustRoom(t, func(c *queue.Config) { c.Auto, c.Instance = true, "a" })
	other, err := queue.New(queue.Config{Signer: mustSigner(t, secret), Counters: h.counters, Instance: "b", Clock: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		h.join(t, "x")
	}
	h.advance(t, 100*time.Millisecond)
	h.Controller().Observe(queue.Verification, time.Millisecond, false) // a fast downstream call: healthy
	rate := func() float64 { s, _ := h.Counters().State(t.Context()); return s.Rate }
	if err := h.Control(t.Context(), h.clock.Now()); err != nil || rate() != 30 {
		t.Fatalf("leader step: rate %v, %v; want 10+20", rate(), err)
	}
	if err := other.Control(t.Context(), h.clock.Now()); err != nil || rate() != 30 {
		t.Fatalf("follower step changed the rate to %v, %v", rate(), err)
	}
	if err := h.SetRate(t.Context(), 15); err != nil {
		t.Fatal(err)
	}
	if err := h.Control(t.Context(), h.clock.Now()); err != nil || rate() != 15 {
		t.Errorf("after a manual rate the controller moved it to %v", rate())
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = d
	}
	return s
}
