// Package batch gathers the booking requests (Committer) and the sign-ins (Sessions) of
// many concurrent callers into one call of the store, so that one database
// transaction, and one durable commit, carries many of them (group commit). Each caller
// still gets its own outcome, and only after the commit.
package batch

import (
	"context"
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
	g *group[vaxbook.BookRequest, vaxbook.BookResult]
}

// New starts a Committer in front of store; Close stops it.
func New(store vaxbook.Booker, cfg Config) *Committer {
	return &Committer{g: newGroup(cfg, store.Book,
		func(err error) vaxbook.BookResult { return vaxbook.BookResult{Err: err} },
		func(r vaxbook.BookResult) bool { return r.Err != nil })}
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
	return c.g.Do(ctx, reqs, vaxbook.Errorf(vaxbook.CodeUnavailable, "the booking service is shutting down; please retry"))
}

// Close stops taking requests, commits every request already queued and returns when
// the last batch has been answered.
func (c *Committer) Close() error { return c.g.Close() }

// Stats returns a snapshot of the committer's counters. The fields are read one by one,
// so a snapshot taken while batches commit may be off by the batch in flight.
func (c *Committer) Stats() Stats { return c.g.Stats() }
