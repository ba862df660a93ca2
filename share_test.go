package vaxbook_test

import (
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"testing"

	"vaxbook"
)

// order2021 is the booking-day order of the 2021 campaign: rotation began on 08-09.
var order2021 = [vaxbook.Groups]int{9, 0, 1, 2, 3, 4, 5, 6, 7, 8}

// populationWeights are weights like the number of people per rotation group: a group's
// size follows how many days of the year end in its digit (digit 1 has the 31sts, digit 9
// loses 29 February in three years out of four, digit 0 has no 30 February).
var populationWeights = [vaxbook.Groups]int{1_560_000, 1_700_000, 1_610_000, 1_615_000, 1_612_000, 1_618_000, 1_611_000, 1_609_000, 1_614_000, 1_580_000}

func TestSplitSharesEqualWeightsGivesTheRemainderInBookingDayOrder(t *testing.T) {
	tests := []struct {
		name     string
		quantity int
		want     [vaxbook.Groups]int // indexed by group
	}{
		{"25: 3 each to groups 9,0,1,2,3 and 2 to the rest", 25, [vaxbook.Groups]int{3, 3, 3, 3, 2, 2, 2, 2, 2, 3}},
		{"10: one each", 10, [vaxbook.Groups]int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{"9: everyone but group 8, the last booking day", 9, [vaxbook.Groups]int{1, 1, 1, 1, 1, 1, 1, 1, 0, 1}},
		{"0: nothing", 0, [vaxbook.Groups]int{}},
		{"1: only group 9, the first booking day", 1, [vaxbook.Groups]int{0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
		{"7: groups 9,0,1,2,3,4,5", 7, [vaxbook.Groups]int{1, 1, 1, 1, 1, 1, 0, 0, 0, 1}},
		{"1000: 100 each", 1000, [vaxbook.Groups]int{100, 100, 100, 100, 100, 100, 100, 100, 100, 100}},
		{"19: 2 each to the first nine booking days", 19, [vaxbook.Groups]int{2, 2, 2, 2, 2, 2, 2, 2, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := vaxbook.SplitShares(tt.quantity, vaxbook.EqualWeights(), order2021)
			if got != tt.want {
				t.Errorf("SplitShares(%d) = %v, want %v", tt.quantity, got, tt.want)
			}
		})
	}
	t.Run("the campaign's own BookingOrder gives the same split", func(t *testing.T) {
		c := mustCampaign2021(t)
		got := vaxbook.SplitShares(25, c.Weights, c.BookingOrder())
		if want := [vaxbook.Groups]int{3, 3, 3, 3, 2, 2, 2, 2, 2, 3}; got != want {
			t.Errorf("SplitShares(25) = %v, want %v", got, want)
		}
	})
}

func TestSplitSharesWeighted(t *testing.T) {
	tests := []struct {
		name     string
		quantity int
		weights  [vaxbook.Groups]int
		want     [vaxbook.Groups]int
	}{
		{
			// Exact quotas: group 1 100*4/31 = 12.90, the others 100*3/31 = 9.68. Group 1
			// has the largest remainder; the six other units follow booking-day order.
			"days-per-digit weights: largest remainder first, then booking-day order",
			100,
			[vaxbook.Groups]int{3, 4, 3, 3, 3, 3, 3, 3, 3, 3},
			[vaxbook.Groups]int{10, 13, 10, 10, 10, 10, 9, 9, 9, 10},
		},
		{
			"a zero weight gets nothing and its part goes to the others",
			25,
			[vaxbook.Groups]int{1, 1, 1, 1, 1, 0, 1, 1, 1, 1},
			[vaxbook.Groups]int{3, 3, 3, 3, 3, 0, 3, 2, 2, 3},
		},
		{
			"a negative weight counts as zero",
			25,
			[vaxbook.Groups]int{1, 1, 1, 1, 1, -7, 1, 1, 1, 1},
			[vaxbook.Groups]int{3, 3, 3, 3, 3, 0, 3, 2, 2, 3},
		},
		{
			"a single group with weight takes everything",
			37,
			[vaxbook.Groups]int{0, 0, 0, 5, 0, 0, 0, 0, 0, 0},
			[vaxbook.Groups]int{0, 0, 0, 37, 0, 0, 0, 0, 0, 0},
		},
		{
			"the larger remainder wins over booking-day order",
			2,
			[vaxbook.Groups]int{1, 0, 0, 0, 0, 0, 0, 0, 0, 2}, // quotas: group 9 1.33, group 0 0.67
			[vaxbook.Groups]int{1, 0, 0, 0, 0, 0, 0, 0, 0, 1},
		},
		{
			"remainders decide: quotas 0.4 and 0.6 of one unit",
			1,
			[vaxbook.Groups]int{0, 0, 0, 0, 0, 0, 0, 0, 3, 2}, // group 8 0.6, group 9 0.4
			[vaxbook.Groups]int{0, 0, 0, 0, 0, 0, 0, 0, 1, 0},
		},
		{
			"negative quantity gives zero shares",
			-5,
			vaxbook.EqualWeights(),
			[vaxbook.Groups]int{},
		},
		{
			"all-zero weights give zero shares",
			25,
			[vaxbook.Groups]int{},
			[vaxbook.Groups]int{},
		},
		{
			"all-negative weights give zero shares",
			25,
			[vaxbook.Groups]int{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
			[vaxbook.Groups]int{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := vaxbook.SplitShares(tt.quantity, tt.weights, order2021)
			if got != tt.want {
				t.Errorf("SplitShares(%d, %v) = %v, want %v", tt.quantity, tt.weights, got, tt.want)
			}
		})
	}
	t.Run("population-like weights", func(t *testing.T) {
		for _, q := range []int{0, 1, 9, 10, 11, 25, 99, 100, 101, 1000, 12345, 1_900_000} {
			checkSplit(t, q, populationWeights, order2021)
		}
	})
}

// checkSplit checks the properties every split must have, for quantity ≥ 0 and any
// weights (negative ones count as zero):
//
//   - the shares add up to the quantity exactly (nothing lost, nothing invented), or to
//     zero when every weight is zero;
//   - each share is the floor or the ceiling of its exact quota q·w/W (largest remainder
//     gives at most one unit above the floor, and never to an exact quota), so no group
//     gets more than ceil(q·w/W) nor less than floor(q·w/W), and a zero weight gets 0;
//   - the extra units go to the largest remainders: a group that got its floor has no
//     larger remainder than a group that got floor+1, and on equal remainders it comes
//     later in booking-day order.
func checkSplit(t *testing.T, q int, weights, order [vaxbook.Groups]int) {
	t.Helper()
	got := vaxbook.SplitShares(q, weights, order)
	total, sum := 0, 0
	for _, w := range weights {
		total += max(w, 0)
	}
	for _, s := range got {
		sum += s
	}
	if total == 0 || q <= 0 {
		if sum != 0 {
			t.Fatalf("SplitShares(%d, %v) = %v, want zero shares", q, weights, got)
		}
		return
	}
	if sum != q {
		t.Fatalf("SplitShares(%d, %v) = %v adds up to %d, want %d", q, weights, got, sum, q)
	}
	rank := [vaxbook.Groups]int{}
	for r, g := range order {
		rank[g] = r
	}
	extra := [vaxbook.Groups]bool{}
	rem := [vaxbook.Groups]int{}
	for g, w := range weights {
		w = max(w, 0)
		floor := q * w / total
		rem[g] = q * w % total
		ceil := floor
		if rem[g] != 0 {
			ceil++
		}
		if got[g] < floor || got[g] > ceil {
			t.Fatalf("SplitShares(%d, %v): group %d got %d, want between floor %d and ceil %d of its quota", q, weights, g, got[g], floor, ceil)
		}
		extra[g] = got[g] == floor+1
	}
	for a := range vaxbook.Groups {
		for b := range vaxbook.Groups {
			if !extra[a] || extra[b] || max(weights[b], 0) == 0 {
				continue
			}
			if rem[b] > rem[a] || (rem[b] == rem[a] && rank[b] < rank[a]) {
				t.Fatalf("SplitShares(%d, %v) = %v: group %d (remainder %d) got an extra unit before group %d (remainder %d)", q, weights, got, a, rem[a], b, rem[b])
			}
		}
	}
}

func TestSplitSharesPropertiesExhaustive(t *testing.T) {
	orders := map[string][vaxbook.Groups]int{
		"2021 order":  order2021,
		"group order": {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		"reversed":    {9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	weightSets := map[string][vaxbook.Groups]int{
		"equal":          vaxbook.EqualWeights(),
		"population":     populationWeights,
		"days per digit": {3, 4, 3, 3, 3, 3, 3, 3, 3, 3},
		"one zero":       {1, 1, 1, 1, 1, 0, 1, 1, 1, 1},
		"one hot":        {0, 0, 0, 0, 0, 0, 0, 7, 0, 0},
		"all zero":       {},
		"with negatives": {-3, 2, 0, 5, -1, 1, 1, 0, 9, 4},
		"skewed":         {1, 1000, 1, 1000, 1, 1000, 1, 1000, 1, 1000},
	}
	rng := rand.New(rand.NewPCG(2021, 819))
	for i := range 20 {
		var w [vaxbook.Groups]int
		for g := range w {
			w[g] = rng.IntN(50)
		}
		weightSets["random "+strconv.Itoa(i)] = w
	}
	for on, order := range orders {
		for wn, weights := range weightSets {
			t.Run(on+"/"+wn, func(t *testing.T) {
				for q := 0; q <= 500; q++ {
					checkSplit(t, q, weights, order)
				}
			})
		}
	}
}

// FuzzSplitShares checks the split properties for any quantity and weights. Quantities
// stay below 2^24 and weights below 2^22 so that q·w fits easily in an int: the real
// values (a site's daily doses, a group's population) are far smaller.
func FuzzSplitShares(f *testing.F) {
	f.Add(uint32(25), []byte{})
	f.Add(uint32(100), []byte{3, 0, 0, 4, 0, 0, 3, 0, 0, 3, 0, 0, 3, 0, 0, 3, 0, 0, 3, 0, 0, 3, 0, 0, 3, 0, 0, 3, 0, 0})
	f.Add(uint32(1_900_000), []byte{0xff, 0xff, 0x3f, 1, 0, 0})
	f.Fuzz(func(t *testing.T, q uint32, raw []byte) {
		weights := vaxbook.EqualWeights()
		if len(raw) > 0 {
			weights = [vaxbook.Groups]int{}
			for g := 0; g < vaxbook.Groups && 3*g+3 <= len(raw); g++ {
				b := [4]byte{raw[3*g], raw[3*g+1], raw[3*g+2]}
				weights[g] = int(binary.LittleEndian.Uint32(b[:]) & (1<<22 - 1))
			}
		}
		checkSplit(t, int(q&(1<<24-1)), weights, order2021)
	})
}

func TestShareRemaining(t *testing.T) {
	tests := []struct {
		name             string
		capacity, booked int
		want             int
	}{
		{"empty share", 3, 0, 3},
		{"partly booked", 3, 2, 1},
		{"full", 3, 3, 0},
		{"zero capacity", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := vaxbook.Share{Group: 2, Capacity: tt.capacity, Booked: tt.booked}
			if got := s.Remaining(); got != tt.want {
				t.Errorf("Remaining() = %d, want %d", got, tt.want)
			}
		})
	}
}
