package simulate

import (
	"context"
	"fmt"
	"time"
)

// Size answers the operator's question: the fewest instances for which the worst wait
// of the day cfg describes stays within target. It doubles the instances until the
// target is met, then bisects between the last two, running a whole day each time; it
// returns the answer and every run it made, in the order made. It gives up past
// maxInstances.
func Size(ctx context.Context, cfg Config, target time.Duration, maxInstances int) (int, []Result, error) {
	var runs []Result
	try := func(n int) (bool, error) {
		c := cfg
		c.Instances = n
		r, err := Run(ctx, c)
		if err != nil {
			return false, fmt.Errorf("%d instance(s): %w", n, err)
		}
		runs = append(runs, r)
		return r.Unserved == 0 && r.Worst <= target, ctx.Err()
	}
	lo, hi := 0, 1 // lo fails (or is nothing), hi is the one to try
	for {
		ok, err := try(hi)
		if err != nil {
			return 0, runs, err
		}
		if ok {
			break
		}
		if hi >= maxInstances {
			return 0, runs, fmt.Errorf("even %d instances leave a worst wait over %v", hi, target)
		}
		lo, hi = hi, min(2*hi, maxInstances)
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		ok, err := try(mid)
		if err != nil {
			return 0, runs, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, runs, nil
}
