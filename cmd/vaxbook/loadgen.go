package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"vaxbook/loadgen"
)

// loadgenCmd plays residents through the HTTP flow of a running server and prints the
// result as one JSON object (see package loadgen).
func loadgenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o loadgen.Options
	fs.StringVar(&o.Target, "target", "http://127.0.0.1:8080", "base URL of the running server")
	fs.IntVar(&o.Users, "users", 1000, "residents arriving")
	fs.StringVar(&o.Arrival, "arrival", "burst", "burst, ramp or day (40 % in the first 30 minutes, the rest over the window)")
	fs.DurationVar(&o.Spread, "spread", 0, "length of the burst (default 1s) or ramp (default 1m)")
	fs.Float64Var(&o.Compress, "compress", 1, "divide the day's time scale by this factor (--arrival day)")
	fs.IntVar(&o.Concurrency, "concurrency", 4096, "residents in progress at once, at most")
	fs.Int64Var(&o.Seed, "seed", 1, "seed of the residents' random choices")
	fs.Int64Var(&o.PopulationSeed, "demo-seed", 2021, "the server's --demo-seed, so that residents exist at the development providers")
	fs.StringVar(&o.Database, "database", "", "the server's database (SQLite path or postgres:// URL), audited after the run")
	fs.Float64Var(&o.SecondVerification, "second-verification", 0.5, "share of residents who verify twice (a failed attempt first)")
	fs.Float64Var(&o.ChangeCancel, "change-cancel", 0.1, "share of booked residents who then change or cancel")
	fs.DurationVar(&o.PollCap, "poll-cap", 0, "cap on the sleep between waiting-room polls, for experiments (default 0: follow the server's advice, as the pages do)")
	fs.DurationVar(&o.Wait, "wait", 20*time.Second, "how long each waiting-room status request offers to wait for the turn, as the pages do (negative: plain polls)")
	fs.DurationVar(&o.Think, "think", 0, "mean think time between steps, drawn from half to one and a half times it (default 0: none)")
	fs.IntVar(&o.SourceAddrs, "source-addrs", 1024, "loopback source addresses to spread residents over (negative: none)")
	fs.IntVar(&o.Sites, "sites", 14000, "about how many sites the server has (spreads searches)")
	servers := fs.String("servers", "", "comma-separated base URLs of the instances whose /metrics give the server's CPU time (default: the target; list every instance behind a balancer)")
	fs.StringVar(&o.OperatorToken, "operator-token", os.Getenv("VAXBOOK_OPERATOR_TOKEN"), "bearer token for the servers' /metrics (env VAXBOOK_OPERATOR_TOKEN); not needed when --servers names their --ops-addr listeners")
	fs.StringVar(&o.DevProviders, "dev-providers", "", "URL of vaxbook devproviders when the server uses it: certificates come from there, and its CPU is reported")
	cpuProfile := fs.String("cpuprofile", "", "write the load generator's own CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *servers != "" {
		o.Servers = strings.Split(*servers, ",")
	}
	if *cpuProfile != "" {
		// The load generator shares the machine with the server in the documented
		// runs, so its own cost is part of every end-to-end figure.
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if os.Getenv("GOGC") == "" {
		// The load generator's live heap is mostly fixed (histograms, connection
		// buffers, goroutine stacks), and collecting it every time it doubled cost a
		// fifth of its CPU; a larger step trades memory it has for CPU the server
		// shares.
		debug.SetGCPercent(400)
	}
	res, err := loadgen.Run(ctx, o)
	if err != nil && res.Users == 0 {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if encErr := enc.Encode(res); encErr != nil {
		return encErr
	}
	// The JSON on stdout is for scripts; the same figures for a person go to stderr.
	if sumErr := res.WriteSummary(stderr); sumErr != nil {
		return sumErr
	}
	return err
}
