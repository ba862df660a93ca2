package loadgen

import (
	"context"
	"fmt"
	"strings"

	"vaxbook"
	"vaxbook/postgres"
	"vaxbook/sqlite"
)

// audit opens the server's database and counts invariant violations from the rows.
// It only reads: no migration is applied, the server having done that.
func audit(ctx context.Context, database string, campaign int64, res *Result) error {
	var (
		store interface {
			Audit(context.Context, int64) (vaxbook.Audit, error)
			Close() error
		}
		err error
	)
	if strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://") {
		store, err = postgres.Open(ctx, database)
	} else {
		store, err = sqlite.Open(ctx, strings.TrimPrefix(strings.TrimPrefix(database, "sqlite://"), "sqlite:"))
	}
	if err != nil {
		return fmt.Errorf("loadgen: open database for the audit: %w", err)
	}
	defer store.Close()
	a, err := store.Audit(ctx, campaign)
	if err != nil {
		return fmt.Errorf("loadgen: audit: %w", err)
	}
	res.Audit = &AuditJSON{a.Overbooked, a.DoubleBooked, a.CounterDrift, a.ActiveReservations, a.BookedTotal}
	res.InvariantViolations = a.Overbooked + a.DoubleBooked + a.CounterDrift
	return nil
}
