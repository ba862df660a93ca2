package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"vaxbook"
)

// Store is what the Runner works on: the fixing and reminder batches, the lease, and
// the outbox pruning.
type Store interface {
	vaxbook.Jobs
	vaxbook.OutboxPruner
}

// LeaseName is the job_leases row the Runner holds while it works.
const LeaseName = "lifecycle"

// Runner runs the fixing and reminder jobs inside `serve`. Every instance runs one; the
// lease lets only one of them work at a time, and another takes over within LeaseTTL
// when the holder dies. Fixing "every date up to 14 days ahead" rather than only that
// day means a service that was down at midnight catches up when it comes back.
type Runner struct {
	Store Store
	Clock vaxbook.Clock
	Log   *slog.Logger
	// Every is the time between runs [1 min]; LeaseTTL how long a lease lasts
	// without renewal [5 min].
	Every, LeaseTTL time.Duration
	// From is the first vaccination date to fix (the campaign's first); earlier
	// dates are not looked at.
	From vaxbook.Date
	// Retention is how long sent and dead outbox rows are kept; the runner deletes
	// older ones after the other jobs.
	Retention Retention

	holder string
}

// Run works until ctx ends and returns nil then.
func (r *Runner) Run(ctx context.Context) error {
	r.defaults()
	defer r.Store.ReleaseLease(context.WithoutCancel(ctx), LeaseName, r.holder)
	t := time.NewTicker(r.Every)
	defer t.Stop()
	for {
		if err := r.RunOnce(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("jobs: run", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// defaults fills in the zero fields and a random holder name, which tells this runner's
// lease from other instances'.
func (r *Runner) defaults() {
	if r.Every <= 0 {
		r.Every = time.Minute
	}
	if r.LeaseTTL <= 0 {
		r.LeaseTTL = 5 * time.Minute
	}
	if r.Log == nil {
		r.Log = slog.New(slog.DiscardHandler)
	}
	if r.holder == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		r.holder = hex.EncodeToString(b[:])
	}
}

// RunOnce takes the lease and, if it got it, fixes every date from From to 14 days
// ahead, writes tomorrow's reminders and prunes the outbox. It reports nothing done
// when another instance holds the lease.
func (r *Runner) RunOnce(ctx context.Context) error {
	r.defaults()
	ok, err := r.Store.AcquireLease(ctx, LeaseName, r.holder, r.Clock.Now(), r.LeaseTTL)
	if err != nil || !ok {
		return err
	}
	until := FixDate(r.Clock.Now())
	d := r.From
	if d.IsZero() || until.AddDays(-FixCatchUp).After(d) {
		d = until.AddDays(-FixCatchUp)
	}
	for ; !d.After(until); d = d.AddDays(1) {
		res, err := Fix(ctx, r.Store, d, r.Clock)
		if err != nil {
			return err
		}
		if res.Done > 0 {
			r.Log.Info("jobs: fixed", "date", d.String(), "reservations", res.Done)
		}
	}
	res, err := Remind(ctx, r.Store, RemindDate(r.Clock.Now()), r.Clock)
	if res.Done > 0 {
		r.Log.Info("jobs: reminders", "date", res.Date.String(), "reminders", res.Done)
	}
	if err != nil {
		return err
	}
	pr, err := Prune(ctx, r.Store, r.Retention, r.Clock, PruneMaxBatches)
	if pr.Deleted > 0 {
		r.Log.Info("jobs: outbox pruned", "deleted", pr.Deleted, "more", pr.More)
	}
	return err
}

// FixCatchUp bounds how many days back a run looks for unfixed reservations, so that a
// run stays a few index lookups when nothing is left.
const FixCatchUp = 14
