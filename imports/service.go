package imports

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"vaxbook"
)

// Recorder writes entries to the persistent audit log; every store is one.
type Recorder interface {
	RecordAudit(ctx context.Context, e vaxbook.AuditEntry) error
}

// ActionImport is the audit log's action of an applied file.
const ActionImport = "import"

// Service applies the operators' files and records each one applied in the audit log.
// Create it with NewService.
type Service struct {
	store Store
	audit Recorder
	clock vaxbook.Clock
	log   *slog.Logger
}

// NewService returns the service. log may be nil.
func NewService(store Store, audit Recorder, clock vaxbook.Clock, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, audit: audit, clock: clock, log: log}
}

// Import applies the file of kind read from in to campaignID (used by capacities and
// eligible counts) as the package function Import does, with its errors, and audits it
// as done by the operator once applied. A failure to write the entry is logged, not
// returned: the file is applied.
func (s *Service) Import(ctx context.Context, kind Kind, in io.Reader, campaignID int64) (int, error) {
	n, err := Import(ctx, kind, in, Target{Store: s.store, CampaignID: campaignID})
	if err != nil {
		return 0, err
	}
	what := fmt.Sprintf("%s: %d lines, campaign %d", kind, n, campaignID)
	s.log.Info("operator action", "action", ActionImport, "what", what)
	if err := s.audit.RecordAudit(ctx, vaxbook.AuditEntry{At: s.clock.Now(), Actor: "operator", Action: ActionImport, Detail: what}); err != nil {
		s.log.Error("audit log", "action", ActionImport, "err", err)
	}
	return n, nil
}
