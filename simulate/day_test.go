package simulate

import (
	"context"
	"testing"
	"time"
)

// mustRun plays a day and fails the test on error.
func mustRun(tb testing.TB, c Config) Result {
	tb.Helper()
	r, err := Run(context.Background(), c)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("\n%s", r)
	return r
}

// A small day through the real room: a line forms (the first half hour brings more
// than the capacity), everyone is served in arrival order, the room's own answers to
// the sampled people agree with the admissions computed from its counters, and the
// estimate people were shown is within the 20 % the waiting room promises to keep.
func TestSmallDayAdmitsInOrderWithHonestEstimates(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		// 40 % of 60,000 in 30 minutes is 13.3/s against 10/s: a line of about
		// 6,000 at 20:30 that takes ten minutes to drain.
		{"day", Config{Arrivals: 60_000, Shape: Day, InstanceRate: 10, Sample: 5}},
		// 20,000 before the opening at 50/s: a worst wait near 400 s.
		{"burst", Config{Arrivals: 20_000, Shape: Burst, InstanceRate: 50, Sample: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRun(t, tc.cfg)
			if r.Unserved != 0 {
				t.Fatalf("%d people not served by the close", r.Unserved)
			}
			if r.Inversions != 0 {
				t.Errorf("%d people admitted before someone who came earlier", r.Inversions)
			}
			if r.Disagreements != 0 {
				t.Errorf("%d sampled people were told otherwise than the simulator computed", r.Disagreements)
			}
			if r.Estimates < 1000 {
				t.Fatalf("only %d estimates shown: the line did not form", r.Estimates)
			}
			if r.EstimateErrMedian > 0.2 {
				t.Errorf("median estimate error %.0f %%, want ≤ 20 %%", 100*r.EstimateErrMedian)
			}
			// The waits come from the capacity: nobody can be served faster than it,
			// and the controller must not waste much of it.
			if least := time.Duration(float64(r.Arrivals) / 2 / r.Capacity * float64(time.Second)); tc.cfg.Shape == Burst && (r.Worst < least || r.Worst > 3*least) {
				t.Errorf("worst wait %v, want between %v (half the line at capacity) and %v", r.Worst, least, 3*least)
			}
		})
	}
}

// The shuffle at an opening is seen by the simulator: people who came before it are not
// admitted in arrival order, and do not count as inversions.
func TestBurstIsShuffledNotInverted(t *testing.T) {
	r := mustRun(t, Config{Arrivals: 5_000, Shape: Burst, InstanceRate: 50, Sample: 1})
	if r.Inversions != 0 || r.Disagreements != 0 {
		t.Fatalf("inversions %d, disagreements %d", r.Inversions, r.Disagreements)
	}
	if r.Median < 30*time.Second {
		t.Fatalf("median wait %v: the line did not form", r.Median)
	}
}

func TestInversions(t *testing.T) {
	at := func(s ...int) []time.Time {
		ts := make([]time.Time, len(s))
		for i, v := range s {
			ts[i] = opening.Add(time.Duration(v) * time.Second)
		}
		return ts
	}
	for _, tc := range []struct {
		name           string
		came, admitted []time.Time
		want           int
	}{
		{"in order", at(1, 2, 3), at(5, 6, 7), 0},
		{"same tick", at(1, 2, 3), at(5, 5, 5), 0},
		{"one jumps one", at(1, 2, 3), at(5, 7, 6), 1},
		{"one jumps two", at(1, 2, 3), at(6, 7, 5), 1},
		{"two jump one", at(1, 2, 3), at(9, 5, 6), 2},
		{"shuffled together", at(0, 0, 0, 4), at(7, 5, 6, 8), 0},
		{"behind a shuffle", at(0, 0, 4), at(7, 5, 6), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := inversions(tc.came, tc.admitted); got != tc.want {
				t.Errorf("inversions = %d, want %d", got, tc.want)
			}
		})
	}
}

// Size finds the fewest instances: one fewer misses the target, the answer meets it.
func TestSizeFindsFewestInstances(t *testing.T) {
	c := Config{Arrivals: 20_000, Shape: Burst, InstanceRate: 10, Sample: 20}
	target := 10 * time.Minute
	n, runs, err := Size(context.Background(), c, target, 64)
	if err != nil {
		t.Fatal(err)
	}
	byN := map[int]Result{}
	for _, r := range runs {
		byN[r.Config.Instances] = r
	}
	if r, ok := byN[n]; !ok || r.Worst > target {
		t.Fatalf("answer %d: worst wait %v, want ≤ %v", n, r.Worst, target)
	}
	if r, ok := byN[n-1]; n > 1 && (!ok || r.Worst <= target) {
		t.Fatalf("%d instances: worst wait %v (ran: %v), want over %v", n-1, r.Worst, ok, target)
	}
	// 20,000 people within 10 minutes need at least 33/s: four instances of 10/s.
	if n < 4 {
		t.Fatalf("answer %d instances is below what the capacity allows", n)
	}
}
