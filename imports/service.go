package imports

import (
	"context"
	"fmt"
	"io"

	"vaxbook/audit"
)

// ActionImport is the audit log's action of an applied file.
const ActionImport = "import"

// Service applies the operators' files and records each one applied in the audit log.
// Create it with NewService.
type Service struct {
	store Store
	audit *audit.Service
}

// NewService returns the service.
func NewService(store Store, audit *audit.Service) *Service {
	return &Service{store: store, audit: audit}
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
	s.audit.Operated(ctx, ActionImport, fmt.Sprintf("%s: %d lines, campaign %d", kind, n, campaignID))
	return n, nil
}
