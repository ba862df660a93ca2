package guardtest

import (
	"context"
	"sync"
	"testing"
	"time"

	"vaxbook"
)

// RunSessionEnds is the conformance suite of vaxbook.SessionEnds. open returns a
// handle on one bus, as each instance of a deployment would hold its own; handles from
// one call of open within a test share the bus.
func RunSessionEnds(t *testing.T, open func(t *testing.T) (first, second vaxbook.SessionEnds)) {
	t.Run("EveryListenerHearsEveryAnnouncement", func(t *testing.T) {
		a, b := open(t)
		la, lb := listen(t, a), listen(t, b)
		la.waitLost(t, 1)
		lb.waitLost(t, 1)
		if err := a.Announce(ctx(t), "h1"); err != nil {
			t.Fatal(err)
		}
		if err := b.Announce(ctx(t), "h2"); err != nil {
			t.Fatal(err)
		}
		la.waitEnded(t, "h1", "h2")
		lb.waitEnded(t, "h1", "h2")
	})
	t.Run("ListenReturnsWhenItsContextEnds", func(t *testing.T) {
		a, _ := open(t)
		c, cancel := context.WithCancel(ctx(t))
		done := make(chan error, 1)
		go func() { done <- a.Listen(c, func(string) {}, func() {}) }()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Listen after its context ended = %v, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Listen did not return after its context ended")
		}
	})
}

// listener records what one Listen heard.
type listener struct {
	mu    sync.Mutex
	ended []string
	lost  int
}

func listen(t *testing.T, e vaxbook.SessionEnds) *listener {
	l := &listener{}
	c, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = e.Listen(c, func(h string) {
			l.mu.Lock()
			l.ended = append(l.ended, h)
			l.mu.Unlock()
		}, func() {
			l.mu.Lock()
			l.lost++
			l.mu.Unlock()
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return l
}

// eventually waits up to five seconds for ok.
func (l *listener) eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		l.mu.Lock()
		done := ok()
		l.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			l.mu.Lock()
			defer l.mu.Unlock()
			t.Fatalf("%s: heard ended %v, lost %d times", what, l.ended, l.lost)
		}
	}
}

func (l *listener) waitLost(t *testing.T, n int) {
	t.Helper()
	l.eventually(t, "listening starts by reporting lost", func() bool { return l.lost >= n })
}

func (l *listener) waitEnded(t *testing.T, want ...string) {
	t.Helper()
	l.eventually(t, "every announcement heard, in order", func() bool {
		if len(l.ended) < len(want) {
			return false
		}
		for i, h := range want {
			if l.ended[i] != h {
				return false
			}
		}
		return true
	})
}
