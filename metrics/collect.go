package metrics

import (
	"context"
	"database/sql"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"vaxbook/batch"
	"vaxbook/congestion"
	"vaxbook/queue"
)

// scrapeTimeout bounds one callback during a scrape: the queue and lines may live in
// Redis, and a slow Redis must not hang the scraper.
const scrapeTimeout = 2 * time.Second

// funcCollector is a collector whose metrics are computed by a function at scrape
// time. The descriptions are listed up front so the registry can check names.
type funcCollector struct {
	descs   []*prometheus.Desc
	collect func(ctx context.Context, ch chan<- prometheus.Metric)
}

func (c funcCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c funcCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	c.collect(ctx, ch)
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(namespace+"_"+name, help, labels, nil)
}

// gauge and counter build constant metrics; the descriptions are fixed above, so
// MustNewConstMetric only fails on a programming error.
func gauge(d *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
}

func counter(d *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// RegisterQueue exports the waiting room read through snapshot (queue.Room.Snapshot):
// the line, the admissions and the admission rate. A failed snapshot exports nothing
// for that scrape, which Prometheus shows as a gap rather than a false zero.
func (m *Metrics) RegisterQueue(snapshot func(context.Context) (queue.Stats, error)) {
	var (
		waiting  = desc("queue_waiting", "People waiting in the waiting room.")
		issued   = desc("queue_issued_total", "Places handed out since the line began.")
		admitted = desc("queue_admitted_total", "People admitted since the line began (the head of the line).")
		active   = desc("queue_active", "Admitted people seen recently.")
		maxAct   = desc("queue_max_active", "Bound on admitted people active at once: --queue-max-active, or the admission window under the controller when lower.")
		pruned   = desc("queue_pruned_total", "Admitted people the idle timeout took out of the active set (left without booking) since the queue's counters were made or restored.")
		rate     = desc("queue_admission_rate", "Admissions per second set (by an operator or the controller).")
		measured = desc("queue_admission_rate_measured", "Admissions per second measured over the last 30 s.")
		paused   = desc("queue_paused", "1 while an operator has paused admission.")
		auto     = desc("queue_auto", "1 while the controller sets the rate.")
		awaiting = desc("queue_awaiting", "Status answers held open on this instance until their turn comes.")
	)
	m.reg.MustRegister(funcCollector{
		descs: []*prometheus.Desc{waiting, issued, admitted, active, maxAct, pruned, rate, measured, paused, auto, awaiting},
		collect: func(ctx context.Context, ch chan<- prometheus.Metric) {
			s, err := snapshot(ctx)
			if err != nil {
				return
			}
			ch <- gauge(waiting, float64(s.Waiting))
			ch <- counter(issued, float64(s.Issued))
			ch <- counter(admitted, float64(s.Head))
			ch <- gauge(active, float64(s.Active))
			ch <- gauge(maxAct, float64(s.MaxActive))
			ch <- counter(pruned, float64(s.Pruned))
			ch <- gauge(rate, s.Rate)
			ch <- gauge(measured, s.Measured)
			ch <- gauge(paused, boolf(s.Paused))
			ch <- gauge(auto, boolf(s.Auto))
			ch <- gauge(awaiting, float64(s.Awaiting))
		},
	})
}

// lightColors are the colours a light can show, so each method exports all three
// (one of them 1), which lets a dashboard count methods by colour.
var lightColors = []string{congestion.Green, congestion.Yellow, congestion.Red}

// RegisterLines exports each verification method's line and light, read through
// lights (congestion.Line.Lights at the service's clock).
func (m *Metrics) RegisterLines(lights func(context.Context) ([]congestion.Light, error)) {
	var (
		light    = desc("identity_light", "1 for the colour the method's congestion light shows now.", "method", "color")
		wait     = desc("identity_wait_seconds", "Expected wait of a verification starting now.", "method")
		inFlight = desc("identity_in_flight", "Verifications in flight at the provider.", "method")
		waiting  = desc("identity_waiting", "Verifications waiting in the method's line.", "method")
		capacity = desc("identity_capacity", "Verifications the provider takes at once.", "method")
		perSec   = desc("identity_per_second", "Throughput the estimate uses (completions per second).", "method")
	)
	m.reg.MustRegister(funcCollector{
		descs: []*prometheus.Desc{light, wait, inFlight, waiting, capacity, perSec},
		collect: func(ctx context.Context, ch chan<- prometheus.Metric) {
			ls, err := lights(ctx)
			if err != nil {
				return
			}
			for _, l := range ls {
				for _, c := range lightColors {
					ch <- gauge(light, boolf(l.Color == c), l.Method, c)
				}
				ch <- gauge(wait, l.WaitSeconds, l.Method)
				ch <- gauge(inFlight, float64(l.InFlight), l.Method)
				ch <- gauge(waiting, float64(l.Waiting), l.Method)
				ch <- gauge(capacity, float64(l.Capacity), l.Method)
				ch <- gauge(perSec, l.PerSecond, l.Method)
			}
		},
	})
}

// RegisterBatch exports the booking group committer read through stats
// (batch.Committer.Stats): a histogram of batch sizes and the time spent in the store.
func (m *Metrics) RegisterBatch(stats func() batch.Stats) {
	m.registerGroup("batch", "Bookings", "(share_full, already_booked included)", stats)
}

// RegisterSignInBatch exports the sign-in group committer (batch.Sessions.Stats) as
// RegisterBatch does the booking one, under signin_batch_.
func (m *Metrics) RegisterSignInBatch(stats func() batch.Stats) {
	m.registerGroup("signin_batch", "Sign-ins", "(invalid_input included)", stats)
}

func (m *Metrics) registerGroup(prefix, what, refusals string, stats func() batch.Stats) {
	var (
		size     = desc(prefix+"_size", what+" per store transaction of the group committer.")
		failed   = desc(prefix+"_failed_total", "Batched requests the store refused "+refusals+".")
		dropped  = desc(prefix+"_dropped_total", "Batched requests whose caller gave up before the batch started.")
		store    = desc(prefix+"_store_seconds_total", "Time spent in store calls, commit included.")
		inFlight = desc(prefix+"_in_flight", "Requests inside a store call now.")
	)
	m.reg.MustRegister(funcCollector{
		descs: []*prometheus.Desc{size, failed, dropped, store, inFlight},
		collect: func(_ context.Context, ch chan<- prometheus.Metric) {
			s := stats()
			buckets := make(map[float64]uint64, len(s.SizeBounds))
			for i, b := range s.SizeBounds {
				buckets[b] = s.SizeCounts[i]
			}
			ch <- prometheus.MustNewConstHistogram(size, s.Batches, float64(s.Requests), buckets)
			ch <- counter(failed, float64(s.Failed))
			ch <- counter(dropped, float64(s.Dropped))
			ch <- counter(store, s.StoreTime.Seconds())
			ch <- gauge(inFlight, float64(s.InFlight))
		},
	})
}

// RegisterPGPool exports the PostgreSQL pool read through stat (pgxpool.Pool.Stat):
// connections in use and idle, and how often and how long callers waited for one.
func (m *Metrics) RegisterPGPool(stat func() *pgxpool.Stat) {
	var (
		acquired = desc("db_pool_acquired_conns", "Connections in use.")
		idle     = desc("db_pool_idle_conns", "Idle connections.")
		total    = desc("db_pool_total_conns", "Open connections.")
		maxConns = desc("db_pool_max_conns", "Bound on open connections.")
		acquires = desc("db_pool_acquire_total", "Connections acquired.")
		empty    = desc("db_pool_empty_acquire_total", "Acquisitions that had to wait for a connection.")
		waited   = desc("db_pool_acquire_wait_seconds_total", "Time spent waiting for a connection.")
	)
	m.reg.MustRegister(funcCollector{
		descs: []*prometheus.Desc{acquired, idle, total, maxConns, acquires, empty, waited},
		collect: func(_ context.Context, ch chan<- prometheus.Metric) {
			s := stat()
			ch <- gauge(acquired, float64(s.AcquiredConns()))
			ch <- gauge(idle, float64(s.IdleConns()))
			ch <- gauge(total, float64(s.TotalConns()))
			ch <- gauge(maxConns, float64(s.MaxConns()))
			ch <- counter(acquires, float64(s.AcquireCount()))
			ch <- counter(empty, float64(s.EmptyAcquireCount()))
			ch <- counter(waited, s.EmptyAcquireWaitTime().Seconds())
		},
	})
}

// RegisterSQLDB exports a database/sql pool (the SQLite store's) with the standard
// go_sql_* metrics, labelled db_name=name.
func (m *Metrics) RegisterSQLDB(name string, db *sql.DB) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, name))
}
