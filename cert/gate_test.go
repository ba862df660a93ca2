package cert_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"vaxbook/cert"
)

// finishTimes enters the gate from n goroutines at once, releasing at once, and
// returns how long after the start each one got through, sorted.
func finishTimes(t *testing.T, latency time.Duration, concurrent int, perSecond float64, n int) []time.Duration {
	g := cert.NewGate(latency, concurrent, perSecond)
	start := time.Now()
	var mu sync.Mutex
	var got []time.Duration
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			release, err := g.Enter(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			release()
			mu.Lock()
			got = append(got, time.Since(start))
			mu.Unlock()
		})
	}
	wg.Wait()
	// Goroutines finishing at one fake instant may append in any order.
	slices.Sort(got)
	return got
}

func TestGateShapesTheCACheck(t *testing.T) {
	tests := []struct {
		name       string
		latency    time.Duration
		concurrent int
		perSecond  float64
		n          int
		want       []time.Duration
	}{
		{"no limits", 0, 0, 0, 3, []time.Duration{0, 0, 0}},
		{"latency alone delays each check", 300 * time.Millisecond, 0, 0, 3,
			[]time.Duration{300 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond}},
		{"two at once, one second each", time.Second, 2, 0, 5,
			[]time.Duration{time.Second, time.Second, 2 * time.Second, 2 * time.Second, 3 * time.Second}},
		{"two per second, spaced evenly", 0, 0, 2, 4,
			[]time.Duration{0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				got := finishTimes(t, tt.latency, tt.concurrent, tt.perSecond, tt.n)
				if !slices.Equal(got, tt.want) {
					t.Fatalf("finish times %v, want %v", got, tt.want)
				}
			})
		})
	}
}

func TestGateRefusesWhatCannotStartBeforeTheDeadline(t *testing.T) {
	t.Run("no free slot", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			g := cert.NewGate(time.Second, 1, 0)
			release, err := g.Enter(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			start := time.Now()
			if _, err := g.Enter(ctx); err != cert.ErrBusy {
				t.Fatalf("Enter with the only slot held = %v, want ErrBusy", err)
			}
			if waited := time.Since(start); waited != 500*time.Millisecond {
				t.Errorf("waited %v, want the 500ms the context allowed", waited)
			}
		})
	})
	t.Run("rate turn after the deadline", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			g := cert.NewGate(0, 0, 1)
			if _, err := g.Enter(context.Background()); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			start := time.Now()
			if _, err := g.Enter(ctx); err != cert.ErrBusy {
				t.Fatalf("Enter whose turn is in 1s with 0.5s left = %v, want ErrBusy", err)
			}
			if waited := time.Since(start); waited != 0 {
				t.Errorf("waited %v for a turn it could never have, want 0", waited)
			}
		})
	})
}

// TestVerifyBusyKeepsTheChallengeForARetry checks that the CA check's capacity applies
// to Verify, that a refusal for lack of it records nothing, and that the resident may
// retry with the same signed challenge instead of signing again.
func TestVerifyBusyKeepsTheChallengeForARetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := mustFixture(t, cert.Config{Latency: time.Second, MaxConcurrent: 1})
		a := f.goodAttempt(t)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		_, _, err := f.m.Verify(ctx, a.device, a.challenge, a.chain, a.sig, a.now)
		wantRefusal(t, err, cert.ErrBusy)

		start := time.Now()
		if _, _, err := f.m.Verify(context.Background(), a.device, a.challenge, a.chain, a.sig, a.now); err != nil {
			t.Fatalf("retry with the same challenge: %v", err)
		}
		if took := time.Since(start); took != time.Second {
			t.Errorf("the retry took %v, want the configured latency of 1s", took)
		}
	})
}
