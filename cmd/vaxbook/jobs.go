package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"vaxbook"
	"vaxbook/app"
	"vaxbook/audit"
	"vaxbook/imports"
	"vaxbook/jobs"
)

// runJobs runs a lifecycle job once: `jobs fix --date D` confirms the reservations of
// vaccination date D (fixed 14 days ahead), `jobs remind --date D` writes the reminders
// for D, `jobs prune` deletes old outbox rows (runPrune). All are idempotent and resume
// where a crashed run stopped.
func runJobs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "prune" {
		return runPrune(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || (args[0] != "fix" && args[0] != "remind") {
		fmt.Fprintln(stderr, "usage: vaxbook jobs fix|remind --date YYYY-MM-DD [--database …]")
		fmt.Fprintln(stderr, "       vaxbook jobs prune [--sent-retention 720h] [--dead-retention 2160h] [--database …]")
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("jobs "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	database := fs.String("database", envOr("VAXBOOK_DATABASE_URL", "vaxbook.db"), "SQLite file path, or a postgres:// URL")
	date := fs.String("date", "", "vaccination date, YYYY-MM-DD")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	d, err := vaxbook.ParseDate(*date)
	if err != nil {
		return err
	}
	s, err := app.OpenStore(ctx, *database)
	if err != nil {
		return err
	}
	defer s.Close()
	run := jobs.Fix
	if args[0] == "remind" {
		run = jobs.Remind
	}
	res, err := run(ctx, s, d, vaxbook.SystemClock{})
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

// runImport applies a CSV file: `import sites|capacities|delivery-plans|eligible FILE`.
// The file is validated whole; any error applies nothing and names its line.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprintln(stderr, "usage: vaxbook import sites|capacities|delivery-plans|eligible FILE [--campaign 1] [--database …]")
		return flag.ErrHelp
	}
	kind, file := imports.Kind(args[0]), args[1]
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	database := fs.String("database", envOr("VAXBOOK_DATABASE_URL", "vaxbook.db"), "SQLite file path, or a postgres:// URL")
	campaign := fs.Int64("campaign", 1, "campaign the capacities or counts belong to")
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	s, err := app.OpenStore(ctx, *database)
	if err != nil {
		return err
	}
	defer s.Close()
	// The same service as the operator API's, so that a file applied from the command
	// line is in the audit log too.
	n, err := imports.NewService(s, audit.New(s, vaxbook.SystemClock{}, nil)).Import(ctx, kind, f, *campaign)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d lines applied from %s\n", kind, n, file)
	return nil
}
