package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"vaxbook"
)

// withdrawMessages deletes, inside tx, the unsent messages about reservation id that
// tell the person they hold it (booked, changed, confirmed, reminder), so that a
// reservation cancelled or changed is never announced or reminded afterwards. The
// cancelled message is kept. Dead rows go too: an operator's retry must not send them.
// The rows are found by their idempotency keys, through the unique index. A worker's
// claim holds its rows' locks only for its own statement, so this never waits long;
// a row already handed to a sender is sent, as it would have been a moment earlier.
func withdrawMessages(ctx context.Context, tx pgx.Tx, id int64) error {
	keys := vaxbook.HoldingMessageKeys(id)
	_, err := tx.Exec(ctx, `
		DELETE FROM outbox WHERE idempotency_key = ANY ($1::text[]) AND status IN ('pending', 'dead')`,
		keys[:])
	return dbError(err, "withdraw messages")
}

// withdrawOffers deletes, inside tx, the unsent (pending or dead) offer messages of the
// standby entries ids, in the transaction that ends their offers (expired, declined,
// accepted): a text telling a person a dose is theirs to accept must not go out once it
// no longer is. As with withdrawMessages, a row a sender already holds still goes out.
func withdrawOffers(ctx context.Context, tx pgx.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = vaxbook.IdempotencyKey(vaxbook.KindStandbyOffer, id)
	}
	_, err := tx.Exec(ctx, `
		DELETE FROM outbox WHERE idempotency_key = ANY ($1::text[]) AND status IN ('pending', 'dead')`,
		keys)
	return dbError(err, "withdraw standby offers")
}

// markReplaced records, inside the change's transaction, that reservation old was
// released for reservation new, so that statistics count cancellations by persons
// from the reservations alone, not from outbox rows that are pruned.
func markReplaced(ctx context.Context, tx pgx.Tx, old, new int64) error {
	_, err := tx.Exec(ctx, `UPDATE reservations SET replaced_by = $2 WHERE id = $1`, old, new)
	return dbError(err, "mark replaced")
}
