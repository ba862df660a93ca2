package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"vaxbook/simulate"
)

// runSimulate plays a booking day through the real waiting room in virtual time and
// prints the waits people met, or, with --target-worst-wait, the instances needed.
func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := simulate.Defaults()
	var c simulate.Config
	fs.IntVar(&c.Arrivals, "arrivals", d.Arrivals, "people of the day's group who come")
	shape := fs.String("shape", string(d.Shape), "day (40 % in the first 30 minutes, the rest until the close) or burst (everyone before the opening)")
	fs.DurationVar(&c.Spread, "spread", d.Spread, "how long before the opening a burst arrives over")
	fs.IntVar(&c.Instances, "instances", d.Instances, "instances serving verification and booking")
	fs.Float64Var(&c.InstanceRate, "instance-rate", d.InstanceRate, "bookings per second one instance serves")
	fs.DurationVar(&c.Latency, "latency", d.Latency, "downstream latency with nobody ahead")
	fs.IntVar(&c.Sample, "sample", d.Sample, "every Nth person polls through the room (1: everyone)")
	fs.DurationVar(&c.Tick, "tick", d.Tick, "virtual time between two advances of the queue")
	fs.IntVar(&c.MaxActive, "max-active", 0, "admitted people active at once, at most (0: no bound)")
	target := fs.Duration("target-worst-wait", 0, "find the fewest instances whose worst wait is within this")
	maxInstances := fs.Int("max-instances", 256, "give up the search past this many instances")
	asJSON := fs.Bool("json", false, "print JSON lines instead of text")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if c.Shape, err = simulate.ParseShape(*shape); err != nil {
		return err
	}
	print := func(r simulate.Result) error {
		if !*asJSON {
			_, err := fmt.Fprintf(stdout, "%s\n\n", r)
			return err
		}
		return json.NewEncoder(stdout).Encode(struct {
			simulate.Result
			Shape        string  `json:"shape"`
			Instances    int     `json:"instances"`
			InstanceRate float64 `json:"instance_rate"`
			WorstS       float64 `json:"worst_wait_s"`
			MedianS      float64 `json:"median_wait_s"`
			P95S         float64 `json:"p95_wait_s"`
			DrainedS     float64 `json:"drained_s"`
			PeakPollsAtS float64 `json:"peak_polls_at_s"`
			ElapsedS     float64 `json:"elapsed_s"`
		}{r, string(r.Config.Shape), r.Config.Instances, r.Config.InstanceRate, r.Worst.Seconds(), r.Median.Seconds(), r.P95.Seconds(), r.Drained.Seconds(), r.PeakPollsAt.Seconds(), r.Elapsed.Seconds()})
	}
	if *target <= 0 {
		r, err := simulate.Run(ctx, c)
		if err != nil {
			return err
		}
		return print(r)
	}
	n, runs, err := simulate.Size(ctx, c, *target, *maxInstances)
	for _, r := range runs {
		if err := print(r); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"target_worst_wait_s": target.Seconds(), "instances_needed": n})
	}
	_, err = fmt.Fprintf(stdout, "instances needed for a worst wait within %v: %d\n", target.Round(time.Second), n)
	return err
}
