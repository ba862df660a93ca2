// Package congestiontest is the conformance suite of congestion.Line. Every
// implementation (in-process, Redis) runs it from its own tests:
//
//	func TestLineConformance(t *testing.T) {
//		congestiontest.Run(t, func(t *testing.T, cfg map[string]congestion.MethodConfig, clock vaxbook.Clock) congestion.Line {
//			l, err := congestion.NewMem(cfg, clock)
//			...
//		})
//	}
//
// open is called once per subtest and must return a Line with no history. The suite
// passes the clock the Line must date its completions by, so that it can move the
// measuring window without sleeping; waits are real and kept short.
package congestiontest

import (
	"context"
	"errors"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/congestion"
)

// Opener builds the Line under test for one subtest.
type Opener func(t *testing.T, cfg map[string]congestion.MethodConfig, clock vaxbook.Clock) congestion.Line

// t0 is the first evening of the 2021 rotation, when the verification surge began.
var t0 = time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)

// Run runs the suite.
func Run(t *testing.T, open Opener) {
	t.Run("SaturatedMethodTurnsYellowThenRedWhileOthersStayGreen", func(t *testing.T) { testSaturation(t, open) })
	t.Run("CapacityIsNeverExceededBy100Goroutines", func(t *testing.T) { testCapacity(t, open) })
	t.Run("WaitersAreAdmittedInArrivalOrder", func(t *testing.T) { testOrder(t, open) })
	t.Run("ReleasedSlotsAreReusedAndDoubleReleaseFreesOne", func(t *testing.T) { testReuse(t, open) })
	t.Run("RefusalsAreUnavailableWithRetryAt", func(t *testing.T) { testRefusals(t, open) })
	t.Run("CancelledWaiterLeavesTheLine", func(t *testing.T) { testCancel(t, open) })
	t.Run("ThroughputIsMeasuredOverTheLastTenSeconds", func(t *testing.T) { testThroughput(t, open) })
	t.Run("StartsArePacedToPerSecond", func(t *testing.T) { testPacing(t, open) })
	t.Run("LightsListEveryMethodByNameAndUnknownIsInvalid", func(t *testing.T) { testMethods(t, open) })
}

// methods returns three methods of the same shape, as the service configures phone,
// certificate and one OpenID Connect provider side by side.
func methods(c congestion.MethodConfig) map[string]congestion.MethodConfig {
	return map[string]congestion.MethodConfig{"certificate": c, "kakao": c, "phone": c}
}

// light returns the method's light at now.
func light(t *testing.T, l congestion.Line, method string, now time.Time) congestion.Light {
	t.Helper()
	lights, err := l.Lights(t.Context(), now)
	if err != nil {
		t.Fatalf("Lights: %v", err)
	}
	for _, x := range lights {
		if x.Method == method {
			return x
		}
	}
	t.Fatalf("no light for %s in %+v", method, lights)
	return congestion.Light{}
}

// waitLight polls the method's light until cond holds, for up to 5 s, since waiters
// join the line from their own goroutines.
func waitLight(t *testing.T, l congestion.Line, method string, what string, cond func(congestion.Light) bool) congestion.Light {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		x := light(t, l, method, t0)
		if cond(x) {
			return x
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: light never showed %s; last %+v", method, what, x)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func waiting(n int) func(congestion.Light) bool {
	return func(x congestion.Light) bool { return x.Waiting == n }
}

func mustAcquire(t *testing.T, l congestion.Line, method string) func(bool) {
	t.Helper()
	release, err := l.Acquire(t.Context(), method)
	if err != nil {
		t.Fatalf("Acquire(%s): %v", method, err)
	}
	return release
}

// acquireAsync starts an Acquire in a goroutine that releases (ok) as soon as it is
// admitted; the returned channel receives its error.
func acquireAsync(ctx context.Context, l congestion.Line, method string, admitted func()) <-chan error {
	done := make(chan error, 1)
	go func() {
		release, err := l.Acquire(ctx, method)
		if err == nil {
			if admitted != nil {
				admitted()
			}
			release(true)
		}
		done <- err
	}()
	return done
}

func wantUnavailable(t *testing.T, err error, now time.Time) {
	t.Helper()
	if vaxbook.ErrorCode(err) != vaxbook.CodeUnavailable {
		t.Fatalf("err = %v, want %s", err, vaxbook.CodeUnavailable)
	}
	var e *vaxbook.Error
	errors.As(err, &e)
	if !e.RetryAt.After(now) || e.RetryAt.After(now.Add(time.Hour)) || e.Message == "" {
		t.Fatalf("refusal %+v: want a message and RetryAt within the hour after %v", e, now)
	}
}
