package queue_test

import (
	"testing"
	"time"

	"vaxbook"
	"vaxbook/queue"
)

// TestSetWindowsHoldsAndReleasesByTheNewWindows: a window an operator adds while the
// room runs ends the hold when it opens, and taking it away holds admission again.
func TestSetWindowsHoldsAndReleasesByTheNewWindows(t *testing.T) {
	later := vaxbook.Window{Group: 2, Opens: t0.Add(time.Hour), Closes: t0.Add(2 * time.Hour)}
	h := mustRoom(t, func(c *queue.Config) { c.Windows = []vaxbook.Window{later} })
	if s, _ := h.Snapshot(t.Context()); !s.Held || !s.NextOpening.Equal(later.Opens) {
		t.Fatalf("before any window opens: held %v, next %v; want held until %v", s.Held, s.NextOpening, later.Opens)
	}
	now := vaxbook.Window{Group: 3, Opens: t0.Add(-time.Minute), Closes: t0.Add(time.Hour)}
	h.SetWindows([]vaxbook.Window{later, now})
	h.advance(t, time.Second)
	if s, _ := h.Snapshot(t.Context()); s.Held {
		t.Fatal("a window added while open did not end the hold")
	}
	h.SetWindows([]vaxbook.Window{later})
	h.advance(t, time.Second)
	if s, _ := h.Snapshot(t.Context()); !s.Held {
		t.Fatal("taking the open window away did not hold admission again")
	}
}
