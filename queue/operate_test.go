package queue_test

import (
	"fmt"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/queue"
)

func TestIdlePassHoldersFreeTheirPlaces(t *testing.T) {
	h := mustRoom(t, func(c *queue.Config) { c.MaxActive, c.Rate = 2, 100 })
	var people []*person
	for i := range 5 {
		people = append(people, h.join(t, fmt.Sprint(i)))
	}
	h.advance(t, 10*time.Millisecond) // two admitted: as many as there are free places
	var passes []string
	for _, p := range people[:2] {
		pass, err := h.Claim(t.Context(), p.ticket, p.device, h.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		passes = append(passes, pass)
	}
	h.advance(t, 20*time.Second)
	if s, _ := h.Snapshot(t.Context()); s.Head != 2 || s.Active != 2 {
		t.Fatalf("with 2 active of 2: head %d active %d, want 2 and 2", s.Head, s.Active)
	}
	// The first keeps using the service, the second goes silent.
	if err := h.CheckPass(t.Context(), passes[0], people[0].device, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.advance(t, 10*time.Second+200*time.Millisecond)
	if s, _ := h.Snapshot(t.Context()); s.Head != 3 || s.Active != 2 {
		t.Fatalf("30 s after the second's last request: head %d active %d, want 3 and 2 (its place went to the next)", s.Head, s.Active)
	}
	if err := h.CheckPass(t.Context(), passes[1], people[1].device, h.clock.Now()); err != nil {
		t.Fatalf("a pruned holder with a good pass is refused: %v", err)
	}
	h.advance(t, 100*time.Millisecond)
	if s, _ := h.Snapshot(t.Context()); s.Active != 3 {
		t.Errorf("active = %d, want 3: the returning holder counts again", s.Active)
	}
}

func TestOperatorsPauseResumeAndSetTheRate(t *testing.T) {
	h := mustRoom(t, nil)
	ctx := t.Context()
	for i := range 100 {
		h.join(t, fmt.Sprint(i))
	}
	if err := h.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	h.advance(t, 5*time.Second)
	s, _ := h.Snapshot(ctx)
	if s.Head != 0 || !s.Paused {
		t.Fatalf("paused: %+v, want nobody admitted", s)
	}
	for _, step := range []struct {
		do   func() error
		head uint64
		rate float64
	}{
		{func() error { return h.Resume(ctx) }, 10, 10},
		{func() error { return h.SetRate(ctx, 20) }, 30, 20},
		{func() error { return h.SetRate(ctx, 0) }, 30, 0},
	} {
		if err := step.do(); err != nil {
			t.Fatal(err)
		}
		h.advance(t, time.Second)
		if s, _ := h.Snapshot(ctx); s.Head != step.head || s.Rate != step.rate || s.Paused {
			t.Errorf("head %d rate %v paused %v, want %d, %v, running", s.Head, s.Rate, s.Paused, step.head, step.rate)
		}
	}
	if err := h.SetRate(ctx, -1); vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
		t.Errorf("negative rate = %v, want invalid_input", err)
	}
}

func TestStatusGivesAnHonestWaitAndPollInterval(t *testing.T) {
	h := mustRoom(t, nil)
	var last *person
	for i := range 2000 {
		last = h.join(t, fmt.Sprint(i))
	}
	h.advance(t, 40*time.Second) // measured: 10/s over the last 30 s
	st := h.status(t, last)
	s, _ := h.Snapshot(t.Context())
	if st.Position != 2000-s.Head || st.Rate < 9.9 || st.Rate > 10.1 {
		t.Fatalf("status = %+v, want position %d at a measured 10/s", st, 2000-s.Head)
	}
	secs := float64(st.Position) / st.Rate
	if d := st.WaitMin.Seconds() - secs/1.25; d > 0.01 || d < -0.01 {
		t.Errorf("wait from %v, want %.1fs (measured rate +25 %%)", st.WaitMin, secs/1.25)
	}
	if d := st.WaitMax.Seconds() - secs/0.8; d > 0.01 || d < -0.01 {
		t.Errorf("wait up to %v, want %.1fs (measured rate -20 %%)", st.WaitMax, secs/0.8)
	}
	base := min(st.WaitMin/2, time.Minute) // half the earliest wait, at most the longest sleep
	for range 50 {
		if st := h.status(t, last); st.PollAfter < base*8/10 || st.PollAfter > base*12/10 {
			t.Fatalf("poll after %v, want %v ±20 %%", st.PollAfter, base)
		}
	}
}

func TestBadTokensAreRefusedAndChangeNothing(t *testing.T) {
	h := mustRoom(t, nil)
	a, b := h.join(t, "a"), h.join(t, "b")
	h.advance(t, time.Second)
	pass, err := h.Claim(t.Context(), a.ticket, a.device, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	other := mustRoom(t, func(c *queue.Config) { c.Queue = 8 })
	o := other.join(t, "o")
	before, _ := h.Snapshot(t.Context())
	later := h.clock.Now().Add(13 * time.Hour)
	for _, c := range []struct {
		name           string
		ticket, device string
		at             time.Time
		want           vaxbook.Code
	}{
		{"no ticket", "", a.device, h.clock.Now(), vaxbook.CodeUnauthorized},
		{"no device cookie", a.ticket, "", h.clock.Now(), vaxbook.CodeUnauthorized},
		{"forged ticket", "AQTB" + a.ticket[4:], a.device, h.clock.Now(), vaxbook.CodeUnauthorized},
		{"a pass used as a ticket", pass, a.device, h.clock.Now(), vaxbook.CodeUnauthorized},
		{"a ticket of another queue", o.ticket, o.device, h.clock.Now(), vaxbook.CodeUnauthorized},
		{"an expired ticket", b.ticket, b.device, later, vaxbook.CodeUnauthorized},
		{"another device's ticket", b.ticket, a.device, h.clock.Now(), vaxbook.CodeForbidden},
	} {
		t.Run("status with "+c.name, func(t *testing.T) {
			if _, err := h.Status(t.Context(), c.ticket, c.device, c.at); vaxbook.ErrorCode(err) != c.want {
				t.Errorf("= %v, want %s", err, c.want)
			}
			if _, err := h.Claim(t.Context(), c.ticket, c.device, c.at); vaxbook.ErrorCode(err) != c.want {
				t.Errorf("claim = %v, want %s", err, c.want)
			}
		})
	}
	for _, c := range []struct {
		name         string
		pass, device string
		at           time.Time
		want         vaxbook.Code
	}{
		{"no pass", "", a.device, h.clock.Now(), vaxbook.CodeUnauthorized},
		{"a ticket used as a pass", a.ticket, a.device, h.clock.Now(), vaxbook.CodeUnauthorized},
		{"a tampered pass", pass[:10] + string("AB"[pass[10]&1]) + pass[11:], a.device, h.clock.Now(), vaxbook.CodeUnauthorized},
		{"an expired pass", pass, a.device, h.clock.Now().Add(10 * time.Minute), vaxbook.CodeUnauthorized},
		{"another device's pass", pass, b.device, h.clock.Now(), vaxbook.CodeForbidden},
	} {
		t.Run("pass check with "+c.name, func(t *testing.T) {
			if err := h.CheckPass(t.Context(), c.pass, c.device, c.at); vaxbook.ErrorCode(err) != c.want {
				t.Errorf("= %v, want %s", err, c.want)
			}
		})
	}
	after, _ := h.Snapshot(t.Context())
	if after.Issued != before.Issued || after.Head != before.Head || after.Active != before.Active {
		t.Errorf("refused requests changed the queue: %+v → %+v", before, after)
	}
}
