package vaxbook

import (
	"context"
	"time"
)

// holdingKinds are the messages that tell a person they hold a reservation. Once the
// reservation is cancelled or changed, any of them not yet sent is withdrawn in the same
// transaction: a resident is never reminded of an appointment they no longer hold.
var holdingKinds = [4]MessageKind{KindBooked, KindChanged, KindConfirmed, KindReminder}

// HoldingMessageKeys returns the idempotency keys of the messages about a reservation
// that a cancellation or change withdraws when they are still unsent (pending or dead).
// The cancelled message is not among them.
func HoldingMessageKeys(reservationID int64) [4]string {
	var keys [4]string
	for i, k := range holdingKinds {
		keys[i] = IdempotencyKey(k, reservationID)
	}
	return keys
}

// Default outbox retention. Sent rows are kept a month, long enough for a complaint
// ("I never got the text") to be looked up; dead rows, which an operator has to act
// on, are kept a quarter unless retried first. Both stores index the columns pruning
// reads, so a prune batch is a short range scan.
const (
	DefaultSentRetention = 30 * 24 * time.Hour
	DefaultDeadRetention = 90 * 24 * time.Hour
)

// MinOutboxRetention is the shortest time sent and dead rows may be kept. The reminder
// job writes the reminders of a vaccination date all through the day before it, and
// tells a reservation already reminded by its outbox row ("reminder:<id>"): a row pruned
// before that day is over would have the reminder written, and sent, again. Two days
// cover that day whatever the hour the reminder went out (or died).
const MinOutboxRetention = 48 * time.Hour

// OutboxPruner deletes old outbox rows. Both stores implement it. Pending rows are
// never pruned, whatever their age: nothing is lost that has not been delivered or
// given up on.
type OutboxPruner interface {
	// PruneOutbox deletes up to limit rows, oldest first, that were sent before
	// sentBefore or went dead (last attempted) before deadBefore, in one short
	// transaction, and returns how many it deleted; 0 means none is left.
	PruneOutbox(ctx context.Context, sentBefore, deadBefore time.Time, limit int) (int, error)
}
