package batch

import (
	"sync/atomic"
	"time"
)

// Stats are a committer's counters since it started, in the shape of a Prometheus histogram
// of batch sizes (cumulative buckets, a count and a sum) plus plain counters, so that a
// /metrics handler can export them without knowing this package's insides.
type Stats struct {
	// Batches is the number of store calls; Requests the requests they carried (the
	// histogram's sum).
	Batches, Requests uint64
	// SizeBounds are the upper bounds of the batch-size buckets (1, 2, 4, …) and
	// SizeCounts[i] the number of batches with at most SizeBounds[i] requests. Batches
	// larger than the last bound are counted only in Batches (the +Inf bucket).
	SizeBounds []float64
	SizeCounts []uint64
	// Failed counts requests the store answered with an error of any code (share_full
	// and already_booked included); Dropped those whose caller gave up before their
	// batch started, which were never sent.
	Failed, Dropped uint64
	// StoreTime is the total time spent in store calls, commit included.
	StoreTime time.Duration
	// InFlight is the number of requests inside a store call now (a gauge).
	InFlight int64
}

// sizeBuckets is the number of power-of-two buckets: 1 … 4096.
const sizeBuckets = 13

type stats struct {
	batches, requests, failed, dropped atomic.Uint64
	storeNanos, inFlight               atomic.Int64
	sizes                              [sizeBuckets]atomic.Uint64 // not cumulative
}

// record counts one store call of n requests that took d.
func (s *stats) record(n int, d time.Duration, failed int) {
	s.batches.Add(1)
	s.requests.Add(uint64(n))
	s.storeNanos.Add(int64(d))
	for b := range sizeBuckets {
		if n <= 1<<b {
			s.sizes[b].Add(1)
			break
		}
	}
	s.failed.Add(uint64(failed))
}

// Stats returns a snapshot of the counters. The fields are read one by one, so a
// snapshot taken while batches commit may be off by the batch in flight.
func (g *group[Q, R]) Stats() Stats {
	s := &g.stats
	out := Stats{
		Batches:    s.batches.Load(),
		Requests:   s.requests.Load(),
		Failed:     s.failed.Load(),
		Dropped:    s.dropped.Load(),
		StoreTime:  time.Duration(s.storeNanos.Load()),
		InFlight:   s.inFlight.Load(),
		SizeBounds: make([]float64, sizeBuckets),
		SizeCounts: make([]uint64, sizeBuckets),
	}
	var cum uint64
	for b := range sizeBuckets {
		cum += s.sizes[b].Load()
		out.SizeBounds[b] = float64(int(1) << b)
		out.SizeCounts[b] = cum
	}
	return out
}
