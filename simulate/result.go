package simulate

import (
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"time"

	"vaxbook/queue"
)

// Result is what one simulated day gave.
type Result struct {
	Config Config `json:"-"`
	// Arrivals is how many came; Unserved how many of them still waited when the
	// window closed (the waits below are those of the others).
	Arrivals int `json:"arrivals"`
	Unserved int `json:"unserved"`
	// Capacity is instances × the rate of one, in bookings per second.
	Capacity float64 `json:"capacity_per_s"`
	// Waits from the later of the confirming join and the opening to the admission:
	// people who come before the opening could not be served before it anyway.
	Worst  time.Duration `json:"-"`
	Median time.Duration `json:"-"`
	P95    time.Duration `json:"-"`
	// Drained is when the last person was admitted, from the opening.
	Drained time.Duration `json:"-"`
	// EstimateErrMedian and EstimateErrP90 are the relative error of the estimate
	// shown (position / rate) against the wait that followed, over every status a
	// sampled person was shown while waiting after the opening:
	// |shown − real| / max(real, 1 min), so that waits of a few seconds, shown as
	// "under a minute", do not dominate. EstimateInRange is the share whose real wait
	// fell within the range shown (WaitMin … WaitMax, to the second).
	EstimateErrMedian float64 `json:"estimate_error_median"`
	EstimateErrP90    float64 `json:"estimate_error_p90"`
	EstimateInRange   float64 `json:"estimate_in_range"`
	Estimates         int     `json:"estimates"`
	// Inversions counts people admitted strictly before someone who had joined before
	// them; those the opening shuffled count as having come together at the opening.
	Inversions int `json:"order_inversions"`
	// Disagreements counts sampled people whose admission, as computed from the
	// published openings and the recorded head, contradicts what Room.Status told
	// them. Anything but 0 means the simulator no longer matches the room.
	Disagreements int `json:"disagreements"`
	// PeakPolls is the status polls per second in the busiest 10 s, and Polls all
	// of them (both scaled up from the sample); PollsPerPerson is their mean.
	PeakPolls      float64       `json:"peak_polls_per_s"`
	PeakPollsAt    time.Duration `json:"-"` // the busiest 10 s start this long after the opening
	Polls          int64         `json:"polls"`
	PollsPerPerson float64       `json:"polls_per_person"`
	// PeakRate is the highest admission rate the controller set; PeakActive the most
	// admitted people active at once (size --queue-max-active above it).
	PeakRate   float64 `json:"peak_admission_rate"`
	PeakActive int     `json:"peak_active"`
	// Elapsed is the machine's time the run took.
	Elapsed time.Duration `json:"-"`
}

// result computes the figures after the day: the order key of every person from the
// openings the room published, their admission from the recorded head, and the
// estimates' error from the sampled people's polls.
func (d *day) result(ctx context.Context) (Result, error) {
	res := Result{Config: d.cfg, Arrivals: len(d.seq), Capacity: d.down.capacity, PeakRate: d.peakRate, PeakActive: d.peakActive}
	stats, err := d.room.Snapshot(ctx)
	if err != nil {
		return res, err
	}
	type shuffle struct {
		lo, hi uint64
		at     time.Time
		perm   *queue.Perm
	}
	var shuffles []shuffle
	for _, o := range stats.Openings {
		seed, err := hex.DecodeString(o.Seed)
		if err != nil || len(seed) != 16 {
			return res, fmt.Errorf("opening seed %q: %v", o.Seed, err)
		}
		shuffles = append(shuffles, shuffle{o.Lo, o.Hi, o.At, queue.NewPerm([16]byte(seed), o.Hi-o.Lo)})
	}
	admitted := make([]time.Time, len(d.seq))
	waits := make([]time.Duration, 0, len(d.seq))
	came := make([]time.Time, len(d.seq))
	for i, seq := range d.seq {
		key := seq
		came[i] = d.confirm[i]
		for _, s := range shuffles {
			if seq > s.lo && seq <= s.hi {
				key, came[i] = s.lo+1+s.perm.At(seq-s.lo-1), s.at
			}
		}
		at, ok := d.admittedAt(key)
		if !ok {
			res.Unserved++
			at = closing.Add(time.Hour) // later than anyone admitted, for the inversions
		} else {
			waits = append(waits, at.Sub(maxTime(d.confirm[i], opening)))
			res.Drained = max(res.Drained, at.Sub(opening))
		}
		admitted[i] = at
	}
	res.Inversions = inversions(came, admitted)
	// The admissions computed here from the published openings and the recorded head
	// must agree with what the room told the sampled people: admitted at the first
	// poll that said so, not yet at the poll before (which read a snapshot up to a
	// tick old).
	for k, i := range d.person {
		if seen := d.seenAdmitted[k]; !seen.IsZero() && admitted[i].After(seen) {
			res.Disagreements++
		}
		if w := d.lastWaiting[k]; !w.IsZero() && admitted[i].Before(w.Add(-d.cfg.Tick)) {
			res.Disagreements++
		}
	}
	if len(waits) > 0 {
		slices.Sort(waits)
		res.Worst, res.Median, res.P95 = waits[len(waits)-1], quantile(waits, 0.5), quantile(waits, 0.95)
	}

	errs := make([]float64, 0, len(d.shown))
	inRange := 0
	for _, s := range d.shown {
		if s.preOpening || admitted[s.person].After(closing) {
			continue // the range shown before the opening is "until the opening, then up to …"
		}
		real := admitted[s.person].Sub(s.at)
		errs = append(errs, math.Abs((s.est-real).Seconds())/max(real, time.Minute).Seconds())
		// The head is recorded once a tick, so the real wait is known to a tick.
		if real >= s.lo.Truncate(time.Second)-d.cfg.Tick && real <= s.hi+d.cfg.Tick {
			inRange++
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		res.Estimates = len(errs)
		res.EstimateErrMedian, res.EstimateErrP90 = quantile(errs, 0.5), quantile(errs, 0.9)
		res.EstimateInRange = float64(inRange) / float64(len(errs))
	}
	var total int
	secs := make([]int64, 0, len(d.pollsAt))
	for s, n := range d.pollsAt {
		secs = append(secs, s)
		total += n
	}
	slices.Sort(secs)
	peak, window := 0, 0
	for i, j := 0, 0; j < len(secs); j++ {
		window += d.pollsAt[secs[j]]
		for secs[j]-secs[i] >= 10 {
			window -= d.pollsAt[secs[i]]
			i++
		}
		if window > peak {
			peak, res.PeakPollsAt = window, time.Duration(secs[i])*time.Second
		}
	}
	scale := float64(len(d.seq)) / float64(max(len(d.person), 1))
	res.PeakPolls = float64(peak) / 10 * scale
	res.Polls = int64(float64(total) * scale)
	res.PollsPerPerson = float64(total) / float64(max(len(d.person), 1))
	return res, nil
}

// String reports a result in a few lines an operator reads.
func (r Result) String() string {
	unserved := ""
	if r.Unserved > 0 {
		unserved = fmt.Sprintf("\nNOT SERVED: %d people still waiting when the window closed", r.Unserved)
	}
	return fmt.Sprintf(`%d people (%s), %d instance(s) × %.0f/s = %.0f bookings/s%s
wait: worst %v, median %v, p95 %v; last admitted %v after the opening
estimate error: median %.0f %%, p90 %.0f %% (%d estimates; %.0f %% of real waits inside the range shown)
order inversions: %d, disagreements with the room: %d
polls: peak %.0f/s (10 s from %v after the opening), %.1f per person; admission rate peak %.0f/s; active peak %d
simulated in %v`,
		r.Arrivals, r.Config.Shape, r.Config.Instances, r.Config.InstanceRate, r.Capacity, unserved,
		r.Worst.Round(time.Second), r.Median.Round(time.Second), r.P95.Round(time.Second), r.Drained.Round(time.Second),
		100*r.EstimateErrMedian, 100*r.EstimateErrP90, r.Estimates, 100*r.EstimateInRange,
		r.Inversions, r.Disagreements, r.PeakPolls, r.PeakPollsAt, r.PollsPerPerson, r.PeakRate, r.PeakActive, r.Elapsed.Round(time.Millisecond))
}

// inversions counts people admitted strictly before someone who came strictly before
// them. came and admitted are indexed alike, in arrival order (came never decreases);
// people with the same came (those an opening shuffled) may be admitted in any order.
func inversions(came, admitted []time.Time) int {
	n := 0
	var latestBefore, latestHere, here time.Time
	for i, c := range came {
		if c.After(here) {
			here, latestBefore = c, maxTime(latestBefore, latestHere)
		}
		if admitted[i].Before(latestBefore) {
			n++
		}
		latestHere = maxTime(latestHere, admitted[i])
	}
	return n
}

func quantile[T any](sorted []T, q float64) T {
	return sorted[min(int(q*float64(len(sorted))), len(sorted)-1)]
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
