package simulate

import (
	"fmt"
	"time"
)

// The source's day (press reports of 2021, as loadgen's --arrival day): about 40 % of a
// day's bookings in the first 30 minutes after the 20:00 opening, the rest until the
// window closes at 18:00 the next day. The last arrive a minute before the close, so
// that a day with enough capacity serves everyone inside the window.
const (
	dayHeadShare = 0.4
	dayHead      = 30 * time.Minute
	dayWindow    = 22 * time.Hour
	dayLast      = dayWindow - time.Minute
)

// Shape says when people arrive, relative to the opening.
type Shape string

const (
	// Day is the source's day: 40 % evenly over the first 30 minutes, the rest evenly
	// until a minute before the window closes, nobody before the opening.
	Day Shape = "day"
	// Burst is the case the source's promise was made for: the whole group arrives at
	// once, evenly over the Spread before the opening, so that the opening's shuffle
	// places everyone.
	Burst Shape = "burst"
)

// ParseShape returns the shape named s.
func ParseShape(s string) (Shape, error) {
	switch Shape(s) {
	case Day, Burst:
		return Shape(s), nil
	}
	return "", fmt.Errorf("unknown arrival shape %q: want day or burst", s)
}

// arrival returns when person i of n arrives, as an offset from the opening (negative
// before it). Offsets never decrease with i.
func (sh Shape) arrival(i, n int, spread time.Duration) time.Duration {
	f := float64(i) / float64(n)
	if sh == Burst {
		return -spread + time.Duration(float64(spread)*f)
	}
	if f < dayHeadShare {
		return time.Duration(float64(dayHead) * f / dayHeadShare)
	}
	return dayHead + time.Duration(float64(dayLast-dayHead)*(f-dayHeadShare)/(1-dayHeadShare))
}
