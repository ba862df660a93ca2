package demo

import (
	"runtime"
	"sync"

	"vaxbook"
	"vaxbook/identity"
)

// exampleBirth is the birth date of the source's worked example (born 1981-07-12, so
// group 2, booking from 2021-08-12 20:00 to 2021-08-13 18:00).
var exampleBirth = vaxbook.MustDate("1981-07-12")

// Example returns a resident for documentation and manual trials: the first citizen
// born on 1981-07-12, the source's own example, if the population has one (a population
// of 20,000 or more almost surely does); else the first citizen of group 2; else the
// zero Subscriber for an empty population.
func (p Population) Example() identity.Subscriber {
	for i := range p.n {
		if birth, foreign := p.front(i); birth == exampleBirth && !foreign {
			return p.Resident(i)
		}
	}
	for i := range p.n {
		if birth, foreign := p.front(i); vaxbook.GroupOf(birth) == vaxbook.GroupOf(exampleBirth) && !foreign {
			return p.Resident(i)
		}
	}
	if p.n > 0 {
		return p.Resident(0)
	}
	return identity.Subscriber{}
}

// FindInGroup returns the first resident at or after index from whose rotation group is
// group, with its index, so a load test can walk through one day's arrivals with
// successive calls. It returns -1 and the zero Subscriber when there is none.
func (p Population) FindInGroup(group, from int) (int, identity.Subscriber) {
	for i := max(from, 0); i < p.n; i++ {
		if birth, _ := p.front(i); vaxbook.GroupOf(birth) == group {
			return i, p.Resident(i)
		}
	}
	return -1, identity.Subscriber{}
}

// Counts returns the number of residents in each rotation group, exactly. It reads only
// the birth date of each resident, on every CPU, and takes well under a second for the
// full population.
func (p Population) Counts() [vaxbook.Groups]int {
	workers := runtime.GOMAXPROCS(0)
	chunk := (p.n + workers - 1) / max(workers, 1)
	parts := make([][vaxbook.Groups]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, p.n)
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				birth, _ := p.front(i)
				parts[w][vaxbook.GroupOf(birth)]++
			}
		})
	}
	wg.Wait()
	var total [vaxbook.Groups]int
	for _, part := range parts {
		for g, n := range part {
			total[g] += n
		}
	}
	return total
}
