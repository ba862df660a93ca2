// Package guardtest is the conformance suite of vaxbook.Guard. Every implementation
// (in-process, Redis) runs it from its own tests:
//
//	func TestGuardConformance(t *testing.T) {
//		guardtest.Run(t, func(t *testing.T) vaxbook.Guard { return inmem.NewGuard() })
//	}
//
// Each subtest uses person keys of its own, so a shared backend (one Redis) needs no
// flushing between subtests. Instants are explicit arguments from 2021, never the wall
// clock: an implementation must judge windows by the now it is given.
package guardtest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"vaxbook"
)

// t0 is the first evening of the 2021 rotation, when every group-2 resident arrived.
var t0 = time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)

// Run runs the suite. open returns the Guard under test; it is called once per subtest.
func Run(t *testing.T, open func(t *testing.T) vaxbook.Guard) {
	t.Run("FirstCompletionWinsOtherDeviceLockedTenMinutes", func(t *testing.T) {
		g, p := open(t), personKey(t)
		mustComplete(t, g, p, "pc", t0)
		err := g.Complete(ctx(t), p, "phone", t0.Add(time.Minute))
		wantRefusal(t, err, vaxbook.CodeDeviceLocked, t0.Add(vaxbook.VerifyWindow))
		err = g.Complete(ctx(t), p, "phone", t0.Add(vaxbook.VerifyWindow-time.Nanosecond))
		wantRefusal(t, err, vaxbook.CodeDeviceLocked, t0.Add(vaxbook.VerifyWindow))
		wantOwner(t, g, p, t0.Add(9*time.Minute), "pc")
	})
	t.Run("SameDeviceAgainWithinTenMinutesIsTooSoon", func(t *testing.T) {
		g, p := open(t), personKey(t)
		mustComplete(t, g, p, "pc", t0)
		err := g.Complete(ctx(t), p, "pc", t0.Add(9*time.Minute+59*time.Second))
		wantRefusal(t, err, vaxbook.CodeVerifyTooSoon, t0.Add(vaxbook.VerifyWindow))
	})
	t.Run("AllowedAgainAtExactlyTenMinutesAndNewDeviceOwns", func(t *testing.T) {
		g, p := open(t), personKey(t)
		mustComplete(t, g, p, "pc", t0)
		t1 := t0.Add(vaxbook.VerifyWindow)
		if err := g.Check(ctx(t), p, "phone", t1); err != nil {
			t.Fatalf("Check at +10m: %v", err)
		}
		mustComplete(t, g, p, "phone", t1)
		wantOwner(t, g, p, t1, "phone")
		err := g.Complete(ctx(t), p, "pc", t1.Add(time.Minute))
		wantRefusal(t, err, vaxbook.CodeDeviceLocked, t1.Add(vaxbook.VerifyWindow))
		// The window is counted from the latest completion, not the first.
		mustComplete(t, g, p, "phone", t1.Add(vaxbook.VerifyWindow))
	})
	t.Run("OwnerReportsLastDeviceForItsSession", func(t *testing.T) {
		g, p := open(t), personKey(t)
		wantNoOwner(t, g, p, t0)
		mustComplete(t, g, p, "pc", t0)
		wantOwner(t, g, p, t0, "pc")
		wantOwner(t, g, p, t0.Add(vaxbook.VerifyWindow), "pc")
		wantOwner(t, g, p, t0.Add(vaxbook.SessionTTL-time.Nanosecond), "pc")
		wantNoOwner(t, g, p, t0.Add(vaxbook.SessionTTL))
		// A refused completion changes nothing.
		_ = g.Complete(ctx(t), p, "phone", t0.Add(time.Minute))
		wantOwner(t, g, p, t0.Add(2*time.Minute), "pc")
	})
	t.Run("SecondDeviceAfterTenMinutesTakesThePersonOver", func(t *testing.T) {
		// Rule 7 with sessions of SessionTTL: once the pc's window ends the phone may
		// verify, and from then on the phone alone owns the person, also after the
		// phone's own window ends while the pc's session would still be alive.
		g, p := open(t), personKey(t)
		mustComplete(t, g, p, "pc", t0)
		t1 := t0.Add(vaxbook.VerifyWindow)
		mustComplete(t, g, p, "phone", t1)
		for _, at := range []time.Duration{0, vaxbook.VerifyWindow + time.Minute, vaxbook.SessionTTL - time.Nanosecond} {
			wantOwner(t, g, p, t1.Add(at), "phone")
		}
	})
	t.Run("CheckMirrorsCompleteAndRecordsNothing", func(t *testing.T) {
		cases := []struct {
			name   string
			device string
			after  time.Duration
			want   vaxbook.Code
		}{
			{"other device at once", "phone", 0, vaxbook.CodeDeviceLocked},
			{"other device after 5m", "phone", 5 * time.Minute, vaxbook.CodeDeviceLocked},
			{"same device after 5m", "pc", 5 * time.Minute, vaxbook.CodeVerifyTooSoon},
			{"other device after 10m", "phone", vaxbook.VerifyWindow, ""},
			{"same device after 10m", "pc", vaxbook.VerifyWindow, ""},
			{"same device after a day", "pc", 24 * time.Hour, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				g, p := open(t), personKey(t)
				mustComplete(t, g, p, "pc", t0)
				now := t0.Add(c.after)
				checkErr := g.Check(ctx(t), p, c.device, now)
				if got := vaxbook.ErrorCode(checkErr); got != c.want {
					t.Fatalf("Check = %v, want code %q", checkErr, c.want)
				}
				wantOwner(t, g, p, t0, "pc") // Check recorded nothing
				completeErr := g.Complete(ctx(t), p, c.device, now)
				if got := vaxbook.ErrorCode(completeErr); got != c.want {
					t.Fatalf("Complete = %v, want code %q like Check", completeErr, c.want)
				}
				if c.want != "" {
					wantRefusal(t, checkErr, c.want, t0.Add(vaxbook.VerifyWindow))
				}
			})
		}
		t.Run("check on a fresh person records nothing", func(t *testing.T) {
			g, p := open(t), personKey(t)
			if err := g.Check(ctx(t), p, "pc", t0); err != nil {
				t.Fatal(err)
			}
			wantNoOwner(t, g, p, t0)
			mustComplete(t, g, p, "phone", t0)
		})
	})
	t.Run("PersonsAreIndependent", func(t *testing.T) {
		g, p, q := open(t), personKey(t), personKey(t)
		mustComplete(t, g, p, "pc", t0)
		mustComplete(t, g, q, "pc", t0)
		mustComplete(t, g, personKey(t), "phone", t0)
	})
	t.Run("ConcurrentDevicesExactlyOneWins", func(t *testing.T) {
		g, p := open(t), personKey(t)
		winner := exactlyOneWins(t, 50, func(i int) error {
			return g.Complete(ctx(t), p, fmt.Sprintf("device-%d", i), t0)
		}, func(err error) { wantRefusal(t, err, vaxbook.CodeDeviceLocked, t0.Add(vaxbook.VerifyWindow)) })
		wantOwner(t, g, p, t0, fmt.Sprintf("device-%d", winner))
	})
	t.Run("ConcurrentPersonsAllComplete", func(t *testing.T) {
		g := open(t)
		var wg sync.WaitGroup
		for range 50 {
			p := personKey(t)
			wg.Go(func() {
				if err := g.Complete(ctx(t), p, "pc", t0); err != nil {
					t.Errorf("Complete(%s): %v", p, err)
				}
			})
		}
		wg.Wait()
	})
}

func ctx(t *testing.T) context.Context { return t.Context() }

// exactlyOneWins runs try(0) … try(n-1) at once and fails unless exactly one returns
// nil; every other error goes to loser. It returns the winner.
func exactlyOneWins(t *testing.T, n int, try func(i int) error, loser func(error)) int {
	t.Helper()
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = try(i)
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("%d and %d both won", winner, i)
		case err == nil:
			winner = i
		default:
			loser(err)
		}
	}
	if winner < 0 {
		t.Fatal("nobody won")
	}
	return winner
}

// personKey returns a key no other subtest or run uses, shaped like a real person key.
func personKey(t *testing.T) string {
	t.Helper()
	return "guardtest-" + rand.Text()
}

func mustComplete(t *testing.T, g vaxbook.Guard, personKey, deviceID string, now time.Time) {
	t.Helper()
	if err := g.Complete(ctx(t), personKey, deviceID, now); err != nil {
		t.Fatalf("Complete(%s, %s): %v", deviceID, now.Format(time.TimeOnly), err)
	}
}

func wantRefusal(t *testing.T, err error, code vaxbook.Code, retryAt time.Time) {
	t.Helper()
	if got := vaxbook.ErrorCode(err); got != code {
		t.Fatalf("err = %v, want code %q", err, code)
	}
	var e *vaxbook.Error
	errors.As(err, &e)
	if !e.RetryAt.Equal(retryAt) {
		t.Fatalf("RetryAt = %v, want %v", e.RetryAt, retryAt)
	}
	if e.Message == "" {
		t.Error("refusal has no message for the user")
	}
}

func wantOwner(t *testing.T, g vaxbook.Guard, personKey string, now time.Time, device string) {
	t.Helper()
	got, ok, err := g.Owner(ctx(t), personKey, now)
	if err != nil || !ok || got != device {
		t.Fatalf("Owner at %s = %q, %v, %v; want %q", now.Format(time.TimeOnly), got, ok, err, device)
	}
}

func wantNoOwner(t *testing.T, g vaxbook.Guard, personKey string, now time.Time) {
	t.Helper()
	if got, ok, err := g.Owner(ctx(t), personKey, now); err != nil || ok {
		t.Fatalf("Owner at %s = %q, %v, %v; want none", now.Format(time.TimeOnly), got, ok, err)
	}
}
