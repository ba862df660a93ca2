package vaxbook_test

import (
	"sync"
	"testing"
	"time"

	"vaxbook"
)

// Every clock must satisfy Clock.
var (
	_ vaxbook.Clock = vaxbook.SystemClock{}
	_ vaxbook.Clock = (*vaxbook.OffsetClock)(nil)
	_ vaxbook.Clock = (*vaxbook.ManualClock)(nil)
)

// inSeoul reports whether t is shown with the +09:00 offset.
func inSeoul(t time.Time) bool {
	_, off := t.Zone()
	return off == 9*60*60
}

func TestManualClock(t *testing.T) {
	start := mustTime(t, "2021-08-12T11:00:00Z")
	t.Run("Now returns the start instant in Seoul", func(t *testing.T) {
		c := vaxbook.NewManualClock(start)
		now := c.Now()
		if !now.Equal(start) || !inSeoul(now) {
			t.Errorf("Now() = %v, want %v in Seoul", now, start)
		}
		if got := now.Format("2006-01-02 15:04"); got != "2021-08-12 20:00" {
			t.Errorf("Now() reads %s on the wall clock, want 2021-08-12 20:00", got)
		}
	})
	t.Run("Now does not move by itself", func(t *testing.T) {
		c := vaxbook.NewManualClock(start)
		time.Sleep(2 * time.Millisecond)
		if !c.Now().Equal(start) {
			t.Errorf("Now() = %v after sleeping, want %v", c.Now(), start)
		}
	})
	t.Run("Advance moves forward across the window's closing", func(t *testing.T) {
		c := vaxbook.NewManualClock(mustTime(t, "2021-08-13T17:59:59+09:00"))
		c.Advance(time.Second)
		if want := mustTime(t, "2021-08-13T18:00:00+09:00"); !c.Now().Equal(want) {
			t.Errorf("after Advance(1s) Now() = %v, want %v", c.Now(), want)
		}
	})
	t.Run("Set moves to any instant, also backwards", func(t *testing.T) {
		c := vaxbook.NewManualClock(start)
		back := mustTime(t, "2021-08-09T19:59:00+09:00")
		c.Set(back)
		if !c.Now().Equal(back) || !inSeoul(c.Now()) {
			t.Errorf("after Set Now() = %v, want %v in Seoul", c.Now(), back)
		}
	})
	t.Run("concurrent Advance and Now are safe and lose no step", func(t *testing.T) {
		c := vaxbook.NewManualClock(start)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 100 {
					c.Advance(time.Millisecond)
					_ = c.Now()
				}
			})
		}
		wg.Wait()
		if want := start.Add(800 * time.Millisecond); !c.Now().Equal(want) {
			t.Errorf("Now() = %v, want %v", c.Now(), want)
		}
	})
}

func TestOffsetClock(t *testing.T) {
	start := mustTime(t, "2021-08-12T19:59:00+09:00")
	c := vaxbook.NewOffsetClock(start)
	t.Run("starts at the chosen instant in Seoul", func(t *testing.T) {
		now := c.Now()
		if d := now.Sub(start); d < 0 || d > 5*time.Second {
			t.Errorf("Now() = %v, want just after %v", now, start)
		}
		if !inSeoul(now) {
			t.Errorf("Now() = %v, want the +09:00 offset", now)
		}
	})
	t.Run("runs at real speed", func(t *testing.T) {
		a := c.Now()
		time.Sleep(20 * time.Millisecond)
		b := c.Now()
		if d := b.Sub(a); d < 20*time.Millisecond || d > 5*time.Second {
			t.Errorf("20ms of sleep moved the clock by %v", d)
		}
	})
	t.Run("a start in another zone is shown in Seoul", func(t *testing.T) {
		c := vaxbook.NewOffsetClock(mustTime(t, "2021-08-12T11:00:00Z"))
		if got := c.Now().Format("2006-01-02 15:04"); got != "2021-08-12 20:00" {
			t.Errorf("Now() reads %s, want 2021-08-12 20:00", got)
		}
	})
}

func TestSystemClockIsNowInSeoul(t *testing.T) {
	before := time.Now()
	now := vaxbook.SystemClock{}.Now()
	after := time.Now()
	if now.Before(before) || now.After(after) {
		t.Errorf("Now() = %v, want between %v and %v", now, before, after)
	}
	if !inSeoul(now) {
		t.Errorf("Now() = %v, want the +09:00 offset", now)
	}
}
