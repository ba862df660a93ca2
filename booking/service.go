// Package booking carries out a resident's booking, change and cancellation: it reads
// the clock, applies the pure rules of package vaxbook and hands the storage-bound part
// to a Booker, so that the rules live in one place and storage only guards its rows.
package booking

import (
	"context"
	"fmt"
	"sync"
	"time"

	"vaxbook"
)

// Store is what the booking rules need of the system of record: the campaigns, the
// search for places, and the bookings themselves.
type Store interface {
	vaxbook.Campaigns
	vaxbook.Sites
	vaxbook.Bookings
}

// Service applies the booking rules for verified residents.
type Service struct {
	store  Store
	booker vaxbook.Booker
	guard  vaxbook.Guard
	clock  vaxbook.Clock

	mu        sync.Mutex
	campaigns map[int64]cachedCampaign
	searches  searchCache
	sheets    *Sheets // nil: every search goes to the store (through searches)
}

// campaignTTL bounds how stale a cached campaign may be. Campaign definitions change
// rarely (an operator edits windows days ahead) while every booking reads one. A
// booking served from a stale campaign for a day an edit removed finds that day's
// shares closed by the edit (vaxbook.CampaignEditor); one made in booking time an
// edit took away is not refused, and stands as made under the rules as they were.
const campaignTTL = 10 * time.Second

type cachedCampaign struct {
	c       vaxbook.Campaign
	fetched time.Time
}

// New returns a Service. booker may be nil, in which case bookings go to the store one
// call at a time.
func New(store Store, booker vaxbook.Booker, guard vaxbook.Guard, clock vaxbook.Clock) *Service {
	if booker == nil {
		booker = store
	}
	return &Service{store: store, booker: booker, guard: guard, clock: clock, campaigns: map[int64]cachedCampaign{}}
}

// Now returns the service clock's current instant.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Campaign returns a campaign through a short-lived cache.
func (s *Service) Campaign(ctx context.Context, id int64) (vaxbook.Campaign, error) {
	now := time.Now() // cache age is wall time, not the (possibly shifted) service clock
	s.mu.Lock()
	cc, ok := s.campaigns[id]
	s.mu.Unlock()
	if ok && now.Sub(cc.fetched) < campaignTTL {
		return cc.c, nil
	}
	c, err := s.store.Campaign(ctx, id)
	if err != nil {
		return vaxbook.Campaign{}, err
	}
	s.mu.Lock()
	s.campaigns[id] = cachedCampaign{c, now}
	s.mu.Unlock()
	return c, nil
}

// checkDevice refuses a resident whose person has since verified on another device
// (rule 7: only the device that completed verification first may go on).
func (s *Service) checkDevice(ctx context.Context, r vaxbook.Resident, now time.Time) error {
	owner, ok, err := s.guard.Owner(ctx, r.Person.Key, now)
	if err != nil {
		return fmt.Errorf("device owner: %w", err)
	}
	if ok && owner != r.DeviceID {
		return vaxbook.Errorf(vaxbook.CodeDeviceLocked, "you verified on another device; continue there")
	}
	return nil
}

// CheckDevice refuses, with CodeDeviceLocked, a resident whose person has since verified
// on another device (rule 7), at the service clock's instant. Other services that act
// for a resident (the standby list) apply the rule through it.
func (s *Service) CheckDevice(ctx context.Context, r vaxbook.Resident) error {
	return s.checkDevice(ctx, r, s.clock.Now())
}

// request builds the storage request for a booking at now after checking every rule
// that needs no rows: cohort, open window and vaccination date.
func (s *Service) request(c vaxbook.Campaign, p vaxbook.Person, siteID int64, d vaxbook.Date, now time.Time) (vaxbook.BookRequest, error) {
	w, err := c.CheckBookable(p.Birth, now)
	if err != nil {
		return vaxbook.BookRequest{}, err
	}
	if err := c.CheckVaccinationDate(d, now); err != nil {
		return vaxbook.BookRequest{}, err
	}
	if siteID <= 0 {
		return vaxbook.BookRequest{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "site_id must be a positive number")
	}
	return vaxbook.BookRequest{
		CampaignID: c.ID,
		PersonKey:  p.Key,
		SiteID:     siteID,
		Date:       d,
		SecondDate: c.SecondDose(d),
		Group:      vaxbook.GroupOf(p.Birth),
		Pooled:     w.Pooled(),
		Status:     vaxbook.InitialStatus(d, now),
		At:         now,
	}, nil
}

// Book reserves a first dose at the site on the date, with its second dose, for the
// resident. It returns the reservation or an *Error: not_eligible, window_closed,
// not_bookable, share_full, already_booked, device_locked.
func (s *Service) Book(ctx context.Context, r vaxbook.Resident, campaignID, siteID int64, d vaxbook.Date) (vaxbook.Reservation, error) {
	c, now, err := s.prepare(ctx, r, campaignID)
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	req, err := s.request(c, r.Person, siteID, d, now)
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	res := s.booker.Book(ctx, []vaxbook.BookRequest{req})[0]
	return res.Reservation, res.Err
}

// prepare reads the clock once for the whole request, refuses a device that lost the
// person to another (rule 7) and returns the campaign.
func (s *Service) prepare(ctx context.Context, r vaxbook.Resident, campaignID int64) (vaxbook.Campaign, time.Time, error) {
	now := s.clock.Now()
	if err := s.checkDevice(ctx, r, now); err != nil {
		return vaxbook.Campaign{}, now, err
	}
	c, err := s.Campaign(ctx, campaignID)
	return c, now, err
}

// Change moves the resident's active reservation to another site or date: one atomic
// cancel-and-book that leaves the old place untouched if the new one cannot be had.
// Besides Book's errors it returns no_reservation and change_locked.
func (s *Service) Change(ctx context.Context, r vaxbook.Resident, campaignID, siteID int64, d vaxbook.Date) (vaxbook.Reservation, error) {
	c, now, err := s.prepare(ctx, r, campaignID)
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	old, err := s.store.ActiveReservation(ctx, campaignID, r.Person.Key)
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	if err := old.CheckChange(now); err != nil {
		return vaxbook.Reservation{}, err
	}
	req, err := s.request(c, r.Person, siteID, d, now)
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	return s.store.Change(ctx, vaxbook.ChangeRequest{OldID: old.ID, New: req})
}

// Cancel cancels the resident's active reservation and returns its place to its share.
// It returns no_reservation or cancel_locked when that is not possible.
func (s *Service) Cancel(ctx context.Context, r vaxbook.Resident, campaignID int64) (vaxbook.Reservation, error) {
	now := s.clock.Now()
	if err := s.checkDevice(ctx, r, now); err != nil {
		return vaxbook.Reservation{}, err
	}
	old, err := s.store.ActiveReservation(ctx, campaignID, r.Person.Key)
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	if err := old.CheckCancel(now); err != nil {
		return vaxbook.Reservation{}, err
	}
	return s.store.Cancel(ctx, r.Person.Key, old.ID, now)
}
