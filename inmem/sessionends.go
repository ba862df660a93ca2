package inmem

import (
	"context"
	"sync"

	"vaxbook"
)

var _ vaxbook.SessionEnds = (*SessionEnds)(nil)

// SessionEnds is the in-process vaxbook.SessionEnds: one instance, whose listeners hear
// each announcement before Announce returns.
type SessionEnds struct {
	mu        sync.Mutex
	listeners map[int]chan string
	next      int
}

// NewSessionEnds returns SessionEnds with no listener.
func NewSessionEnds() *SessionEnds { return &SessionEnds{listeners: map[int]chan string{}} }

// Announce implements vaxbook.SessionEnds. It hands the id hash to each listener and
// waits until each has taken it.
func (e *SessionEnds) Announce(ctx context.Context, idHash string) error {
	e.mu.Lock()
	chans := make([]chan string, 0, len(e.listeners))
	for _, c := range e.listeners {
		chans = append(chans, c)
	}
	e.mu.Unlock()
	for _, c := range chans {
		select {
		case c <- idHash:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Listen implements vaxbook.SessionEnds.
func (e *SessionEnds) Listen(ctx context.Context, ended func(string), lost func()) error {
	c := make(chan string)
	e.mu.Lock()
	id := e.next
	e.next++
	e.listeners[id] = c
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		delete(e.listeners, id)
		e.mu.Unlock()
	}()
	lost()
	for {
		select {
		case h := <-c:
			ended(h)
		case <-ctx.Done():
			return nil
		}
	}
}
