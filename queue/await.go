package queue

import (
	"container/heap"
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Await is Status held open for someone close to their turn. When the ticket is not
// yet admitted and its earliest turn is within hold, the answer waits until the line
// reaches it — within a tick of admission — or until hold passes, whichever is first.
// Anyone further away, paused or waiting for an opening is answered at once, with the
// same advice as Status.
//
// Why: with polling alone a person learns of their turn only at their next poll, up to
// half their earliest wait after it, and asks four or five times a booking. A held
// answer costs a goroutine and an open connection, so it is kept for the last seconds
// of the wait, where at most rate × hold people are held at once, and one answer per
// ticket: a second request for the same place (a reload, a script) answers the first
// at once, so nobody holds more than one connection per place in line on an instance
// (each instance keeps its own held answers).
func (r *Room) Await(ctx context.Context, ticket, device string, hold time.Duration) (Status, error) {
	st, err := r.Status(ctx, ticket, device, r.cfg.Clock.Now())
	hold = min(hold, r.cfg.MaxHold)
	if err != nil || hold <= 0 || st.earliest > hold || r.draining.Load() {
		return st, err
	}
	w := r.waiters.add(st.key)
	defer r.waiters.remove(w)
	// An advance (or a drain) between the status read and add did not see this answer.
	r.waiters.release(r.reached())
	t := time.NewTimer(hold)
	defer t.Stop()
	select {
	case <-w.ch:
		if r.draining.Load() {
			break
		}
		// An advance admits a tick's worth of people at once; answering them at random
		// instants within the next tick spreads their arrival at verification as
		// polling did, instead of sending them in one burst per tick.
		t.Reset(rand.N(r.cfg.Tick))
		select {
		case <-t.C:
		case <-ctx.Done():
			return st, nil
		}
	case <-t.C:
	case <-ctx.Done():
		return st, nil // the client has gone; nobody reads the answer
	}
	return r.Status(ctx, ticket, device, r.cfg.Clock.Now())
}

// Drain answers every held status now and holds none from then on. A server shutting
// down waits for its requests to finish; a held one would keep it up for MaxHold.
func (r *Room) Drain() {
	r.draining.Store(true)
	r.waiters.release(math.MaxUint64)
}

// reached is the highest key a held answer may be released for now: the head of the
// line, or every key once draining.
func (r *Room) reached() uint64 {
	if r.draining.Load() {
		return math.MaxUint64
	}
	if s := r.state.Load(); s != nil {
		return s.Head
	}
	return 0
}

// awaiting reports how many answers are held open now, for the operators.
func (r *Room) awaiting() int { return r.waiters.len() }

// waiters are the held answers by order key, so that each advance wakes exactly those
// the line has reached, whatever their number; one per key.
type waiters struct {
	mu    sync.Mutex
	h     waitHeap
	byKey map[uint64]*waiter
}

type waiter struct {
	key uint64
	ch  chan struct{}
	i   int // index in the heap; -1 once released or removed
}

// add holds an answer for key, waking the one already held for it.
func (ws *waiters) add(key uint64) *waiter {
	w := &waiter{key: key, ch: make(chan struct{})}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.byKey == nil {
		ws.byKey = make(map[uint64]*waiter)
	}
	if old := ws.byKey[key]; old != nil {
		heap.Remove(&ws.h, old.i)
		close(old.ch)
	}
	ws.byKey[key] = w
	heap.Push(&ws.h, w)
	return w
}

func (ws *waiters) len() int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return len(ws.h)
}

// remove takes out a waiter whose answer is done, released or not.
func (ws *waiters) remove(w *waiter) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if w.i < 0 {
		return
	}
	heap.Remove(&ws.h, w.i)
	delete(ws.byKey, w.key)
}

// release wakes every waiter whose key the head has reached.
func (ws *waiters) release(head uint64) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for len(ws.h) > 0 && ws.h[0].key <= head {
		w := heap.Pop(&ws.h).(*waiter)
		delete(ws.byKey, w.key)
		close(w.ch)
	}
}

// waitHeap is a min-heap of waiters by key (container/heap).
type waitHeap []*waiter

func (h waitHeap) Len() int           { return len(h) }
func (h waitHeap) Less(i, j int) bool { return h[i].key < h[j].key }
func (h waitHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].i, h[j].i = i, j
}
func (h *waitHeap) Push(x any) {
	w := x.(*waiter)
	w.i = len(*h)
	*h = append(*h, w)
}
func (h *waitHeap) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	w.i = -1
	return w
}
