package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"vaxbook/bench"
)

// runBench runs one of the benchmarks and prints its result as one JSON object.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: vaxbook bench queue [flags]")
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
	default:
		return fmt.Errorf("unknown benchmark %q", args[0])
	}
}
