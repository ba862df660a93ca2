package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"vaxbook"
)

var _ vaxbook.OutboxPruner = (*Store)(nil)

// PruneOutbox deletes up to limit old sent rows, then, if the batch has room, old dead
// rows, in one short transaction. Sent rows are found through the partial index on
// sent_at, dead ones through theirs. The outer WHERE repeats the status condition: a
// dead row an operator sends back to pending while the batch runs is re-checked under
// READ COMMITTED and kept.
func (s *Store) PruneOutbox(ctx context.Context, sentBefore, deadBefore time.Time, limit int) (int, error) {
	var n int64
	err := s.inTx(ctx, "prune outbox", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			DELETE FROM outbox WHERE status = 'sent' AND sent_at < $1 AND id IN (
				SELECT id FROM outbox WHERE status = 'sent' AND sent_at < $1 ORDER BY sent_at LIMIT $2)`,
			sentBefore, limit)
		if err != nil {
			return err
		}
		if n = tag.RowsAffected(); n >= int64(limit) {
			return nil
		}
		tag, err = tx.Exec(ctx, `
			DELETE FROM outbox WHERE status = 'dead' AND next_attempt_at < $1 AND id IN (
				SELECT id FROM outbox WHERE status = 'dead' AND next_attempt_at < $1 ORDER BY id LIMIT $2)`,
			deadBefore, int64(limit)-n)
		n += tag.RowsAffected()
		return err
	})
	return int(n), err
}
