package vaxbook

import "sort"

// SplitShares splits a site-and-date quantity among the ten groups in proportion to
// weights (rule 4). Each group first gets the whole part of its proportional quantity;
// the units left over go one each to the groups with the largest fractional part, ties
// broken by booking-day order. With equal weights this is "quantity/10 each, the
// remainder one unit each in booking-day order". The shares always add up to quantity.
// A negative quantity or all-zero weights give zero shares.
func SplitShares(quantity int, weights [Groups]int, order [Groups]int) [Groups]int {
	var shares [Groups]int
	total := 0
	for _, w := range weights {
		if w > 0 {
			total += w
		}
	}
	if quantity <= 0 || total == 0 {
		return shares
	}
	type frac struct{ group, rem, rank int }
	fracs := make([]frac, 0, Groups)
	given := 0
	for rank, g := range order {
		w := max(weights[g], 0)
		shares[g] = quantity * w / total
		given += shares[g]
		if w > 0 {
			fracs = append(fracs, frac{g, quantity * w % total, rank})
		}
	}
	sort.SliceStable(fracs, func(i, j int) bool {
		if fracs[i].rem != fracs[j].rem {
			return fracs[i].rem > fracs[j].rem
		}
		return fracs[i].rank < fracs[j].rank
	})
	for i := 0; given < quantity; i++ {
		shares[fracs[i%len(fracs)].group]++
		given++
	}
	return shares
}

// Capacity is the bookable first-dose quantity of one site on one vaccination date.
type Capacity struct {
	SiteID   int64
	Date     Date
	Quantity int
}

// Share is one group's part of a site-and-date capacity, with the number of active
// reservations drawn from it. Booked never exceeds Capacity.
type Share struct {
	SiteID   int64
	Date     Date
	Group    int
	Capacity int
	Booked   int
}

// Remaining returns the places left in the share.
func (s Share) Remaining() int { return s.Capacity - s.Booked }
