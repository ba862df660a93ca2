// Package outbox is the operators' side of the notification outbox: seeing what could
// not be delivered and sending it back in line. The worker that delivers the messages
// is package notify's; the rows are the store's (vaxbook.Outbox).
package outbox

import (
	"context"
	"strconv"

	"vaxbook"
	"vaxbook/audit"
)

// ListLimit bounds a listing: the operators' page shows the newest 200.
const ListLimit = 200

// ActionRetry is the audit log's action of a message sent back in line.
const ActionRetry = "outbox_retry"

// Service answers the operators' outbox routes. Create it with New.
type Service struct {
	store vaxbook.Outbox
	audit *audit.Service
	clock vaxbook.Clock
}

// New returns the service.
func New(store vaxbook.Outbox, audit *audit.Service, clock vaxbook.Clock) *Service {
	return &Service{store: store, audit: audit, clock: clock}
}

// List returns up to ListLimit messages in the status, dead letters when status is
// empty, so that an operator sees what could not be delivered.
func (s *Service) List(ctx context.Context, status vaxbook.OutboxStatus) ([]vaxbook.OutboxMessage, error) {
	if status == "" {
		status = vaxbook.OutboxDead
	}
	return s.store.OutboxMessages(ctx, status, ListLimit)
}

// Retry puts the dead message id back in line now and audits it as done by the
// operator; the store's CodeNotFound when there is no dead message with that id.
func (s *Service) Retry(ctx context.Context, id int64) error {
	if err := s.store.RetryDead(ctx, id, s.clock.Now()); err != nil {
		return err
	}
	s.audit.Operated(ctx, ActionRetry, strconv.FormatInt(id, 10))
	return nil
}
