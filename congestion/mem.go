package congestion

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"vaxbook"
)

var _ Line = (*Mem)(nil)

// Mem is the in-process Line, for the embedded default (one instance). Each method has
// a FIFO semaphore of MaxInFlight slots, so the line is served in arrival order and a
// cancelled waiter leaves it at once, then a pacer for PerSecond.
//
// Waiting and pacing are physical durations on the monotonic clock; the injected clock
// dates the completions behind the lights, so tests can move the measuring window.
type Mem struct {
	clock   vaxbook.Clock
	methods map[string]*memMethod
	names   []string
}

type memMethod struct {
	name  string
	cfg   MethodConfig
	slots *semaphore.Weighted

	mu       sync.Mutex
	inFlight int // admitted and not released
	waiting  int // in Acquire and not admitted, including pacing
	tat      time.Time
	done     [windowSeconds]bucket
}

// windowSeconds is Window in whole seconds, the number of completion buckets.
const windowSeconds = int(Window / time.Second)

// bucket counts the completions of one second of the injected clock.
type bucket struct {
	sec int64
	n   int
}

// errMaxWait is the cause of a wait that reached MaxWait, told apart from the caller's
// own deadline.
var errMaxWait = errors.New("congestion: wait reached MaxWait")

// NewMem returns an in-process Line for the configured methods. It returns an error
// for a configuration WithDefaults refuses.
func NewMem(cfg map[string]MethodConfig, clock vaxbook.Clock) (*Mem, error) {
	cfg, err := WithDefaults(cfg)
	if err != nil {
		return nil, err
	}
	l := &Mem{clock: clock, methods: make(map[string]*memMethod, len(cfg))}
	for name, c := range cfg {
		l.methods[name] = &memMethod{name: name, cfg: c, slots: semaphore.NewWeighted(int64(c.MaxInFlight))}
		l.names = append(l.names, name)
	}
	slices.Sort(l.names)
	return l, nil
}

// Acquire implements Line.
func (l *Mem) Acquire(ctx context.Context, method string) (func(ok bool), error) {
	m, ok := l.methods[method]
	if !ok {
		return nil, UnknownMethod()
	}
	m.mu.Lock()
	if m.waiting >= m.cfg.MaxWaiting {
		light := m.lightLocked(l.clock.Now())
		m.mu.Unlock()
		return nil, BusyError(light, l.clock.Now())
	}
	m.waiting++
	m.mu.Unlock()

	wctx, cancel := context.WithTimeoutCause(ctx, m.cfg.MaxWait, errMaxWait)
	defer cancel()
	err := m.slots.Acquire(wctx, 1)
	if err == nil {
		if err = m.pace(wctx); err != nil {
			m.slots.Release(1)
		}
	}
	m.mu.Lock()
	m.waiting--
	if err != nil {
		light := m.lightLocked(l.clock.Now())
		m.mu.Unlock()
		if ctx.Err() == nil && errors.Is(context.Cause(wctx), errMaxWait) {
			return nil, BusyError(light, l.clock.Now())
		}
		return nil, fmt.Errorf("congestion: wait for %s: %w", method, ctx.Err())
	}
	m.inFlight++
	m.mu.Unlock()

	var once sync.Once
	return func(ok bool) {
		once.Do(func() {
			m.mu.Lock()
			m.inFlight--
			if ok {
				m.countLocked(l.clock.Now())
			}
			m.mu.Unlock()
			m.slots.Release(1)
		})
	}, nil
}

// pace waits until the method may start another verification. It is a generic cell
// rate: each start moves the theoretical arrival time (tat) on by one interval, and a
// start may go once it is at most Burst-1 intervals ahead of now. A start that gives up
// hands its interval back, so that cancelled waiters do not slow the ones behind.
func (m *memMethod) pace(ctx context.Context) error {
	interval := m.cfg.StartInterval()
	m.mu.Lock()
	now := time.Now()
	tat := m.tat
	if tat.Before(now) {
		tat = now
	}
	m.tat = tat.Add(interval)
	m.mu.Unlock()
	d := tat.Add(-time.Duration(m.cfg.Burst()-1) * interval).Sub(now)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		m.mu.Lock()
		m.tat = m.tat.Add(-interval)
		m.mu.Unlock()
		return ctx.Err()
	}
}

// countLocked records a completion at now. The caller holds m.mu.
func (m *memMethod) countLocked(now time.Time) {
	sec := now.Unix()
	b := &m.done[int(sec%int64(windowSeconds)+int64(windowSeconds))%windowSeconds]
	if b.sec != sec {
		*b = bucket{sec: sec}
	}
	b.n++
}

// lightLocked judges the method at now. The caller holds m.mu.
func (m *memMethod) lightLocked(now time.Time) Light {
	sec, completed := now.Unix(), 0
	for _, b := range m.done {
		if b.sec > sec-int64(windowSeconds) && b.sec <= sec {
			completed += b.n
		}
	}
	return MakeLight(m.name, m.cfg, m.inFlight, m.waiting, completed)
}

// Lights implements Line.
func (l *Mem) Lights(_ context.Context, now time.Time) ([]Light, error) {
	out := make([]Light, 0, len(l.names))
	for _, name := range l.names {
		m := l.methods[name]
		m.mu.Lock()
		out = append(out, m.lightLocked(now))
		m.mu.Unlock()
	}
	return out, nil
}
