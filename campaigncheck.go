package vaxbook

import (
	"context"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Bounds of a campaign an operator defines. They catch slips (a year typed wrong), not
// policy: a real round runs for weeks and has a few dozen windows.
const (
	maxCampaignName    = 100
	maxVaccinationDays = 366
	maxSecondDoseDays  = 365
	MaxWindows         = 100
)

// Validate returns nil if c is a campaign the rules can run, or *FieldErrors
// (CodeInvalidInput) naming every field at fault:
//
//   - a name, a cohort and vaccination dates, each range in order; the cohort born
//     before the first vaccination date; at most a year of vaccination dates;
//   - a second-dose interval of 0 to 365 days, non-negative weights not all zero;
//   - windows for one rotation group (0–9) or everyone, each opening before it closes;
//   - every window closing by 00:00 on the last vaccination date: a booking is for a
//     later day than the day it is made (CheckVaccinationDate), so after that instant
//     the window would offer nothing to book;
//   - no two windows open to one group at the same instant (a window for everyone
//     overlaps every other), so that every booking instant has one window, whose
//     pooling decides where the place comes from. Windows of different groups may
//     run at once: opening two groups on one evening is the operator's call.
func (c Campaign) Validate() error {
	e := &FieldErrors{Code: CodeInvalidInput}
	switch n := utf8.RuneCountInString(c.Name); {
	case n == 0:
		e.add("name", ReasonRequired, "a campaign needs a name")
	case n > maxCampaignName:
		e.add("name", ReasonTooLong, "the name is limited to %d characters", maxCampaignName)
	}
	dateRange(e, "cohort", c.CohortFrom, c.CohortTo)
	dateRange(e, "vaccination", c.VaccinationFrom, c.VaccinationTo)
	if !c.VaccinationFrom.IsZero() && !c.VaccinationTo.IsZero() && c.VaccinationFrom.DaysUntil(c.VaccinationTo) >= maxVaccinationDays {
		e.add("vaccination_to", ReasonRange, "vaccination dates may span at most %d days", maxVaccinationDays)
	}
	if !c.CohortTo.IsZero() && !c.VaccinationFrom.IsZero() && !c.CohortTo.Before(c.VaccinationFrom) && !e.Has("cohort_to") {
		e.add("cohort_to", ReasonAfterVacc, "the cohort must be born before the first vaccination date %s", c.VaccinationFrom)
	}
	if c.SecondDoseDays < 0 || c.SecondDoseDays > maxSecondDoseDays {
		e.add("second_dose_days", ReasonRange, "the second dose comes 0 to %d days after the first", maxSecondDoseDays)
	}
	total := 0
	for _, w := range c.Weights {
		if w < 0 {
			total = -1
			break
		}
		total += w
	}
	if total <= 0 {
		e.add("weights", ReasonRange, "weights are %d numbers of zero or more, not all zero", Groups)
	}
	c.validateWindows(e)
	return e.orNil()
}

// dateRange checks that a pair of fields <name>_from and <name>_to are set and in order.
func dateRange(e *FieldErrors, name string, from, to Date) {
	if from.IsZero() {
		e.add(name+"_from", ReasonRequired, "a first date is required")
	}
	if to.IsZero() {
		e.add(name+"_to", ReasonRequired, "a last date is required")
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		e.add(name+"_to", ReasonOrder, "the last date %s comes before the first %s", to, from)
	}
}

func (c Campaign) validateWindows(e *FieldErrors) {
	if len(c.Windows) > MaxWindows {
		e.add("windows", ReasonTooManyWindows, "a campaign has at most %d windows", MaxWindows)
		return
	}
	var lastBooking time.Time
	if !c.VaccinationTo.IsZero() {
		lastBooking = c.VaccinationTo.At(0, 0)
	}
	ok := make([]bool, len(c.Windows))
	for i, w := range c.Windows {
		f := windowField(i)
		n := len(e.Fields)
		if w.Group != AllGroups && (w.Group < 0 || w.Group >= Groups) {
			e.add(f+".group", ReasonGroup, "a window is for group 0 to 9, or for everyone")
		}
		if w.Opens.IsZero() {
			e.add(f+".opens", ReasonRequired, "a window needs an opening instant")
		}
		if w.Closes.IsZero() {
			e.add(f+".closes", ReasonRequired, "a window needs a closing instant")
		}
		if !w.Opens.IsZero() && !w.Closes.IsZero() && !w.Opens.Before(w.Closes) {
			e.add(f+".closes", ReasonOrder, "a window closes after it opens")
		}
		if !lastBooking.IsZero() && w.Closes.After(lastBooking) && !e.Has(f+".closes") {
			e.add(f+".closes", ReasonAfterVacc, "a window closes by %s, the start of the last vaccination date: later there is no date left to book",
				lastBooking.Format("2006-01-02 15:04"))
		}
		ok[i] = len(e.Fields) == n
	}
	for i, w := range c.Windows {
		for j := range i {
			if ok[i] && ok[j] && shareGroup(w, c.Windows[j]) && w.Opens.Before(c.Windows[j].Closes) && c.Windows[j].Opens.Before(w.Closes) {
				e.add(windowField(i)+".opens", ReasonOverlap, "this window overlaps window %d, which is open to the same group", j+1)
				break
			}
		}
	}
}

// windowField names window i (from 0) of the operator's list.
func windowField(i int) string { return "windows[" + strconv.Itoa(i) + "]" }

// shareGroup reports whether two windows are open to a common group.
func shareGroup(a, b Window) bool {
	return a.Group == b.Group || a.Pooled() || b.Pooled()
}

// Span is booking time of one rotation group: the instants [From, To).
type Span struct {
	Group    int
	From, To time.Time
}

// LostCoverage returns the booking time that replacing the windows old by new takes
// away from each group: per group, the instants some old window open to the group
// covered and no new one does. A reservation made by a person of that group in that
// time would no longer have been made in any window: the edit would strand it. Spans
// come by group, then by time.
func LostCoverage(old, new []Window) []Span {
	var lost []Span
	for g := range Groups {
		for _, s := range subtract(coverage(old, g), coverage(new, g)) {
			lost = append(lost, Span{Group: g, From: s.From, To: s.To})
		}
	}
	return lost
}

// coverage returns the instants windows open to group g cover, as sorted disjoint spans.
func coverage(ws []Window, g int) []Span {
	var spans []Span
	for _, w := range ws {
		if (w.Group == g || w.Pooled()) && w.Opens.Before(w.Closes) {
			spans = append(spans, Span{Group: g, From: w.Opens, To: w.Closes})
		}
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.From.Compare(b.From) })
	var merged []Span
	for _, s := range spans {
		if n := len(merged); n > 0 && !s.From.After(merged[n-1].To) {
			if s.To.After(merged[n-1].To) {
				merged[n-1].To = s.To
			}
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// subtract returns the parts of the sorted disjoint spans a that no span of the sorted
// disjoint spans b covers.
func subtract(a, b []Span) []Span {
	var out []Span
	j := 0
	for _, s := range a {
		from := s.From
		for j < len(b) && !b[j].To.After(from) {
			j++
		}
		for k := j; k < len(b) && b[k].From.Before(s.To); k++ {
			if b[k].From.After(from) {
				out = append(out, Span{Group: s.Group, From: from, To: b[k].From})
			}
			if b[k].To.After(from) {
				from = b[k].To
			}
		}
		if from.Before(s.To) {
			out = append(out, Span{Group: s.Group, From: from, To: s.To})
		}
	}
	return out
}

// Holdings sums up a campaign's reservations that are not cancelled (booked, confirmed,
// vaccinated, no-show): what an edit of the campaign must leave standing. A store
// gathers it in the transaction that applies the edit.
type Holdings struct {
	Reservations int
	// FirstDate and LastDate bound their first-dose dates; FirstBirth and LastBirth
	// their persons' birth dates.
	FirstDate, LastDate   Date
	FirstBirth, LastBirth Date
	// Shares reports whether capacities were set, and so split by the present weights.
	Shares bool
	// Stranded counts the reservations made by a person of a group in that group's
	// LostCoverage, and FirstStranded is when the first of them was made. Reservations
	// of leftover doses are not counted: they are accepted from a standby list, in no
	// booking window.
	Stranded      int
	FirstStranded time.Time
}

// CheckCampaignEdit returns nil if old may become new given what is held in it, or
// *FieldErrors naming each field at fault: CodeInvalidInput if new is not valid
// (Validate), CodeStrandsReservations if the edit would strand reservations (a first
// dose outside the new vaccination dates, a person outside the new cohort, a changed
// second-dose interval while any reservation exists, a booking made in booking time the
// edit takes away), CodeConflict if the weights change after capacities were split by
// them.
func CheckCampaignEdit(old, new Campaign, h Holdings) error {
	if err := new.Validate(); err != nil {
		return err
	}
	e := &FieldErrors{Code: CodeStrandsReservations}
	if h.Reservations > 0 {
		if h.FirstDate.Before(new.VaccinationFrom) {
			e.add("vaccination_from", ReasonStrands, "reservations exist from %s, before this first vaccination date", h.FirstDate)
		}
		if h.LastDate.After(new.VaccinationTo) {
			e.add("vaccination_to", ReasonStrands, "reservations exist until %s, after this last vaccination date", h.LastDate)
		}
		if h.FirstBirth.Before(new.CohortFrom) {
			e.add("cohort_from", ReasonStrands, "a person born on %s holds a reservation", h.FirstBirth)
		}
		if h.LastBirth.After(new.CohortTo) {
			e.add("cohort_to", ReasonStrands, "a person born on %s holds a reservation", h.LastBirth)
		}
		if new.SecondDoseDays != old.SecondDoseDays {
			e.add("second_dose_days", ReasonStrands, "%d reservations hold second doses %d days after the first", h.Reservations, old.SecondDoseDays)
		}
	}
	if h.Stranded > 0 {
		e.add("windows", ReasonStrands, "%d reservations were made in booking time these windows take away, the first at %s",
			h.Stranded, h.FirstStranded.In(Seoul).Format("2006-01-02 15:04"))
	}
	if err := e.orNil(); err != nil {
		return err
	}
	if h.Shares && new.Weights != old.Weights {
		e := &FieldErrors{Code: CodeConflict}
		e.add("weights", ReasonSharesSplit, "capacities are already split by the present weights")
		return e
	}
	return nil
}

// CampaignEditor is the operator's side of campaigns. Both stores implement it.
type CampaignEditor interface {
	// UpdateCampaign replaces the definition of campaign c.ID (name, cohort,
	// vaccination dates, second-dose interval, weights and the whole list of windows)
	// in one transaction, after CheckCampaignEdit passes against the reservations
	// held in it at that moment. In the same transaction, before what is held is
	// gathered, it closes the shares of the days outside the new vaccination dates
	// (capacity = booked), so that no booking of a removed day, however stale the
	// campaign it was served from, lands during the check or after the edit. It
	// returns CodeNotFound for no such campaign and the errors of CheckCampaignEdit;
	// nothing is changed then.
	UpdateCampaign(ctx context.Context, c Campaign) error
}
