package campaigns

import (
	"context"
	"fmt"

	"vaxbook"
	"vaxbook/audit"
)

// Forgetter keeps campaigns in a cache that a change must clear, such as the booking
// service's.
type Forgetter interface {
	Forget(campaignID int64)
}

// ForgetIn returns the listener that drops the changed campaign from f's cache, so that
// this instance books by the new definition at once; other instances follow within
// their cache's lifetime.
func ForgetIn(f Forgetter) Listener {
	return func(_ context.Context, ch Change) error {
		f.Forget(ch.Campaign.ID)
		return nil
	}
}

// RefreshWindows hands the windows of every campaign to set. The waiting room holds
// and shuffles its line by them, so it is called after every change here and
// periodically on every instance for the changes made on the others.
func RefreshWindows(ctx context.Context, store vaxbook.Campaigns, set func([]vaxbook.Window)) error {
	cs, err := store.Campaigns(ctx)
	if err != nil {
		return fmt.Errorf("read campaigns for their windows: %w", err)
	}
	set(vaxbook.AllWindows(cs))
	return nil
}

// WindowsTo returns the listener that hands the windows of every campaign to set
// (RefreshWindows) after each change.
func WindowsTo(store vaxbook.Campaigns, set func([]vaxbook.Window)) Listener {
	return func(ctx context.Context, _ Change) error {
		return RefreshWindows(ctx, store, set)
	}
}

// AuditTo returns the listener that records each change, as done by the operator, in
// the service log and the audit log.
func AuditTo(a *audit.Service) Listener {
	return func(ctx context.Context, ch Change) error {
		c := ch.Campaign
		a.Operated(ctx, ch.Action, fmt.Sprintf("campaign %d %q: %s – %s, %d windows", c.ID, c.Name, c.VaccinationFrom, c.VaccinationTo, len(c.Windows)))
		return nil
	}
}
