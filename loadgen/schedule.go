package loadgen

import (
	"math"
	"time"
)

// The real day's shape (press reports of 2021): about 40 % of a day's bookings in the
// first 30 minutes after the 20:00 opening, the rest until the window closes at 18:00
// the next day.
const (
	dayHeadShare = 0.4
	dayHead      = 30 * time.Minute
	dayWindow    = 22 * time.Hour
)

// schedule is a constant arrival schedule: at(i) is when resident i is due, fixed in
// advance whatever the server does, so that latency measured from it includes any
// delay the load generator itself suffered (no coordinated omission).
type schedule struct {
	arrival  string
	users    int
	spread   time.Duration
	compress float64
}

// at returns the offset from the start at which resident i (0 ≤ i < users) arrives.
func (s schedule) at(i int) time.Duration {
	f := float64(i) / float64(s.users) // fraction of residents arrived before i
	switch s.arrival {
	case "ramp":
		// The rate grows linearly, so the count grows with t²: t = T·√f.
		return time.Duration(float64(s.spread) * math.Sqrt(f))
	case "day":
		head := float64(dayHead) / s.compress
		if f < dayHeadShare {
			return time.Duration(head * f / dayHeadShare)
		}
		rest := float64(dayWindow-dayHead) / s.compress
		return time.Duration(head + rest*(f-dayHeadShare)/(1-dayHeadShare))
	default: // burst: evenly over the spread
		return time.Duration(float64(s.spread) * f)
	}
}
