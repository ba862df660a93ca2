// Package simulate plays a whole booking day through the real waiting room (package
// queue: Room, MemCounters, the admission Controller and the wait estimate) in virtual
// time, so that an operator can see the waits a day's group will meet with N instances,
// and how many instances keep the worst wait under a target, in seconds instead of an
// evening. Nothing sleeps: the room reads an injected clock, and every call passes the
// virtual instant.
//
// What is real: every person joins through Room.Join (a device cookie, then the
// confirming join), the counters advance through Room.Advance, the rate is set by the
// room's own Controller through Room.Control, the opening's shuffle is the room's, and
// the people sampled (every Sample-th) poll Room.Status when its PollAfter tells them
// to and claim their pass with Room.Claim. What is modelled: what lies behind the room
// (verification and booking on the instances) is a line served at instances × the rate
// one instance serves (the rate scripts/scale-out.sh measures); its latency is what the
// controller observes.
package simulate

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"vaxbook"
	"vaxbook/queue"
)

// Config describes one simulated day. Zero fields take the defaults of Defaults.
type Config struct {
	Arrivals int   // people in the day's group who come
	Shape    Shape // when they come
	// Spread is how long before the opening a Burst arrives over.
	Spread time.Duration
	// Instances serve InstanceRate bookings per second each.
	Instances    int
	InstanceRate float64
	// Latency is a downstream call's latency with nobody ahead; Timeout is when a call
	// counts as failed.
	Latency, Timeout time.Duration
	// Sample: every Sample-th person polls through Room.Status; their polls, scaled,
	// give the poll rate and their estimates the estimate's error. 1 is everyone.
	Sample int
	// Tick is the virtual time between two Room.Advance calls (the server's Run
	// advances every 150 ms; a second keeps a 22-hour day fast and moves waits by
	// under a second).
	Tick time.Duration
	// Rate is the admission rate the controller starts from; MaxActive bounds admitted
	// people active at once (0: no bound, so that the capacity is the only limit).
	Rate      float64
	MaxActive int
}

// Defaults returns the defaults: 1.9 million people over the source's day, one
// instance of 400 bookings/s (a 2-CPU instance at the server CPU per booking the
// scale-out runs measured), 100 ms idle latency and 10 s timeout, one person in 100
// sampled, 1 s ticks, the room's default starting rate.
func Defaults() Config {
	return Config{
		Arrivals: 1_900_000, Shape: Day, Spread: 10 * time.Minute, Instances: 1, InstanceRate: 400,
		Latency: 100 * time.Millisecond, Timeout: 10 * time.Second, Sample: 100, Tick: time.Second,
		Rate: queue.DefaultConfig().Rate,
	}
}

func (c Config) withDefaults() Config {
	d := Defaults()
	if c.Arrivals <= 0 {
		c.Arrivals = d.Arrivals
	}
	if c.Shape == "" {
		c.Shape = d.Shape
	}
	if c.Spread <= 0 {
		c.Spread = d.Spread
	}
	if c.Instances <= 0 {
		c.Instances = d.Instances
	}
	if c.InstanceRate <= 0 {
		c.InstanceRate = d.InstanceRate
	}
	if c.Latency <= 0 {
		c.Latency = d.Latency
	}
	if c.Timeout <= 0 {
		c.Timeout = d.Timeout
	}
	if c.Sample <= 0 {
		c.Sample = d.Sample
	}
	if c.Tick <= 0 {
		c.Tick = d.Tick
	}
	if c.Rate <= 0 {
		c.Rate = d.Rate
	}
	return c
}

// opening is the instant the simulated window opens: the source's example day.
var opening = time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)

// closing is when the window closes (18:00 the next day): the room holds admission
// from then on, so whoever still waits is not served that day.
var closing = opening.Add(dayWindow)

// day is the state of one run.
type day struct {
	cfg     Config
	room    *queue.Room
	signer  *queue.Signer
	clock   *vaxbook.ManualClock
	down    downstream
	confirm []time.Time // when each person's confirming join is made, in arrival order
	seq     []uint64    // the sequence number each person's ticket carries
	// The sampled people: their tokens and the polls they make.
	tickets, devices []string
	person           []int // sampled index → person index
	// seenAdmitted is when a sampled person's poll first said admitted; lastWaiting
	// when one last said not yet.
	seenAdmitted, lastWaiting []time.Time
	due                       polls
	shown                     []shown
	pollsAt                   map[int64]int // polls per virtual second since the opening
	// heads are the admission head after each Advance.
	heads      []headAt
	peakActive int
	peakRate   float64
}

type headAt struct {
	at   time.Time
	head uint64
}

// shown is one wait estimate a sampled person was shown.
type shown struct {
	person     int
	at         time.Time
	est        time.Duration // position / rate: what the shown range is built around
	lo, hi     time.Duration
	preOpening bool
}

// Run plays one day and returns what people met. It fails if a join or poll fails in
// a way the real server would answer with an error. People still waiting when the
// window closes are counted in Result.Unserved.
func Run(ctx context.Context, cfg Config) (Result, error) {
	cfg = cfg.withDefaults()
	t0 := time.Now()
	d, err := newDay(cfg)
	if err != nil {
		return Result{}, err
	}
	if err := d.play(ctx); err != nil {
		return Result{}, err
	}
	res, err := d.result(ctx)
	res.Elapsed = time.Since(t0)
	return res, err
}

func newDay(cfg Config) (*day, error) {
	signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: []byte("simulation secret, not for production use")})
	if err != nil {
		return nil, err
	}
	d := &day{cfg: cfg, signer: signer, pollsAt: make(map[int64]int)}
	d.down = downstream{capacity: float64(cfg.Instances) * cfg.InstanceRate, idle: cfg.Latency, timeout: cfg.Timeout}
	rc := queue.DefaultConfig()
	d.confirm = make([]time.Time, cfg.Arrivals)
	for i := range d.confirm {
		d.confirm[i] = opening.Add(cfg.Shape.arrival(i, cfg.Arrivals, cfg.Spread) + rc.ConfirmAfter)
	}
	d.seq = make([]uint64, cfg.Arrivals)
	d.clock = vaxbook.NewManualClock(d.confirm[0].Add(-rc.ConfirmAfter - cfg.Tick).Truncate(cfg.Tick))
	rc.Signer, rc.Counters, rc.Clock = signer, queue.NewMemCounters(), d.clock
	rc.Windows = []vaxbook.Window{{Group: 2, Opens: opening, Closes: opening.Add(dayWindow)}}
	rc.Rate, rc.MaxActive, rc.Tick = cfg.Rate, cfg.MaxActive, cfg.Tick
	d.room, err = queue.New(rc)
	return d, err
}

// play runs the day tick by tick until everyone has come and been admitted and every
// sampled person has seen their turn, or until the window closes.
func (d *day) play(ctx context.Context) error {
	t := d.clock.Now()
	s, err := d.room.Advance(ctx, t)
	if err != nil {
		return err
	}
	prev, next := s.Head, 0
	var lastControl time.Time
	var observed float64
	for {
		t = t.Add(d.cfg.Tick)
		if err := ctx.Err(); err != nil {
			return err // stopped (Ctrl-C): a day cut short has no figures worth printing
		}
		if next == len(d.confirm) && t.After(closing) {
			return nil // those still waiting count as unserved
		}
		d.clock.Set(t)
		// Polls due since the last tick read the snapshot it left, as a server's polls
		// do between its ticks; then the joins due, then the tick itself.
		for len(d.due) > 0 && !d.due[0].at.After(t) {
			p := heap.Pop(&d.due).(poll)
			// A first poll, made at the join, may be due before the snapshot it reads
			// (the join came after the polls of its tick): it is answered at the
			// snapshot's instant, as the server would answer it a little late.
			p.at = maxTime(p.at, t.Add(-d.cfg.Tick))
			if err := d.poll(ctx, p); err != nil {
				return err
			}
		}
		for ; next < len(d.confirm) && !d.confirm[next].After(t); next++ {
			if err := d.join(ctx, next); err != nil {
				return err
			}
		}
		s, err := d.room.Advance(ctx, t)
		if err != nil {
			return err
		}
		d.heads = append(d.heads, headAt{t, s.Head})
		d.peakActive = max(d.peakActive, s.Active)
		d.peakRate = max(d.peakRate, s.Rate)
		// What the admitted do downstream is what the controller sees: one observation
		// per person served, at the latency a call meets now.
		served, latency := d.down.step(s.Head-prev, d.cfg.Tick)
		prev = s.Head
		observed += served
		for ; observed >= 1; observed-- {
			d.room.Controller().Observe(queue.Booking, latency, latency > d.down.timeout)
		}
		if t.Sub(lastControl) >= time.Second {
			lastControl = t
			if err := d.room.Control(ctx, t); err != nil {
				return err
			}
		}
		if next == len(d.confirm) && s.Head >= s.Issued && len(d.due) == 0 {
			return nil
		}
	}
}

// join brings person i through the room's two-step join: a request that gets the device
// cookie, then the confirming request ConfirmAfter later that gets the ticket.
func (d *day) join(ctx context.Context, i int) error {
	at := d.confirm[i]
	addr := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
	a, err := d.room.Join(ctx, queue.JoinRequest{ClientAddr: addr}, at.Add(-queue.DefaultConfig().ConfirmAfter))
	if err != nil {
		return fmt.Errorf("join %d: %w", i, err)
	}
	b, err := d.room.Join(ctx, queue.JoinRequest{Device: a.Device, ClientAddr: addr}, at)
	if err != nil || b.Ticket == "" {
		return fmt.Errorf("confirm join %d: no ticket (%v)", i, err)
	}
	tk, err := d.signer.ParseTicket(b.Ticket)
	if err != nil {
		return fmt.Errorf("join %d: %w", i, err)
	}
	d.seq[i] = tk.Seq
	if i%d.cfg.Sample == 0 {
		k := len(d.person)
		d.person = append(d.person, i)
		d.tickets = append(d.tickets, b.Ticket)
		d.devices = append(d.devices, b.Device)
		d.seenAdmitted = append(d.seenAdmitted, time.Time{})
		d.lastWaiting = append(d.lastWaiting, time.Time{})
		heap.Push(&d.due, poll{at: at, sampled: k})
	}
	return nil
}

// poll asks the room for a sampled person's status, as their browser does, records the
// estimate shown, and schedules the next poll when the answer says; once admitted,
// the person claims their pass and stops polling.
func (d *day) poll(ctx context.Context, p poll) error {
	d.pollsAt[int64(p.at.Sub(opening)/time.Second)]++
	st, err := d.room.Status(ctx, d.tickets[p.sampled], d.devices[p.sampled], p.at)
	if err != nil {
		return fmt.Errorf("status of person %d at %v: %w", d.person[p.sampled], p.at, err)
	}
	if st.Admitted {
		d.seenAdmitted[p.sampled] = p.at
		if _, err := d.room.Claim(ctx, d.tickets[p.sampled], d.devices[p.sampled], p.at); err != nil {
			return fmt.Errorf("claim of person %d: %w", d.person[p.sampled], err)
		}
		return nil
	}
	d.lastWaiting[p.sampled] = p.at
	est := time.Duration(0)
	if st.Rate > 0 {
		est = time.Duration(float64(st.Position) / st.Rate * float64(time.Second))
	}
	d.shown = append(d.shown, shown{person: d.person[p.sampled], at: p.at, est: est, lo: st.WaitMin, hi: st.WaitMax, preOpening: st.PreOpening})
	if st.PollAfter <= 0 {
		return errors.New("status gave no poll advice")
	}
	heap.Push(&d.due, poll{at: p.at.Add(st.PollAfter), sampled: p.sampled})
	return nil
}

// admittedAt returns the first tick at which the head had reached key.
func (d *day) admittedAt(key uint64) (time.Time, bool) {
	i, _ := slices.BinarySearchFunc(d.heads, key, func(h headAt, k uint64) int {
		if h.head < k {
			return -1
		}
		return 1
	})
	if i == len(d.heads) {
		return time.Time{}, false
	}
	return d.heads[i].at, true
}

// poll is a sampled person's next status request.
type poll struct {
	at      time.Time
	sampled int
}

// polls is a min-heap of polls by instant.
type polls []poll

func (h polls) Len() int           { return len(h) }
func (h polls) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h polls) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *polls) Push(x any)        { *h = append(*h, x.(poll)) }
func (h *polls) Pop() any {
	old := *h
	p := old[len(old)-1]
	*h = old[:len(old)-1]
	return p
}
