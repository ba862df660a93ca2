package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"vaxbook"
)

// BookInFlight runs the statements of one booking in a transaction it leaves open, so
// that a test can hold a booking between its share update and its commit. The caller
// commits or rolls back the transaction returned.
func (s *Store) BookInFlight(ctx context.Context, req vaxbook.BookRequest) (pgx.Tx, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := book(ctx, tx, req); err != nil {
		_ = tx.Rollback(ctx)
		return nil, err
	}
	return tx, nil
}

// WaitsForLock reports whether a session of the store's database is waiting for a lock
// in a statement that contains text.
func (s *Store) WaitsForLock(ctx context.Context, text string) (bool, error) {
	var waiting bool
	err := s.pool.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'
				AND strpos(query, $1) > 0 AND pid <> pg_backend_pid())`, text).Scan(&waiting)
	return waiting, err
}
