package vaxbook

import (
	"context"
	"time"
)

// DeliveryPlan is how many doses of a vaccine product a site receives for a vaccination
// date. The fixing job assigns each reservation the product a site's plan holds most
// doses of that day.
type DeliveryPlan struct {
	SiteID  int64
	Date    Date
	Product string
	Doses   int
}

// Jobs is what the lifecycle jobs need of a store: fixing, reminders, the plans they
// read and a lease so that one instance runs a job at a time. Both stores implement it.
// Every batch is a short transaction of its own, so a job never holds locks that a
// booking waits on for long, and a crash loses at most the batch in flight.
type Jobs interface {
	// FixBatch confirms up to limit active reservations for vaccination date d that
	// have no product yet (booked ones, and ones confirmed at once when booked inside
	// the 14 days), assigns each the product of its site's delivery plan for d (or
	// defaultProduct when there is none), and writes a "confirmed" outbox row for each,
	// all in one transaction. It returns how many it fixed; 0 means none is left
	// (or the rest are locked by a change or cancel in flight, on PostgreSQL).
	FixBatch(ctx context.Context, d Date, at time.Time, defaultProduct string, limit int) (int, error)
	// RemindBatch writes a "reminder" outbox row for up to limit confirmed
	// reservations for d that have none yet, and returns how many it wrote.
	RemindBatch(ctx context.Context, d Date, at time.Time, limit int) (int, error)
	// PutDeliveryPlans inserts or replaces plans by site, date and product.
	PutDeliveryPlans(ctx context.Context, plans []DeliveryPlan) error
	// Product returns the product assigned to a reservation, "" before it is fixed.
	Product(ctx context.Context, reservationID int64) (string, error)
	// AcquireLease takes or renews the named lease for holder until now+ttl. It
	// reports false while another holder's lease has not expired. A lease is a row,
	// not an advisory lock, because distributed PostgreSQL-wire engines lack those.
	AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	// ReleaseLease gives the lease up if holder holds it.
	ReleaseLease(ctx context.Context, name, holder string) error
}
