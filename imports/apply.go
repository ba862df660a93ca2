package imports

import (
	"context"
	"io"

	"vaxbook"
)

// Kind names a file kind, as in `vaxbook import sites FILE` and the API's path.
type Kind string

// The importable files.
const (
	KindSites      Kind = "sites"
	KindCapacities Kind = "capacities"
	KindPlans      Kind = "delivery-plans"
	KindEligible   Kind = "eligible"
)

// Store is what the imports write: sites and capacities, delivery plans (read by the
// jobs) and eligible counts.
type Store interface {
	vaxbook.Sites
	vaxbook.Jobs
	vaxbook.Population
}

// Target is where a file goes. CampaignID is needed by capacities and eligible counts.
type Target struct {
	Store      Store
	CampaignID int64
}

// Import parses and validates the whole file, then applies it in one store transaction
// and returns the number of lines applied. A file with any error is refused whole with
// Errors (every error found, each naming its line) and nothing applied. A store error
// (a site in a capacities file that does not exist: CodeNotFound; a capacity below what
// is booked: CodeConflict) also applies nothing.
func Import(ctx context.Context, kind Kind, in io.Reader, t Target) (int, error) {
	switch kind {
	case KindSites:
		sites, errs := Sites(in)
		if errs != nil {
			return 0, errs
		}
		return len(sites), t.Store.PutSites(ctx, sites)
	case KindCapacities:
		caps, errs := Capacities(in)
		if errs != nil {
			return 0, errs
		}
		return len(caps), t.Store.SetCapacities(ctx, t.CampaignID, caps)
	case KindPlans:
		plans, errs := DeliveryPlans(in)
		if errs != nil {
			return 0, errs
		}
		return len(plans), t.Store.PutDeliveryPlans(ctx, plans)
	case KindEligible:
		rows, errs := Eligible(in)
		if errs != nil {
			return 0, errs
		}
		return len(rows), t.Store.PutEligible(ctx, t.CampaignID, rows)
	}
	return 0, vaxbook.Errorf(vaxbook.CodeInvalidInput, "unknown import %q: one of sites, capacities, delivery-plans, eligible", kind)
}
