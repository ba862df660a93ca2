package vaxbook

import (
	"slices"
	"time"
)

// Groups is the number of rotation groups (10부제): one per last digit of the birth day.
const Groups = 10

// AllGroups marks a Window open to every group (the open period).
const AllGroups = -1

// Campaign is one vaccination round: who may book (a birth-date cohort), when (booking
// windows), where and on which days (sites and vaccination dates, held in storage), and
// the second-dose interval.
type Campaign struct {
	ID   int64
	Name string
	// CohortFrom and CohortTo are the first and last birth dates eligible, inclusive.
	CohortFrom, CohortTo Date
	// VaccinationFrom and VaccinationTo bound the first-dose dates, inclusive.
	VaccinationFrom, VaccinationTo Date
	// SecondDoseDays is the interval from the first dose to the second, in days.
	SecondDoseDays int
	// Windows lists the booking windows. Rotation windows name one group; the open
	// period names AllGroups and pools what is left of every share.
	Windows []Window
	// Weights splits each site-and-date quantity among the groups (index = group).
	// Equal weights (the default) give every group the same share.
	Weights [Groups]int
}

// Window is a booking window: [Opens, Closes) for one rotation group, or for everyone
// when Group is AllGroups.
type Window struct {
	Group  int
	Opens  time.Time
	Closes time.Time
}

// Contains reports whether the instant t lies in [w.Opens, w.Closes).
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.Opens) && t.Before(w.Closes)
}

// Pooled reports whether the window books from the pool of all shares.
func (w Window) Pooled() bool { return w.Group == AllGroups }

// AllWindows returns the windows of every campaign in cs, in order: what a waiting room
// serving all of them opens and closes by.
func AllWindows(cs []Campaign) []Window {
	var ws []Window
	for _, c := range cs {
		ws = append(ws, c.Windows...)
	}
	return ws
}

// RotationWindows returns the rotation windows from day first to day last inclusive: day
// D opens at 20:00 on D for the group equal to the last digit of D's day of month and
// closes at 18:00 on D+1 (rule 2; 2021-08-12 20:00 → 2021-08-13 18:00 for group 2).
func RotationWindows(first, last Date) []Window {
	var ws []Window
	for d := first; !d.After(last); d = d.AddDays(1) {
		ws = append(ws, Window{Group: d.Day % 10, Opens: d.At(20, 0), Closes: d.AddDays(1).At(18, 0)})
	}
	return ws
}

// EqualWeights gives every group the same weight.
func EqualWeights() [Groups]int {
	var w [Groups]int
	for i := range w {
		w[i] = 1
	}
	return w
}

// GroupOf returns the rotation group of a birth date: the last digit of its day of month
// (born 1981-07-12 → 2; born on the 10th, 20th or 30th → 0).
func GroupOf(birth Date) int { return birth.Day % 10 }

// InCohort reports whether a person born on birth may book in the campaign.
func (c Campaign) InCohort(birth Date) bool {
	return !birth.Before(c.CohortFrom) && !birth.After(c.CohortTo)
}

// WindowsOf returns the windows open to group, in opening order whatever the order of
// c.Windows (an operator may list the open period first).
func (c Campaign) WindowsOf(group int) []Window {
	var ws []Window
	for _, w := range c.Windows {
		if w.Group == group || w.Group == AllGroups {
			ws = append(ws, w)
		}
	}
	sortByOpening(ws)
	return ws
}

// sortByOpening sorts windows by opening instant, keeping the given order on ties.
func sortByOpening(ws []Window) {
	slices.SortStableFunc(ws, func(a, b Window) int { return a.Opens.Compare(b.Opens) })
}

// OpenWindow returns the window open to group at t, if any (the earliest-opening one
// should windows overlap).
func (c Campaign) OpenWindow(group int, t time.Time) (Window, bool) {
	return c.firstWindow(group, func(w Window) bool { return w.Contains(t) })
}

// NextWindow returns the first window open to group that has not closed at t: the one
// open now, or else the next to open.
func (c Campaign) NextWindow(group int, t time.Time) (Window, bool) {
	return c.firstWindow(group, func(w Window) bool { return t.Before(w.Closes) })
}

// firstWindow returns, of the windows open to group that satisfy ok, the one that opens
// first (the first listed on a tie), whatever the order of c.Windows. It is one pass
// without allocation because every booking and eligibility answer reads it.
func (c Campaign) firstWindow(group int, ok func(Window) bool) (Window, bool) {
	var best Window
	found := false
	for _, w := range c.Windows {
		if (w.Group == group || w.Group == AllGroups) && ok(w) && (!found || w.Opens.Before(best.Opens)) {
			best, found = w, true
		}
	}
	return best, found
}

// BookingOrder returns the groups in the order of their first rotation window, followed
// by any group that has none. The remainder of a share split goes out in this order
// (rule 4): in 2021 the order was 9, 0, 1, …, 8 because rotation began on 08-09.
func (c Campaign) BookingOrder() [Groups]int {
	var order [Groups]int
	seen := [Groups]bool{}
	n := 0
	ws := slices.Clone(c.Windows)
	sortByOpening(ws)
	for _, w := range ws {
		if w.Group >= 0 && w.Group < Groups && !seen[w.Group] {
			seen[w.Group] = true
			order[n] = w.Group
			n++
		}
	}
	for g := 0; g < Groups; g++ {
		if !seen[g] {
			order[n] = g
			n++
		}
	}
	return order
}

// CheckBookable returns nil if a person born on birth may book at t, or the *Error that
// says why not (CodeNotEligible, CodeWindowClosed with the next opening as RetryAt).
// The window returned tells whether the booking draws from the pool.
func (c Campaign) CheckBookable(birth Date, t time.Time) (Window, error) {
	if !c.InCohort(birth) {
		return Window{}, Errorf(CodeNotEligible, "born %s: not in this campaign's cohort (%s to %s)", birth, c.CohortFrom, c.CohortTo)
	}
	g := GroupOf(birth)
	if w, ok := c.OpenWindow(g, t); ok {
		return w, nil
	}
	if w, ok := c.NextWindow(g, t); ok {
		return Window{}, RetryError(CodeWindowClosed, w.Opens, "booking for your group opens at %s", w.Opens.Format("2006-01-02 15:04"))
	}
	return Window{}, Errorf(CodeWindowClosed, "booking for this campaign has closed")
}
