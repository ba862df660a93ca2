package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"vaxbook"
	"vaxbook/app"
	"vaxbook/jobs"
)

// runPrune deletes old outbox rows once, all of them (`jobs prune`): sent rows past
// --sent-retention and dead rows past --dead-retention, in short batches. Pending rows
// are never deleted. `serve` does the same every minute, a bounded number of batches at
// a time; this command is for a first clean-up or a retention shortened by policy.
func runPrune(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jobs prune", flag.ContinueOnError)
	fs.SetOutput(stderr)
	database := fs.String("database", envOr("VAXBOOK_DATABASE_URL", "vaxbook.db"), "SQLite file path, or a postgres:// URL")
	var ret jobs.Retention
	fs.DurationVar(&ret.Sent, "sent-retention", vaxbook.DefaultSentRetention, "keep sent messages this long after sending (at least 48h)")
	fs.DurationVar(&ret.Dead, "dead-retention", vaxbook.DefaultDeadRetention, "keep dead messages this long after their last attempt (at least 48h)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := app.CheckRetention(ret, "--sent-retention", "--dead-retention"); err != nil {
		return fmt.Errorf("jobs prune: %w", err)
	}
	s, err := app.OpenStore(ctx, *database)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := jobs.Prune(ctx, s, ret, vaxbook.SystemClock{}, 0)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}
