package booking

import (
	"context"
	"time"

	"vaxbook"
)

// Eligibility tells a person born on a date where they stand in a campaign at an
// instant: their rotation group, the window open to them now or next, and whether
// booking now draws from the pool.
type Eligibility struct {
	Group    int
	InCohort bool
	// Window is the window open now, or else the next one; HasWindow is false when
	// every window of the group has closed.
	Window    vaxbook.Window
	HasWindow bool
	OpenNow   bool
	Pooled    bool
	// Windows lists every window open to the group, for a "my booking days" page.
	Windows []vaxbook.Window
}

// EligibilityOf computes a person's eligibility from the campaign alone.
func EligibilityOf(c vaxbook.Campaign, birth vaxbook.Date, now time.Time) Eligibility {
	g := vaxbook.GroupOf(birth)
	e := Eligibility{Group: g, InCohort: c.InCohort(birth), Windows: c.WindowsOf(g)}
	if !e.InCohort {
		return e
	}
	e.Window, e.HasWindow = c.NextWindow(g, now)
	e.OpenNow = e.HasWindow && e.Window.Contains(now)
	e.Pooled = e.OpenNow && e.Window.Pooled()
	return e
}

// Eligibility returns the eligibility of a birth date in a campaign now.
func (s *Service) Eligibility(ctx context.Context, campaignID int64, birth vaxbook.Date) (Eligibility, error) {
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return Eligibility{}, err
	}
	return EligibilityOf(c, birth, s.clock.Now()), nil
}

// Reservation returns the resident's active reservation, or no_reservation.
func (s *Service) Reservation(ctx context.Context, r vaxbook.Resident, campaignID int64) (vaxbook.Reservation, error) {
	return s.store.ActiveReservation(ctx, campaignID, r.Person.Key)
}

// Search returns sites with the places the resident (or, with r nil, anyone) can book.
// A verified resident sees their own group's share during the rotation and the pool in
// the open period; an anonymous searcher sees the pool.
func (s *Service) Search(ctx context.Context, r *vaxbook.Resident, q vaxbook.SiteQuery) ([]vaxbook.SiteAvailability, error) {
	c, err := s.Campaign(ctx, q.CampaignID)
	if err != nil {
		return nil, err
	}
	q.Pooled = true
	if r != nil {
		e := EligibilityOf(c, r.Person.Birth, s.clock.Now())
		// The share that matters is the one of the window they book in: open now or next.
		q.Group, q.Pooled = e.Group, !e.HasWindow || e.Window.Pooled()
	}
	if q.From.IsZero() || q.From.Before(c.VaccinationFrom) {
		q.From = c.VaccinationFrom
	}
	if tomorrow := vaxbook.DateOf(s.clock.Now()).AddDays(1); q.From.Before(tomorrow) {
		q.From = tomorrow
	}
	if q.To.IsZero() || q.To.After(c.VaccinationTo) {
		q.To = c.VaccinationTo
	}
	if q.To.Before(q.From) {
		return nil, nil
	}
	if s.sheets != nil {
		if sites, ok := s.sheets.Search(q, c.VaccinationFrom, c.VaccinationTo); ok {
			return sites, nil
		}
	}
	// The cache's age is wall time, not the (possibly shifted) service clock.
	now := time.Now()
	if sites, ok := s.searches.get(q, now); ok {
		return sites, nil
	}
	sites, err := s.store.SearchSites(ctx, q)
	if err == nil {
		s.searches.put(q, sites, now)
	}
	return sites, err
}
