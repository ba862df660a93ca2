// Package audit keeps the trail of who did what to personal data and accounts: every
// read of residents' data by clinic staff, every operator action, every staff sign-in.
// The entries live in the store; this package writes them with the service's clock and
// lists them for the operators, leaving a trace of that listing too.
package audit

import (
	"context"
	"fmt"
	"log/slog"

	"vaxbook"
)

// The listing's bounds: the newest DefaultLimit entries unless more are asked for, at
// most MaxLimit.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Operator is the actor of the operators' actions.
const Operator = "operator"

// Store is the audit log in the system of record.
type Store interface {
	// RecordAudit appends one entry.
	RecordAudit(ctx context.Context, e vaxbook.AuditEntry) error
	// AuditLog returns the newest limit entries, newest first.
	AuditLog(ctx context.Context, limit int) ([]vaxbook.AuditEntry, error)
}

// Service writes and lists the audit log. Create it with New.
type Service struct {
	store Store
	clock vaxbook.Clock
	log   *slog.Logger
}

// New returns the service. log, which may be nil, receives operator actions and the
// entries that could not be written.
func New(store Store, clock vaxbook.Clock, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, clock: clock, log: log}
}

// Record writes one entry now. A read of personal data whose entry cannot be written
// must be refused: callers check the error before they show the data.
func (s *Service) Record(ctx context.Context, actor, action string, siteID int64, detail string) error {
	err := s.store.RecordAudit(ctx, vaxbook.AuditEntry{At: s.clock.Now(), Actor: actor, Action: action, SiteID: siteID, Detail: detail})
	if err != nil {
		return fmt.Errorf("audit %s by %s: %w", action, actor, err)
	}
	return nil
}

// Operated records an operator action that has already happened, in the service log
// and the audit log; a failure to write the entry is logged, not returned.
func (s *Service) Operated(ctx context.Context, action, what string) {
	s.log.Info("operator action", "action", action, "what", what)
	if err := s.Record(ctx, Operator, action, 0, what); err != nil {
		s.log.Error("audit log", "action", action, "err", err)
	}
}

// List returns the newest limit entries for the operators, newest first, after
// recording the listing itself, so that reading who read what leaves a trace too.
// CodeInvalidInput for a limit outside 1 to MaxLimit.
func (s *Service) List(ctx context.Context, limit int) ([]vaxbook.AuditEntry, error) {
	if limit < 1 || limit > MaxLimit {
		return nil, vaxbook.Errorf(vaxbook.CodeInvalidInput, "limit must be 1 to %d", MaxLimit)
	}
	if err := s.Record(ctx, Operator, vaxbook.AuditViewLog, 0, fmt.Sprintf("limit %d", limit)); err != nil {
		return nil, err
	}
	return s.store.AuditLog(ctx, limit)
}
