// Package jobs runs the lifecycle jobs of reservations: fixing 14 days ahead (rule 10)
// and the day-before reminder (rule 11). Each job works in short batches through
// vaxbook.Jobs, so it never holds up booking, and is idempotent: a re-run, or a run
// resumed after a crash, does only what is left.
package jobs

import (
	"context"
	"fmt"
	"time"

	"vaxbook"
)

// DefaultProduct is assigned when a site has no delivery plan for the date. The
// reservation is still confirmed on time (rule 10 does not wait for the plan); the
// clinic learns the product with the delivery.
const DefaultProduct = "unassigned"

// BatchSize is how many reservations one transaction fixes or reminds: large enough to
// fix a day of the national campaign (up to about a million rows) in minutes, small
// enough that each transaction's locks last milliseconds.
const BatchSize = 1000

// Result says what a run did.
type Result struct {
	Date    vaxbook.Date
	Done    int // reservations fixed, or reminders written
	Batches int
}

// Fix confirms every reservation for vaccination date d that is not fixed yet, in
// batches, and writes their "confirmed" messages. It may be run for any date (the
// `jobs fix --date` command); FixDue picks the date from the clock.
func Fix(ctx context.Context, store vaxbook.Jobs, d vaxbook.Date, clock vaxbook.Clock) (Result, error) {
	return drain(ctx, d, func() (int, error) {
		return store.FixBatch(ctx, d, clock.Now(), DefaultProduct, BatchSize)
	})
}

// Remind writes the day-before reminder of every confirmed reservation for d.
func Remind(ctx context.Context, store vaxbook.Jobs, d vaxbook.Date, clock vaxbook.Clock) (Result, error) {
	return drain(ctx, d, func() (int, error) {
		return store.RemindBatch(ctx, d, clock.Now(), BatchSize)
	})
}

// FixDate is the vaccination date whose reservations are fixed on the day of now.
func FixDate(now time.Time) vaxbook.Date { return vaxbook.DateOf(now).AddDays(vaxbook.FixDays) }

// RemindDate is the vaccination date reminded on the day of now: tomorrow.
func RemindDate(now time.Time) vaxbook.Date { return vaxbook.DateOf(now).AddDays(1) }

// drain runs batches until one does nothing.
func drain(ctx context.Context, d vaxbook.Date, batch func() (int, error)) (Result, error) {
	res := Result{Date: d}
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		n, err := batch()
		if err != nil {
			return res, fmt.Errorf("jobs on %s after %d: %w", d, res.Done, err)
		}
		if n == 0 {
			return res, nil
		}
		res.Done += n
		res.Batches++
	}
}
