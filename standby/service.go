// Package standby carries out the same-day standby list of leftover doses (잔여백신,
// 당일 예비명단): residents join a site's list for today and accept or decline the dose
// offered to them; clinic staff record a leftover dose and see their site's list. It
// reads the clock once per request, applies the pure rules of package vaxbook, and
// hands the rest to a vaxbook.Standby store, which makes the offers and bookings
// atomically.
package standby

import (
	"context"
	"time"

	"vaxbook"
	"vaxbook/booking"
)

// Store is what the service needs of the system of record: the standby lists, and the
// campaigns and shares that tell which sites vaccinate on a day.
type Store interface {
	vaxbook.Standby
	vaxbook.Campaigns
	vaxbook.Sites
}

// Service applies the standby rules. Create it with New.
type Service struct {
	store Store
	// booking gives the campaigns (through its cache) and the one-device rule.
	booking *booking.Service
	clock   vaxbook.Clock
	window  time.Duration
}

// New returns a Service over store. window is how long an offer lasts
// (vaxbook.DefaultOfferWindow when zero or less).
func New(store Store, b *booking.Service, clock vaxbook.Clock, window time.Duration) *Service {
	if window <= 0 {
		window = vaxbook.DefaultOfferWindow
	}
	return &Service{store: store, booking: b, clock: clock, window: window}
}

// OfferWindow returns how long an offer lasts.
func (s *Service) OfferWindow() time.Duration { return s.window }

// now reads the clock once for a request.
func (s *Service) now() vaxbook.StandbyTime {
	return vaxbook.StandbyTime{Now: s.clock.Now(), OfferWindow: s.window}
}

// Today returns the service's current day, the only day standby lists are open.
func (s *Service) Today() vaxbook.Date { return vaxbook.DateOf(s.clock.Now()) }

// Join puts the resident on the site's standby list for today. Besides the store's
// codes (standby_closed, already_booked, on_standby) it returns not_eligible and
// device_locked.
func (s *Service) Join(ctx context.Context, r vaxbook.Resident, campaignID, siteID int64) (vaxbook.StandbyEntry, error) {
	t := s.now()
	if siteID <= 0 {
		return vaxbook.StandbyEntry{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "site_id must be a positive number")
	}
	if err := s.booking.CheckDevice(ctx, r); err != nil {
		return vaxbook.StandbyEntry{}, err
	}
	c, err := s.booking.Campaign(ctx, campaignID)
	if err != nil {
		return vaxbook.StandbyEntry{}, err
	}
	d := vaxbook.DateOf(t.Now)
	if err := vaxbook.CheckStandbyJoin(c, r.Person.Birth, d, t.Now); err != nil {
		return vaxbook.StandbyEntry{}, err
	}
	return s.store.JoinStandby(ctx, vaxbook.StandbyEntry{CampaignID: c.ID, SiteID: siteID, PersonKey: r.Person.Key, Date: d}, t)
}

// Mine returns the resident's latest standby entry of today in the campaign, with any
// offer that ran out already passed on, or not_found.
func (s *Service) Mine(ctx context.Context, r vaxbook.Resident, campaignID int64) (vaxbook.StandbyEntry, error) {
	t := s.now()
	e, err := s.store.StandbyEntryOf(ctx, r.Person.Key, vaxbook.DateOf(t.Now), t)
	if err != nil {
		return e, err
	}
	if e.CampaignID != campaignID {
		return vaxbook.StandbyEntry{}, vaxbook.Errorf(vaxbook.CodeNotFound, "you are not on a standby list of this campaign today")
	}
	return e, nil
}

// Leave takes the resident off today's list; an offer they hold is declined. It returns
// not_found, device_locked or the store's codes.
func (s *Service) Leave(ctx context.Context, r vaxbook.Resident, campaignID int64) (vaxbook.StandbyEntry, error) {
	if err := s.booking.CheckDevice(ctx, r); err != nil {
		return vaxbook.StandbyEntry{}, err
	}
	e, err := s.Mine(ctx, r, campaignID)
	if err != nil {
		return e, err
	}
	if err := e.CheckLeave(r.Person.Key); err != nil {
		return e, err
	}
	return s.store.LeaveStandby(ctx, r.Person.Key, e.ID, s.now())
}

// own returns the resident's entry with the id if it is their latest of today in the
// campaign: another person's entry, an old one or one of another campaign is missing.
func (s *Service) own(ctx context.Context, r vaxbook.Resident, campaignID, entryID int64) (vaxbook.StandbyEntry, error) {
	e, err := s.Mine(ctx, r, campaignID)
	if vaxbook.ErrorCode(err) == vaxbook.CodeNotFound || (err == nil && e.ID != entryID) {
		return vaxbook.StandbyEntry{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no such standby entry")
	}
	return e, err
}

// Accept books the dose offered to the resident: a confirmed reservation at the site
// for today, its second dose after the campaign's interval. It returns not_found,
// no_offer, offer_expired, already_booked or device_locked, and then books nothing.
func (s *Service) Accept(ctx context.Context, r vaxbook.Resident, campaignID, entryID int64) (vaxbook.Reservation, error) {
	if err := s.booking.CheckDevice(ctx, r); err != nil {
		return vaxbook.Reservation{}, err
	}
	c, err := s.booking.Campaign(ctx, campaignID)
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	e, err := s.own(ctx, r, campaignID, entryID)
	if err != nil {
		return vaxbook.Reservation{}, err
	}
	t := s.now()
	if err := e.CheckAccept(r.Person.Key, t.Now); err != nil {
		return vaxbook.Reservation{}, err
	}
	return s.store.AcceptOffer(ctx, vaxbook.AcceptRequest{
		EntryID: e.ID, PersonKey: r.Person.Key, SecondDate: c.SecondDose(e.Date), Group: vaxbook.GroupOf(r.Person.Birth), Time: t,
	})
}

// Decline gives the offered dose back; it goes to the next person in line. It returns
// not_found, no_offer, device_locked or the store's codes.
func (s *Service) Decline(ctx context.Context, r vaxbook.Resident, campaignID, entryID int64) (vaxbook.StandbyEntry, error) {
	if err := s.booking.CheckDevice(ctx, r); err != nil {
		return vaxbook.StandbyEntry{}, err
	}
	e, err := s.own(ctx, r, campaignID, entryID)
	if err != nil {
		return e, err
	}
	return s.store.DeclineOffer(ctx, r.Person.Key, e.ID, s.now())
}

// Sites returns the sites that vaccinate today in the campaign and match q's place and
// name, with the length of their line and their free doses.
func (s *Service) Sites(ctx context.Context, q vaxbook.SiteQuery) ([]vaxbook.StandbySite, error) {
	if _, err := s.booking.Campaign(ctx, q.CampaignID); err != nil {
		return nil, err
	}
	q.From, q.To = s.Today(), s.Today()
	return s.store.StandbySites(ctx, q)
}

// RecordLeftover records one leftover dose at the clinic's site today and offers it to
// the first in line. campaignID 0 means the one campaign the site vaccinates in today.
func (s *Service) RecordLeftover(ctx context.Context, siteID, campaignID int64) (vaxbook.LeftoverDoses, error) {
	t := s.now()
	d := vaxbook.DateOf(t.Now)
	c, err := s.campaignAt(ctx, siteID, campaignID, d)
	if err != nil {
		return vaxbook.LeftoverDoses{}, err
	}
	if err := vaxbook.CheckLeftover(c, d, t.Now); err != nil {
		return vaxbook.LeftoverDoses{}, err
	}
	return s.store.RecordLeftover(ctx, c.ID, siteID, d, t)
}

// Line returns the site's standby list of today in the campaign (0: the one it
// vaccinates in today).
func (s *Service) Line(ctx context.Context, siteID, campaignID int64) (vaxbook.StandbyLine, error) {
	t := s.now()
	d := vaxbook.DateOf(t.Now)
	c, err := s.campaignAt(ctx, siteID, campaignID, d)
	if err != nil {
		return vaxbook.StandbyLine{Doses: vaxbook.LeftoverDoses{SiteID: siteID, Date: d}}, err
	}
	return s.store.StandbyLine(ctx, c.ID, siteID, d, t)
}

// Sweep settles every list with an offer that ran out or a dose free for someone
// waiting, and returns how many it settled.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	return s.store.SettleStandby(ctx, s.now())
}

// campaignAt returns the campaign with the id or, for 0, the one campaign in which the
// site vaccinates on d: CodeStandbyClosed when there is none, CodeInvalidInput when
// there are several and the clinic must say which.
func (s *Service) campaignAt(ctx context.Context, siteID, campaignID int64, d vaxbook.Date) (vaxbook.Campaign, error) {
	if campaignID != 0 {
		return s.booking.Campaign(ctx, campaignID)
	}
	cs, err := s.store.Campaigns(ctx)
	if err != nil {
		return vaxbook.Campaign{}, err
	}
	var found []vaxbook.Campaign
	for _, c := range cs {
		if d.Before(c.VaccinationFrom) || d.After(c.VaccinationTo) {
			continue
		}
		shares, err := s.store.Shares(ctx, c.ID, siteID, d)
		if err != nil && vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
			return vaxbook.Campaign{}, err
		}
		for _, sh := range shares {
			if sh.Capacity > 0 {
				found = append(found, c)
				break
			}
		}
	}
	switch len(found) {
	case 0:
		return vaxbook.Campaign{}, vaxbook.Errorf(vaxbook.CodeStandbyClosed, "your site does not vaccinate today (%s)", d)
	case 1:
		return found[0], nil
	}
	return vaxbook.Campaign{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "your site vaccinates in %d campaigns today: name the campaign_id", len(found))
}
