package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"vaxbook"
)

// withdrawMessages deletes, inside tx, the unsent messages about reservation id that
// tell the person they hold it (booked, changed, confirmed, reminder), so that a
// reservation cancelled or changed is never announced or reminded afterwards. The
// cancelled message is kept. Dead rows go too: an operator's retry must not send them.
// The rows are found by their idempotency keys, through the unique index.
func withdrawMessages(ctx context.Context, tx *sql.Tx, id int64) error {
	keys := vaxbook.HoldingMessageKeys(id)
	_, err := tx.ExecContext(ctx, `
		DELETE FROM outbox WHERE idempotency_key IN (?, ?, ?, ?) AND status IN ('pending', 'dead')`,
		keys[0], keys[1], keys[2], keys[3])
	if err != nil {
		return fmt.Errorf("withdraw messages of reservation %d: %w", id, err)
	}
	return nil
}

// withdrawOffers deletes, inside tx, the unsent (pending or dead) offer messages of the
// standby entries ids, in the transaction that ends their offers (expired, declined,
// accepted): a text telling a person a dose is theirs to accept must not go out once it
// no longer is. As with withdrawMessages, a row a sender already holds still goes out.
func withdrawOffers(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	keys := make([]any, len(ids))
	for i, id := range ids {
		keys[i] = vaxbook.IdempotencyKey(vaxbook.KindStandbyOffer, id)
	}
	_, err := tx.ExecContext(ctx, `
		DELETE FROM outbox WHERE idempotency_key IN (?`+strings.Repeat(", ?", len(ids)-1)+`)
			AND status IN ('pending', 'dead')`, keys...)
	if err != nil {
		return fmt.Errorf("withdraw offer messages of standby entries %v: %w", ids, err)
	}
	return nil
}

// markReplaced records, inside the change's transaction, that reservation old was
// released for reservation new, so that statistics count cancellations by persons
// from the reservations alone, not from outbox rows that are pruned.
func markReplaced(ctx context.Context, tx *sql.Tx, old, new int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE reservations SET replaced_by = ? WHERE id = ?`, new, old); err != nil {
		return fmt.Errorf("mark reservation %d replaced: %w", old, err)
	}
	return nil
}
