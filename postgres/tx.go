package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// txAttempts bounds how often a transaction aborted by a serialization failure or a
// deadlock is run again before the caller gets CodeConflict. PostgreSQL at READ
// COMMITTED raises these only for crossing lock orders (two changes swapping sites);
// distributed engines running SERIALIZABLE raise 40001 more often.
const txAttempts = 4

// inTx runs fn in a READ COMMITTED transaction (the server default) and commits it,
// running it again from the start when it failed retryably. fn must have no effects
// outside the transaction. The error is translated by dbError.
func (s *Store) inTx(ctx context.Context, doing string, fn func(pgx.Tx) error) error {
	var err error
	for range txAttempts {
		err = s.tryTx(ctx, fn)
		if !retryable(err) {
			break
		}
	}
	return dbError(err, doing)
}

func (s *Store) tryTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// Rollback after a commit is a no-op; it also returns the connection cleanly
	// when fn fails or panics.
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
