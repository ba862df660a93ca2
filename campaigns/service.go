// Package campaigns is the operators' administration of campaigns: creating and editing
// them, and telling whoever depends on a campaign's definition that it changed. The
// rules a campaign must satisfy are the domain's (vaxbook.Campaign.Validate and
// vaxbook.CheckCampaignEdit); this package orders the store write and its consequences.
package campaigns

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"vaxbook"
)

// The actions a Change names, as written in the audit log.
const (
	ActionCreate = "create_campaign"
	ActionUpdate = "update_campaign"
)

// Store is what campaign administration reads and writes.
type Store interface {
	vaxbook.Campaigns
	vaxbook.CampaignEditor
}

// Change is one operator change to a campaign, told to the listeners once the store
// holds it.
type Change struct {
	// Action is ActionCreate or ActionUpdate.
	Action string
	// Campaign is the campaign as stored after the change.
	Campaign vaxbook.Campaign
	// At is when the change was made, by the service's clock.
	At time.Time
}

// Listener is told of every change after it is committed. The change has happened
// whatever a listener answers, so its error is logged, not returned to the operator;
// listeners are called in the order given to New, one after the other.
type Listener func(ctx context.Context, ch Change) error

// Service carries out the operators' campaign actions. Create it with New.
type Service struct {
	store     Store
	clock     vaxbook.Clock
	log       *slog.Logger
	listeners []Listener
}

// New returns the service. log may be nil; listeners are told of every change.
func New(store Store, clock vaxbook.Clock, log *slog.Logger, listeners ...Listener) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, clock: clock, log: log, listeners: listeners}
}

// List returns every campaign by id.
func (s *Service) List(ctx context.Context) ([]vaxbook.Campaign, error) {
	return s.store.Campaigns(ctx)
}

// Create validates c, stores it with its windows, sets c.ID and tells the listeners. An
// invalid campaign is refused with *vaxbook.FieldErrors naming every field at fault,
// and nothing is stored.
func (s *Service) Create(ctx context.Context, c *vaxbook.Campaign) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateCampaign(ctx, c); err != nil {
		return fmt.Errorf("create campaign %q: %w", c.Name, err)
	}
	s.tell(ctx, Change{Action: ActionCreate, Campaign: *c, At: s.clock.Now()})
	return nil
}

// Edit replaces the definition of campaign id by what edit makes of the stored one,
// then tells the listeners. edit's error is returned as it is (a form's
// *vaxbook.FieldErrors); the new definition is validated again here, and the store
// refuses an edit that would strand held reservations with the errors of
// vaxbook.CheckCampaignEdit. CodeNotFound when there is no such campaign. Nothing is
// changed on any error.
func (s *Service) Edit(ctx context.Context, id int64, edit func(old vaxbook.Campaign) (vaxbook.Campaign, error)) (vaxbook.Campaign, error) {
	old, err := s.store.Campaign(ctx, id)
	if err != nil {
		return vaxbook.Campaign{}, err
	}
	c, err := edit(old)
	if err != nil {
		return vaxbook.Campaign{}, err
	}
	c.ID = id
	if err := c.Validate(); err != nil {
		return vaxbook.Campaign{}, err
	}
	if err := s.store.UpdateCampaign(ctx, c); err != nil {
		return vaxbook.Campaign{}, err
	}
	s.tell(ctx, Change{Action: ActionUpdate, Campaign: c, At: s.clock.Now()})
	return c, nil
}

// tell calls every listener with ch, logging their errors.
func (s *Service) tell(ctx context.Context, ch Change) {
	for _, l := range s.listeners {
		if err := l(ctx, ch); err != nil {
			s.log.Error("after a campaign change", "action", ch.Action, "campaign", ch.Campaign.ID, "err", err)
		}
	}
}
