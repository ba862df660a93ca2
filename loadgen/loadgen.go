package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"vaxbook/demo"
	"vaxbook/identity"
)

// shards is the number of recorders the residents share (see recorder).
const shards = 16

// gen is one run: its options, what it learned from the server and its recorders.
type gen struct {
	o       Options
	trs     []*http.Transport
	recs    [shards]*recorder
	start   time.Time
	vaxFrom time.Time // first vaccination date
	vaxDays int       // number of vaccination dates
	// statusPath is the waiting-room status request, with the wait it offers.
	statusPath string
}

// Run plays o.Users residents against o.Target and returns what they met. It returns
// an error only when the run cannot start (bad options, an unreachable server, no
// window open) or the audit cannot be read; residents' failures are counted in the
// result. Cancelling ctx stops the arrivals and the residents in progress.
func Run(ctx context.Context, o Options) (Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Result{}, err
	}
	target, err := url.Parse(o.Target)
	if err != nil || target.Host == "" {
		return Result{}, fmt.Errorf("loadgen: target %q is not a URL", o.Target)
	}
	g := &gen{o: o, trs: transports(o, target), statusPath: "/api/v1/queue/status"}
	if secs := int(o.Wait / time.Second); secs > 0 {
		g.statusPath += "?wait=" + strconv.Itoa(secs)
	}
	for i := range g.recs {
		g.recs[i] = newRecorder()
	}
	setup := newClient(o.Target, g.trs[0], o.Timeout)
	camp, err := g.campaign(ctx, setup)
	if err != nil {
		return Result{}, err
	}
	group, pooled, now, err := openGroup(ctx, setup)
	if err != nil {
		return Result{}, err
	}
	next := residents(demo.NewPopulation(demo.FullPopulation, o.PopulationSeed, camp), group, pooled)

	heap, cpu := watchHeap(), startCPU(ctx, setup, o.Servers, o.OperatorToken, o.Database, o.DevProviders)
	sched := schedule{arrival: o.Arrival, users: o.Users, spread: o.Spread, compress: o.Compress}
	sem := make(chan struct{}, o.Concurrency)
	var wg sync.WaitGroup
	g.start = time.Now()
	for i := 0; i < o.Users && ctx.Err() == nil; i++ {
		due := g.start.Add(sched.at(i))
		if sleepUntil(ctx, due) != nil {
			break
		}
		sub := next()
		// Waiting for a free slot delays the resident, and the delay counts in its
		// first step's latency, measured from due.
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			a := &actor{g: g, c: newClient(o.Target, g.trs[i%len(g.trs)], o.Timeout), rec: g.recs[i%shards],
				rng: rand.New(rand.NewPCG(uint64(o.Seed), uint64(i)))}
			a.run(ctx, sub, due)
		})
	}
	wg.Wait()
	elapsed := time.Since(g.start)
	peak := heap()
	for _, tr := range g.trs {
		tr.CloseIdleConnections()
	}
	all := newRecorder()
	for _, r := range g.recs {
		all.merge(r)
	}
	res := result(o, all, elapsed, peak)
	res.Group, res.Pooled, res.ServerNow = group, pooled, now
	// A run stopped early (Ctrl-C) still reads the CPU and audits the database: what it
	// booked must hold the invariants too.
	after, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	res.CPU, res.ServerSteps = cpu.stop(after, res.Booked)
	if o.Database != "" {
		if err := audit(after, o.Database, camp.ID, &res); err != nil {
			return res, err
		}
	}
	return res, ctx.Err()
}

// residents returns a function handing out the residents of group in population
// order (everyone when pooled). Only the index is kept, never the residents; when the
// group is used up it starts again, and those repeats meet already_booked.
func residents(pop demo.Population, group int, pooled bool) func() identity.Subscriber {
	i := 0
	return func() identity.Subscriber {
		if pooled {
			r := pop.Resident(i % pop.Len())
			i++
			return r
		}
		j, r := pop.FindInGroup(group, i)
		if j < 0 {
			j, r = pop.FindInGroup(group, 0)
		}
		i = j + 1
		return r
	}
}

// watchHeap samples the heap every 250 ms until the returned function is called,
// which returns the peak in bytes.
func watchHeap() func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > peak.Load() {
			peak.Store(m.HeapAlloc)
		}
	}
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				sample()
			case <-done:
				return
			}
		}
	}()
	return func() uint64 {
		close(done)
		sample()
		return peak.Load()
	}
}
