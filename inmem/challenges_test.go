package inmem

import (
	"fmt"
	"testing"
	"time"

	"vaxbook/phone"
)

func TestChallengesSweepsExpired(t *testing.T) {
	s := NewChallenges()
	t0 := time.Date(2021, 8, 12, 20, 0, 0, 0, time.UTC)
	for i := range 100_000 {
		at := t0.Add(time.Duration(i) * 10 * time.Millisecond) // 1,000 s in all
		if err := s.Put(t.Context(), fmt.Sprint(i), phone.Pending{IssuedAt: at, ExpiresAt: at.Add(3 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	s.mu.Lock()
	n := len(s.m)
	s.mu.Unlock()
	if n > 2*18_000+minSweep {
		t.Errorf("store holds %d challenges; want about the last 3 minutes' 18,000", n)
	}
	if _, ok, _ := s.Get(t.Context(), "99999"); !ok {
		t.Error("the newest challenge was swept")
	}
}
