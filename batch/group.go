package batch

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"vaxbook"
)

// group is the group commit both committers share: Do queues a caller's requests, a
// flusher gathers queued requests until MaxBatch or MaxWait, makes one store call (do)
// and hands each caller its own results, in order.
type group[Q, R any] struct {
	cfg    Config
	do     func(ctx context.Context, reqs []Q) []R
	fail   func(err error) R // one request's result carrying err
	failed func(r R) bool    // whether a result is a refusal, for the stats
	queue  chan *call[Q, R]
	wg     sync.WaitGroup
	stats  stats

	mu     sync.RWMutex // guards closed against sends on a closed queue
	closed bool
}

// call is one caller's requests waiting for their results.
type call[Q, R any] struct {
	reqs  []Q
	res   []R
	state atomic.Int32
	done  chan struct{}
}

// States of a call: a caller that gives up moves it from waiting to dropped, a flusher
// that starts its batch from waiting to started; whichever comes first wins.
const (
	waiting int32 = iota
	started
	dropped
)

func newGroup[Q, R any](cfg Config, do func(context.Context, []Q) []R, fail func(error) R, failed func(R) bool) *group[Q, R] {
	cfg = cfg.withDefaults()
	g := &group[Q, R]{cfg: cfg, do: do, fail: fail, failed: failed, queue: make(chan *call[Q, R], cfg.MaxBatch*cfg.Flushers)}
	for range cfg.Flushers {
		g.wg.Go(g.flusher)
	}
	return g
}

// Do queues reqs and waits for the batch carrying them to commit. If ctx ends first,
// every result carries ctx.Err(); requests whose batch had not started are dropped and
// never sent, those whose batch had started may still commit. After close every result
// carries closedErr.
func (g *group[Q, R]) Do(ctx context.Context, reqs []Q, closedErr error) []R {
	if len(reqs) == 0 {
		return []R{}
	}
	k := &call[Q, R]{reqs: reqs, done: make(chan struct{})}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return g.failAll(len(reqs), closedErr)
	}
	select {
	case g.queue <- k:
		g.mu.RUnlock()
	case <-ctx.Done():
		g.mu.RUnlock()
		return g.failAll(len(reqs), ctx.Err())
	}
	select {
	case <-k.done:
		return k.res
	case <-ctx.Done():
		if k.state.CompareAndSwap(waiting, dropped) {
			g.stats.dropped.Add(uint64(len(reqs)))
		}
		return g.failAll(len(reqs), ctx.Err())
	}
}

// Close stops taking requests, commits every request already queued and returns when
// the last batch has been answered.
func (g *group[Q, R]) Close() error {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.queue)
	}
	g.mu.Unlock()
	g.wg.Wait()
	return nil
}

func (g *group[Q, R]) failAll(n int, err error) []R {
	out := make([]R, n)
	for i := range out {
		out[i] = g.fail(err)
	}
	return out
}

// flusher gathers and commits batches until the queue is closed and empty.
func (g *group[Q, R]) flusher() {
	var (
		batch []*call[Q, R]
		timer = time.NewTimer(time.Hour)
	)
	timer.Stop()
	var next *call[Q, R] // a call that did not fit the last batch
	for {
		batch = batch[:0]
		n := 0
		if next == nil {
			k, ok := <-g.queue
			if !ok {
				return
			}
			next = k
		}
		batch, n, next = append(batch, next), len(next.reqs), nil
		timer.Reset(g.cfg.MaxWait)
	gather:
		for n < g.cfg.MaxBatch {
			select {
			case k, ok := <-g.queue:
				if !ok {
					break gather
				}
				if n+len(k.reqs) > g.cfg.MaxBatch {
					next = k
					break gather
				}
				batch, n = append(batch, k), n+len(k.reqs)
			case <-timer.C:
				break gather
			}
		}
		timer.Stop()
		g.flush(batch)
	}
}

// flush starts the calls of batch that are still waiting, sends all their requests in
// one store call and hands each call its slice of the results.
func (g *group[Q, R]) flush(batch []*call[Q, R]) {
	live := batch[:0]
	var reqs []Q
	for _, k := range batch {
		if k.state.CompareAndSwap(waiting, started) {
			live = append(live, k)
			reqs = append(reqs, k.reqs...)
		}
	}
	if len(reqs) == 0 {
		return
	}
	// The store call must not end with a caller's context: other callers' requests
	// share its transaction. Close drains instead of cancelling. Its own bound
	// (Config.Timeout) ends it when the database stops answering.
	ctx, cancel := context.WithTimeout(context.Background(), g.cfg.Timeout)
	defer cancel()
	start := time.Now()
	g.stats.inFlight.Add(int64(len(reqs)))
	res := g.do(ctx, reqs)
	g.stats.inFlight.Add(-int64(len(reqs)))
	if len(res) != len(reqs) {
		res = g.failAll(len(reqs), vaxbook.Errorf(vaxbook.CodeInternal, "the store returned %d results for %d requests", len(res), len(reqs)))
	}
	failed := 0
	for _, r := range res {
		if g.failed(r) {
			failed++
		}
	}
	g.stats.record(len(reqs), time.Since(start), failed)
	for _, k := range live {
		k.res, res = res[:len(k.reqs):len(k.reqs)], res[len(k.reqs):]
		close(k.done)
	}
}
