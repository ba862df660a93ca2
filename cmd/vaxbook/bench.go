package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"vaxbook/app"
	"vaxbook/bench"
)

// runBench runs one of the benchmarks and prints its result as one JSON object.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: vaxbook bench queue|booking [flags]")
		return flag.ErrHelp
	}
	switch args[0] {
	case "queue":
		fs := flag.NewFlagSet("bench queue", flag.ContinueOnError)
		fs.SetOutput(stderr)
		var o bench.QueueOptions
		fs.IntVar(&o.Tickets, "tickets", 2_000_000, "people joining the waiting room")
		fs.IntVar(&o.Workers, "workers", 64, "concurrent polling clients")
		fs.DurationVar(&o.Seconds, "duration", 5*time.Second, "length of each HTTP polling run")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		res, err := bench.Queue(ctx, o)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(res)
	case "booking":
		return benchBooking(ctx, args[1:], stdout, stderr)
	default:
		return fmt.Errorf("unknown benchmark %q", args[0])
	}
}

// benchBooking measures the booking engine on the configured database: group-committed
// bookings against one transaction each, in the same run.
func benchBooking(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench booking", flag.ContinueOnError)
	fs.SetOutput(stderr)
	database := fs.String("database", envOr("VAXBOOK_DATABASE_URL", "vaxbook-bench.db"), "SQLite file path, or a postgres:// URL")
	var o bench.BookingOptions
	fs.IntVar(&o.Bookings, "bookings", 100_000, "booking requests in each phase")
	fs.IntVar(&o.Concurrency, "concurrency", 512, "callers booking at once")
	fs.IntVar(&o.Batch.MaxBatch, "max-batch", 256, "bookings per transaction, at most")
	fs.DurationVar(&o.Batch.MaxWait, "max-wait", 2*time.Millisecond, "how long a batch waits to fill")
	fs.IntVar(&o.Batch.Flushers, "flushers", 2, "batches committing at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := app.OpenStore(ctx, *database)
	if err != nil {
		return err
	}
	defer s.Close()
	o.Engine = app.EngineName(*database)
	res, err := bench.Booking(ctx, s, o)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}
