package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"vaxbook"
)

var _ vaxbook.OutboxPruner = (*Store)(nil)

// PruneOutbox deletes up to limit old sent rows, then, if the batch has room, old dead
// rows, in one write transaction: a batch holds the single writer for milliseconds.
// Sent rows are found through the partial index on sent_at, dead ones through theirs.
func (s *Store) PruneOutbox(ctx context.Context, sentBefore, deadBefore time.Time, limit int) (int, error) {
	var n int64
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
				WHERE status = 'sent' AND sent_at < ? ORDER BY sent_at LIMIT ?)`,
			sentBefore.UnixMicro(), limit)
		if err != nil {
			return fmt.Errorf("prune sent messages: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil || n >= int64(limit) {
			return err
		}
		res, err = tx.ExecContext(ctx, `
			DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
				WHERE status = 'dead' AND next_attempt_at < ? ORDER BY id LIMIT ?)`,
			deadBefore.UnixMicro(), int64(limit)-n)
		if err != nil {
			return fmt.Errorf("prune dead messages: %w", err)
		}
		dead, err := res.RowsAffected()
		n += dead
		return err
	})
	return int(n), err
}
