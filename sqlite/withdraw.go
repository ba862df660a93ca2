package sqlite

import (
	"context"
	"database/sql"
	"fmt"

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

// markReplaced records, inside the change's transaction, that reservation old was
// released for reservation new, so that statistics count cancellations by persons
// from the reservations alone, not from outbox rows that are pruned.
func markReplaced(ctx context.Context, tx *sql.Tx, old, new int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE reservations SET replaced_by = ? WHERE id = ?`, new, old); err != nil {
		return fmt.Errorf("mark reservation %d replaced: %w", old, err)
	}
	return nil
}
