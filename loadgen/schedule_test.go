package loadgen

import (
	"testing"
	"time"
)

func TestDayScheduleSendsFortyPercentInTheFirstHalfHour(t *testing.T) {
	s := schedule{arrival: "day", users: 1000, compress: 60}
	head := 30 * time.Minute / 60
	n := 0
	for i := range s.users {
		if s.at(i) < head {
			n++
		}
	}
	if n != 400 {
		t.Errorf("%d of 1000 arrive in the first (compressed) half hour, want 400", n)
	}
	if last := s.at(999); last > 22*time.Hour/60 {
		t.Errorf("last arrival %v after the compressed window", last)
	}
}

func TestSchedulesAreMonotonicAndWithinTheSpread(t *testing.T) {
	for _, arrival := range []string{"burst", "ramp", "day"} {
		t.Run(arrival, func(t *testing.T) {
			s := schedule{arrival: arrival, users: 500, spread: 10 * time.Second, compress: 100}
			for i := 1; i < s.users; i++ {
				if s.at(i) < s.at(i-1) {
					t.Fatalf("resident %d due before %d", i, i-1)
				}
			}
			if arrival != "day" && s.at(s.users-1) > s.spread {
				t.Errorf("last arrival %v beyond the spread", s.at(s.users-1))
			}
		})
	}
}
