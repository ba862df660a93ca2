package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"

	"vaxbook"
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
	fs.DurationVar(&ret.Sent, "sent-retention", vaxbook.DefaultSentRetention, "keep sent messages this long after sending")
	fs.DurationVar(&ret.Dead, "dead-retention", vaxbook.DefaultDeadRetention, "keep dead messages this long after their last attempt")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if ret.Sent <= 0 || ret.Dead <= 0 {
		return errors.New("jobs prune: --sent-retention and --dead-retention must be positive")
	}
	s, err := openStore(ctx, *database)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := jobs.Prune(ctx, s.(vaxbook.OutboxPruner), ret, vaxbook.SystemClock{}, 0)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}
