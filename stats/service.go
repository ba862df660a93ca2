package stats

import (
	"context"

	"vaxbook"
)

// Store is what the statistics read: the campaign and its population's counts.
type Store interface {
	vaxbook.Campaigns
	vaxbook.Population
}

// Service answers the operators' statistics. Create it with New.
type Service struct {
	store Store
}

// New returns the service.
func New(store Store) *Service { return &Service{store: store} }

// Report returns the report of campaign id (Load), or CodeNotFound for no such
// campaign.
func (s *Service) Report(ctx context.Context, id int64) (Report, error) {
	c, err := s.store.Campaign(ctx, id)
	if err != nil {
		return Report{}, err
	}
	return Load(ctx, s.store, c)
}
