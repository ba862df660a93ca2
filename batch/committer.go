// Package batch gathers the booking requests of many concurrent callers into one call
// of the store, so that one database transaction, and one durable commit, carries many
// bookings (group commit). Each caller still gets its own outcome, and only after the
// commit.
package batch

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"vaxbook"
)

// Config bounds a batch. Zero fields take the defaults.
type Config struct {
	// MaxBatch is the most requests one store call carries (default 256). A caller's
	// requests are never split, so a caller with more than MaxBatch forms a batch alone.
	MaxBatch int
	// MaxWait is the longest a batch waits for more requests after its first arrived
	// (default 2ms): the latency a booking pays, at most, for sharing a commit.
	MaxWait time.Duration
	// Flushers is how many batches may be gathered and committed at once (default 2):
	// while one batch waits for the database's commit, the next is gathered and sent,
	// so the disk's flush and the CPU's work overlap.
	Flushers int
	// Timeout bounds one store call (default 10s). A primary that went silent (a
	// network partition) would otherwise hold the batch's residents until the
	// operating system gave up on the connection; past the bound they are told
	// "unavailable" and retry, which a failover has made safe by then.
	Timeout time.Duration
}

// Defaults of Config.
const (
	DefaultMaxBatch = 256
	DefaultMaxWait  = 2 * time.Millisecond
	DefaultFlushers = 2
	DefaultTimeout  = 10 * time.Second
)

func (c Config) withDefaults() Config {
	if c.MaxBatch <= 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	if c.MaxWait <= 0 {
		c.MaxWait = DefaultMaxWait
	}
	if c.Flushers <= 0 {
		c.Flushers = DefaultFlushers
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// Committer is a group committer in front of a Booker: Book queues the caller's
// requests, a flusher gathers queued requests until MaxBatch or MaxWait, calls the
// store once and hands each caller its own results. It implements vaxbook.Booker and
// is safe for concurrent use.
type Committer struct {
	store vaxbook.Booker
	cfg   Config
	queue chan *call
	stats stats
	wg    sync.WaitGroup

	mu     sync.RWMutex // guards closed against sends on a closed queue
	closed bool
}

// call is one caller's requests waiting for their results.
type call struct {
	reqs  []vaxbook.BookRequest
	res   []vaxbook.BookResult
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

// New starts a Committer in front of store; Close stops it.
func New(store vaxbook.Booker, cfg Config) *Committer {
	cfg = cfg.withDefaults()
	c := &Committer{store: store, cfg: cfg, queue: make(chan *call, cfg.MaxBatch*cfg.Flushers)}
	for range cfg.Flushers {
		c.wg.Go(c.flusher)
	}
	return c
}

// Book queues reqs, waits for the batch carrying them to commit and returns one result
// per request, in order, with the outcome the store gave it (a reservation, or
// share_full, already_booked, …). One request's failure never affects another's.
//
// If ctx ends first, every result carries ctx.Err(). Requests whose batch had not yet
// started are dropped and never booked; if the batch had started, the booking may
// still commit after Book has returned, and the client finds it with GET reservation
// (a repeated booking is refused as already_booked, so retrying is safe). After Close,
// every result is CodeUnavailable.
func (c *Committer) Book(ctx context.Context, reqs []vaxbook.BookRequest) []vaxbook.BookResult {
	if len(reqs) == 0 {
		return []vaxbook.BookResult{}
	}
	k := &call{reqs: reqs, done: make(chan struct{})}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return failAll(len(reqs), vaxbook.Errorf(vaxbook.CodeUnavailable, "the booking service is shutting down; please retry"))
	}
	select {
	case c.queue <- k:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return failAll(len(reqs), ctx.Err())
	}
	select {
	case <-k.done:
		return k.res
	case <-ctx.Done():
		if k.state.CompareAndSwap(waiting, dropped) {
			c.stats.dropped.Add(uint64(len(reqs)))
		}
		return failAll(len(reqs), ctx.Err())
	}
}

// Close stops taking requests, commits every request already queued and returns when
// the last batch has been answered.
func (c *Committer) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	c.wg.Wait()
	return nil
}

func failAll(n int, err error) []vaxbook.BookResult {
	out := make([]vaxbook.BookResult, n)
	for i := range out {
		out[i].Err = err
	}
	return out
}

// flusher gathers and commits batches until the queue is closed and empty.
func (c *Committer) flusher() {
	var (
		batch []*call
		timer = time.NewTimer(time.Hour)
	)
	timer.Stop()
	var next *call // a call that did not fit the last batch
	for {
		batch = batch[:0]
		n := 0
		if next == nil {
			k, ok := <-c.queue
			if !ok {
				return
			}
			next = k
		}
		batch, n, next = append(batch, next), len(next.reqs), nil
		timer.Reset(c.cfg.MaxWait)
	gather:
		for n < c.cfg.MaxBatch {
			select {
			case k, ok := <-c.queue:
				if !ok {
					break gather
				}
				if n+len(k.reqs) > c.cfg.MaxBatch {
					next = k
					break gather
				}
				batch, n = append(batch, k), n+len(k.reqs)
			case <-timer.C:
				break gather
			}
		}
		timer.Stop()
		c.flush(batch)
	}
}

// flush starts the calls of batch that are still waiting, books all their requests in
// one store call and hands each call its slice of the results.
func (c *Committer) flush(batch []*call) {
	live := batch[:0]
	var reqs []vaxbook.BookRequest
	for _, k := range batch {
		if k.state.CompareAndSwap(waiting, started) {
			live = append(live, k)
			reqs = append(reqs, k.reqs...)
		}
	}
	if len(reqs) == 0 {
		return
	}
	start := time.Now()
	c.stats.inFlight.Add(int64(len(reqs)))
	defer c.stats.inFlight.Add(-int64(len(reqs)))
	// The store call must not end with a caller's context: other callers' bookings
	// share its transaction. Close drains instead of cancelling. Its own bound
	// (Config.Timeout) ends it when the database stops answering.
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	res := c.store.Book(ctx, reqs)
	if len(res) != len(reqs) {
		res = failAll(len(reqs), vaxbook.Errorf(vaxbook.CodeInternal, "the store returned %d results for %d requests", len(res), len(reqs)))
	}
	c.stats.record(len(reqs), time.Since(start), res)
	for _, k := range live {
		k.res, res = res[:len(k.reqs):len(k.reqs)], res[len(k.reqs):]
		close(k.done)
	}
}
