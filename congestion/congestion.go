// Package congestion holds the congestion lines of the identity methods (rule 8:
// "before choosing a method, the user sees, per method, a traffic light with the
// expected wait, so they can pick the least congested one").
//
// Each method (phone, certificate, each OpenID Connect provider) is a separate provider
// with a capacity of its own: verifications in flight at once and starts per second.
// A verification asks its method's Line for a slot before calling the provider; starts
// beyond capacity wait in a short line, first come first served, bounded in length and
// in time. Beyond either bound the start is refused with CodeUnavailable and a RetryAt,
// so the resident can pick another method at once instead of timing out. The lights
// are computed from the same counters, so they follow the real load.
//
// There is an in-process Line (Mem) and a shared one in package redis, and one
// conformance suite (package congestiontest).
package congestion

import (
	"context"
	"fmt"
	"math"
	"time"

	"vaxbook"
)

// Line admits verification starts per method within its capacity and reports the
// lights. Implementations are safe for concurrent use.
type Line interface {
	// Acquire takes a slot of the method, waiting in its line up to the method's
	// MaxWait. The caller must call release exactly once when the provider has
	// answered; ok reports that it did answer (success or a refusal of the person),
	// and only such verifications count toward the measured throughput, so that a
	// failing provider's fast errors do not make its light look green. Further calls
	// of release do nothing.
	//
	// Errors: CodeInvalidInput for a method that is not configured; CodeUnavailable
	// with RetryAt when the line is full or the wait reached MaxWait; ctx's error,
	// wrapped, when ctx ends first; any other error is the backend's.
	Acquire(ctx context.Context, method string) (release func(ok bool), err error)
	// Lights returns the light of every configured method at now, ordered by name.
	Lights(ctx context.Context, now time.Time) ([]Light, error)
}

// The colours of a light.
const (
	Green  = "green"
	Yellow = "yellow"
	Red    = "red"
)

// Window is how far back completions are counted to measure a method's throughput:
// long enough to smooth out single slow answers, short enough to follow the surge of
// 20:00 within seconds.
const Window = 10 * time.Second

// Light is what a resident sees for one method before choosing it.
type Light struct {
	Method string `json:"method"`
	Color  string `json:"color"`
	// WaitSeconds is the expected wait of a start arriving now: the waiting starts
	// divided by PerSecond.
	WaitSeconds float64 `json:"wait_seconds"`
	InFlight    int     `json:"in_flight"`
	Waiting     int     `json:"waiting"`
	Capacity    int     `json:"capacity"`
	// PerSecond is the throughput the estimate used: completions per second over the
	// last Window, or the configured start rate when none completed, and never more
	// than that rate, which caps starts anyway.
	PerSecond  float64    `json:"per_second"`
	Thresholds Thresholds `json:"thresholds"`
}

// Thresholds are the expected waits, in seconds, at which a light turns yellow and red.
type Thresholds struct {
	YellowAt float64 `json:"yellow_at"`
	RedAt    float64 `json:"red_at"`
}

// MethodConfig is the capacity of one method's provider. Zero values take defaults,
// except MaxInFlight and PerSecond, which only the provider's contract can tell.
type MethodConfig struct {
	// MaxInFlight is how many verifications the provider takes at once.
	MaxInFlight int
	// PerSecond is how many verifications may start per second. Up to one second's
	// worth may start at once after a quiet spell.
	PerSecond float64
	// MaxWait bounds the wait of one start in the line: 10 s by default, well within
	// an HTTP request's patience.
	MaxWait time.Duration
	// MaxWaiting bounds the line. By default it is what PerSecond serves in MaxWait:
	// anyone further back would be refused at MaxWait anyway, after waiting for nothing.
	MaxWaiting int
	// Thresholds colour the light: yellow from 3 s and red from MaxWait by default,
	// since a start expecting to wait longer than MaxWait will likely be refused. The
	// light is also red while the line is full.
	Thresholds Thresholds
	// Lease is how long a shared line keeps a slot whose holder never released it (its
	// instance crashed): 1 minute by default. It must exceed the provider's timeout.
	Lease time.Duration
}

// WithDefaults validates the configuration of every method and returns it with the
// defaults filled in. Implementations call it once when they are built.
func WithDefaults(cfg map[string]MethodConfig) (map[string]MethodConfig, error) {
	if len(cfg) == 0 {
		return nil, fmt.Errorf("congestion: no methods configured")
	}
	out := make(map[string]MethodConfig, len(cfg))
	for name, c := range cfg {
		if name == "" || c.MaxInFlight < 1 || !(c.PerSecond > 0) || math.IsInf(c.PerSecond, 0) {
			return nil, fmt.Errorf("congestion: method %q needs a name, MaxInFlight ≥ 1 and a finite PerSecond > 0", name)
		}
		if c.MaxWait < 0 || c.MaxWaiting < 0 || c.Lease < 0 || c.Thresholds.YellowAt < 0 || c.Thresholds.RedAt < 0 {
			return nil, fmt.Errorf("congestion: method %q has a negative setting", name)
		}
		if c.MaxWait == 0 {
			c.MaxWait = 10 * time.Second
		}
		if c.MaxWaiting == 0 {
			c.MaxWaiting = max(1, int(math.Ceil(c.PerSecond*c.MaxWait.Seconds())))
		}
		if c.Thresholds.YellowAt == 0 {
			c.Thresholds.YellowAt = 3
		}
		if c.Thresholds.RedAt == 0 {
			c.Thresholds.RedAt = max(c.MaxWait.Seconds(), c.Thresholds.YellowAt)
		}
		if c.Thresholds.RedAt < c.Thresholds.YellowAt {
			return nil, fmt.Errorf("congestion: method %q turns red before yellow", name)
		}
		if c.Lease == 0 {
			c.Lease = time.Minute
		}
		out[name] = c
	}
	return out, nil
}

// StartInterval is the average time between two starts. With Burst it is the pacing of
// starts as a generic cell rate (GCRA), which both Lines implement.
func (c MethodConfig) StartInterval() time.Duration {
	return time.Duration(float64(time.Second) / c.PerSecond)
}

// Burst is how many starts may go at once after a quiet spell: one second's worth.
func (c MethodConfig) Burst() int { return max(1, int(math.Ceil(c.PerSecond))) }

// MakeLight judges a method from its counters: inFlight and waiting starts, and the
// verifications completed in the last Window. Every Line computes its lights with it,
// so the colours mean the same in every deployment. c must come from WithDefaults.
func MakeLight(method string, c MethodConfig, inFlight, waiting, completed int) Light {
	rate := float64(completed) / Window.Seconds()
	if rate <= 0 || rate > c.PerSecond {
		rate = c.PerSecond
	}
	wait := float64(waiting) / rate
	color := Green
	switch {
	case waiting >= c.MaxWaiting || wait >= c.Thresholds.RedAt:
		color = Red
	case wait >= c.Thresholds.YellowAt:
		color = Yellow
	}
	return Light{
		Method: method, Color: color, WaitSeconds: wait,
		InFlight: inFlight, Waiting: waiting, Capacity: c.MaxInFlight,
		PerSecond: rate, Thresholds: c.Thresholds,
	}
}

// BusyError is the refusal of a start when the method's line is full or the wait
// reached MaxWait: CodeUnavailable (503 with Retry-After), not CodeRateLimited,
// because the resident did nothing wrong and another method may be free now. RetryAt
// is when the line should have moved on, at least a second and at most an hour away.
func BusyError(l Light, now time.Time) error {
	wait := time.Duration(math.Ceil(min(l.WaitSeconds, 3600))) * time.Second
	at := now.Add(min(max(wait, time.Second), time.Hour))
	return vaxbook.RetryError(vaxbook.CodeUnavailable, at,
		"This verification method is busy. Please choose another method, or try again after %s.",
		at.In(vaxbook.Seoul).Format("15:04:05"))
}

// UnknownMethod is the refusal of a method that is not configured. The name is not
// echoed: it comes from the request.
func UnknownMethod() error {
	return vaxbook.Errorf(vaxbook.CodeInvalidInput, "There is no such verification method.")
}

// Do runs call, a request to the method's provider, within a slot of the method's
// line, and releases the slot with the right ok: the provider answered unless call
// failed with CodeUnavailable or an internal error (a timeout, a refused connection).
// Wrap each provider's calls with it, e.g. a phone.Carrier's Verify.
func Do(ctx context.Context, line Line, method string, call func(ctx context.Context) error) error {
	release, err := line.Acquire(ctx, method)
	if err != nil {
		return err
	}
	err = call(ctx)
	code := vaxbook.ErrorCode(err)
	release(code != vaxbook.CodeUnavailable && code != vaxbook.CodeInternal)
	return err
}
