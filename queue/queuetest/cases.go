package queuetest

import (
	"testing"
	"time"

	"vaxbook/queue"
)

func activeBound(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{Rate: 100})
	mustIssue(t, c, 1000)
	p := params
	p.MaxActive = 5
	for key := range uint64(3) { // admitted earlier, say
		mustTouch(t, c, 101+key, t0)
	}
	for _, step := range []struct {
		at     time.Duration
		head   uint64
		active int
		why    string
	}{
		{time.Second, 2, 5, "only the free places are given, and those admitted count as active"},
		{2 * time.Second, 2, 5, "at the bound nobody is admitted"},
		{30 * time.Second, 2, 5, "exactly Idle after the last request still counts"},
		{31 * time.Second, 5, 5, "the three silent since t0 are pruned and their places given"},
	} {
		if s := mustAdvance(t, c, step.at, p); s.Head != step.head || s.Active != step.active {
			t.Errorf("+%v: head %d active %d, want %d and %d: %s", step.at, s.Head, s.Active, step.head, step.active, step.why)
		}
	}
}

func openingOnce(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{Rate: 1})
	mustIssue(t, c, 10)
	mustAdvance(t, c, 3*time.Second, params) // head 3
	at := t0.Add(4 * time.Second)
	p := params
	p.Openings = []queue.Opening{{At: at, Seed: [16]byte{1}}, {At: t0.Add(time.Hour), Seed: [16]byte{9}}}
	s := mustAdvance(t, c, 4*time.Second, p)
	want := queue.Opening{At: at, Lo: 3, Hi: 10, Seed: [16]byte{1}}
	if len(s.Openings) != 1 || !s.Openings[0].At.Equal(at) || s.Openings[0].Lo != want.Lo || s.Openings[0].Hi != want.Hi || s.Openings[0].Seed != want.Seed {
		t.Fatalf("openings = %+v, want only %+v (head 3 at the opening; a future one is not recorded)", s.Openings, want)
	}
	mustIssue(t, c, 5)
	p.Openings = []queue.Opening{{At: at, Seed: [16]byte{2}}, {At: t0.Add(5 * time.Second), Seed: [16]byte{3}}}
	s = mustAdvance(t, c, 5*time.Second, p)
	if len(s.Openings) != 2 || s.Openings[0].Seed != [16]byte{1} || s.Openings[0].Hi != 10 {
		t.Fatalf("openings = %+v, want the first kept with its first seed", s.Openings)
	}
	if o := s.Openings[1]; o.Lo != 10 || o.Hi != 15 || o.Seed != [16]byte{3} {
		t.Errorf("second opening = %+v, want (10, 15]: a range already shuffled is not shuffled again", o)
	}
}

func samples(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{Rate: 10})
	mustIssue(t, c, 1000)
	p := params
	p.Samples = 3
	var s queue.State
	for _, at := range []time.Duration{0, 500 * time.Millisecond, time.Second, 2 * time.Second, 2500 * time.Millisecond, 3 * time.Second, 4 * time.Second} {
		s = mustAdvance(t, c, at, p)
	}
	var got []time.Duration
	for _, x := range s.Samples {
		got = append(got, x.At.Sub(t0))
		if x.Issued != 1000 || x.Head != uint64(x.At.Sub(t0)/(100*time.Millisecond)) {
			t.Errorf("sample %+v: want issued 1000 and the head at that instant", x)
		}
	}
	if want := []time.Duration{2 * time.Second, 3 * time.Second, 4 * time.Second}; !equal(got, want) {
		t.Errorf("samples at %v, want %v", got, want)
	}
}

func restore(t *testing.T, c queue.Counters) {
	ctx := t.Context()
	hint := queue.State{Issued: 500, Head: 120, Rate: 42.5, Auto: true, Paused: true,
		Openings: []queue.Opening{{At: t0.Add(-time.Hour), Lo: 0, Hi: 100, Seed: [16]byte{7}}}}
	mustRestore(t, c, hint)
	s, err := c.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Issued != 500 || s.Head != 120 || s.Rate != 42.5 || !s.Auto || !s.Paused || len(s.Openings) != 1 || s.Openings[0].Seed != [16]byte{7} || !s.Openings[0].At.Equal(t0.Add(-time.Hour)) {
		t.Fatalf("restored state = %+v, want the hint", s)
	}
	if seq := mustIssue(t, c, 1); seq != 501 {
		t.Errorf("first seq after restore = %d, want 501: new arrivals queue behind old tickets", seq)
	}
	mustRestore(t, c, queue.State{Issued: 1})
	if s, _ := c.State(ctx); s.Issued != 501 || s.Head != 120 {
		t.Errorf("restore over live counters changed them: %+v", s)
	}
}

func raise(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{Issued: 10, Head: 2})
	for _, step := range []struct{ issued, head, wantIssued, wantHead uint64 }{
		{5, 1, 10, 2}, {20, 0, 20, 2}, {0, 15, 20, 15}, {0, 99, 20, 20},
	} {
		if err := c.Raise(t.Context(), step.issued, step.head); err != nil {
			t.Fatal(err)
		}
		if s, _ := c.State(t.Context()); s.Issued != step.wantIssued || s.Head != step.wantHead {
			t.Errorf("Raise(%d, %d): issued %d head %d, want %d %d", step.issued, step.head, s.Issued, s.Head, step.wantIssued, step.wantHead)
		}
	}
}

func adjust(t *testing.T, c queue.Counters) {
	ctx := t.Context()
	mustRestore(t, c, queue.State{Rate: 10, Auto: true})
	check := func(want float64, auto bool, window int) {
		t.Helper()
		if s, _ := c.State(ctx); s.Rate != want || s.Auto != auto || s.Window != window {
			t.Errorf("rate %v auto %v window %d, want %v %v %d", s.Rate, s.Auto, s.Window, want, auto, window)
		}
	}
	if err := c.AdjustRate(ctx, 30, 45); err != nil {
		t.Fatal(err)
	}
	check(30, true, 45)
	if err := c.SetRate(ctx, 5, false); err != nil {
		t.Fatal(err)
	}
	if err := c.AdjustRate(ctx, 99, 7); err != nil {
		t.Fatal(err)
	}
	check(5, false, 0)
}

func touchLatest(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{})
	for _, at := range []time.Duration{10 * time.Second, 0} {
		mustTouch(t, c, 7, t0.Add(at))
	}
	if s := mustAdvance(t, c, 35*time.Second, params); s.Active != 1 {
		t.Errorf("active = %d, want 1: the later touch counts", s.Active)
	}
}

func doneFreesAPlace(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{Rate: 100})
	mustIssue(t, c, 10)
	p := params
	p.MaxActive = 2
	if s := mustAdvance(t, c, time.Second, p); s.Head != 2 || s.Active != 2 {
		t.Fatalf("head %d active %d, want 2 and 2", s.Head, s.Active)
	}
	mustDone(t, c, 1)
	mustDone(t, c, 99) // never admitted: nothing to take out
	if s := mustAdvance(t, c, 2*time.Second, p); s.Head != 3 || s.Active != 2 {
		t.Errorf("after one is done: head %d active %d, want 3 and 2: their place is given at once", s.Head, s.Active)
	}
	mustTouch(t, c, 1, t0.Add(2*time.Second))
	if s := mustAdvance(t, c, 3*time.Second, p); s.Head != 3 || s.Active != 3 {
		t.Errorf("after a touch of the one done: head %d active %d, want 3 and 3: they count again", s.Head, s.Active)
	}
}

func prunedCounted(t *testing.T, c queue.Counters) {
	mustRestore(t, c, queue.State{Rate: 0})
	for key := range uint64(3) {
		mustTouch(t, c, 1+key, t0)
	}
	mustDone(t, c, 1) // booked: taken out, not pruned
	if s := mustAdvance(t, c, 30*time.Second, params); s.Pruned != 0 || s.Active != 2 {
		t.Errorf("at Idle: pruned %d active %d, want 0 and 2", s.Pruned, s.Active)
	}
	mustTouch(t, c, 9, t0.Add(31*time.Second))
	s := mustAdvance(t, c, 31*time.Second, params)
	if s.Pruned != 2 || s.Active != 1 {
		t.Errorf("past Idle: pruned %d active %d, want 2 and 1: the two silent ones, not the one who booked", s.Pruned, s.Active)
	}
	if n := len(s.Samples); n == 0 || s.Samples[n-1].Pruned != 2 || s.PrunedOver(30*time.Second) != 2 {
		t.Errorf("samples %+v: want the last to carry pruned 2, and PrunedOver(30 s) = 2", s.Samples)
	}
	if s := mustAdvance(t, c, 32*time.Second, params); s.Pruned != 2 {
		t.Errorf("nobody more silent: pruned %d, want still 2", s.Pruned)
	}
	if s := mustAdvance(t, c, 62*time.Second, params); s.Pruned != 3 || s.Active != 0 {
		t.Errorf("the last one silent too: pruned %d active %d, want 3 and 0: the count adds up", s.Pruned, s.Active)
	}
	if s, err := c.State(t.Context()); err != nil || s.Pruned != 3 {
		t.Errorf("State: pruned %d (%v), want 3", s.Pruned, err)
	}
}

func lease(t *testing.T, c queue.Counters) {
	ctx := t.Context()
	const ttl = 300 * time.Millisecond
	try := func(who string, at time.Duration, want bool) {
		t.Helper()
		if got, err := c.TryLead(ctx, who, t0.Add(at), ttl); err != nil || got != want {
			t.Errorf("TryLead(%s, +%v) = %v, %v; want %v", who, at, got, err, want)
		}
	}
	try("a", 0, true)
	try("b", 0, false)
	try("a", 100*time.Millisecond, true)
	time.Sleep(ttl + 150*time.Millisecond) // Redis leases run on its own clock
	try("b", ttl+150*time.Millisecond, true)
	try("a", ttl+150*time.Millisecond, false)
}

func mustTouch(t *testing.T, c queue.Counters, key uint64, at time.Time) {
	t.Helper()
	if err := c.Touch(t.Context(), key, at); err != nil {
		t.Fatalf("Touch(%d): %v", key, err)
	}
}

func mustDone(t *testing.T, c queue.Counters, key uint64) {
	t.Helper()
	if err := c.Done(t.Context(), key); err != nil {
		t.Fatalf("Done(%d): %v", key, err)
	}
}

func equal(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
