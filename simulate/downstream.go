package simulate

import "time"

// downstream stands for what lies behind the waiting room — verification and booking on
// N instances — as a single line served at a fixed capacity (bookings/s). Admitted
// people join it; a call's latency is the idle latency plus the time to serve those
// ahead of it. That is the signal the admission controller reacts to in production: it
// reads p95 latency and errors of the downstream calls, not a capacity figure.
type downstream struct {
	capacity float64       // people served per second
	idle     time.Duration // latency of a call when nobody is ahead
	timeout  time.Duration // calls slower than this fail (a client or proxy timeout)
	backlog  float64       // people admitted and not yet served
}

// step admits n people and serves for dt. It returns how many were served and the
// latency a call made now would see.
func (d *downstream) step(n uint64, dt time.Duration) (served float64, latency time.Duration) {
	d.backlog += float64(n)
	served = min(d.backlog, d.capacity*dt.Seconds())
	d.backlog -= served
	return served, d.idle + time.Duration(d.backlog/d.capacity*float64(time.Second))
}
