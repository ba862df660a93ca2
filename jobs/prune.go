package jobs

import (
	"context"
	"fmt"
	"time"

	"vaxbook"
)

// PruneBatch is how many outbox rows one prune transaction deletes, and PruneMaxBatches
// how many batches one run of the Runner deletes at most: a first run over months of
// sent messages works through them a minute at a time instead of holding the lease, and
// the fixing job behind it, for an hour.
const (
	PruneBatch      = 1000
	PruneMaxBatches = 200
)

// Retention says how long outbox rows are kept: Sent after they were sent, Dead after
// their last attempt. Zero fields take vaxbook.DefaultSentRetention and
// vaxbook.DefaultDeadRetention.
type Retention struct {
	Sent, Dead time.Duration
}

// withDefaults fills in the zero fields.
func (r Retention) withDefaults() Retention {
	if r.Sent <= 0 {
		r.Sent = vaxbook.DefaultSentRetention
	}
	if r.Dead <= 0 {
		r.Dead = vaxbook.DefaultDeadRetention
	}
	return r
}

// PruneResult says what a prune did.
type PruneResult struct {
	SentBefore time.Time
	DeadBefore time.Time
	Deleted    int
	Batches    int
	// More is true when the run stopped after maxBatches, possibly with rows left.
	More bool
}

// Prune deletes the outbox rows older than the retention at the clock's now, in batches
// of PruneBatch, each its own short transaction, until none is left or maxBatches ran
// (no bound if maxBatches < 1). Pending rows are never deleted. Like the other jobs
// it may be re-run or interrupted at any point.
func Prune(ctx context.Context, store vaxbook.OutboxPruner, ret Retention, clock vaxbook.Clock, maxBatches int) (PruneResult, error) {
	ret = ret.withDefaults()
	now := clock.Now()
	res := PruneResult{SentBefore: now.Add(-ret.Sent), DeadBefore: now.Add(-ret.Dead)}
	for maxBatches < 1 || res.Batches < maxBatches {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		n, err := store.PruneOutbox(ctx, res.SentBefore, res.DeadBefore, PruneBatch)
		if err != nil {
			return res, fmt.Errorf("prune outbox after %d: %w", res.Deleted, err)
		}
		if n == 0 {
			return res, nil
		}
		res.Deleted += n
		res.Batches++
	}
	res.More = true
	return res, nil
}
