// Package postgres implements vaxbook.Store on PostgreSQL through pgx. Its SQL stays
// within what PostgreSQL-wire distributed engines (CockroachDB, YugabyteDB) run: no
// triggers, no stored procedures, no advisory locks.
package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"vaxbook"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store implements every capability of vaxbook.Store; the compiler checks it here, so
// no caller ever asks at run time whether this engine has one.
var _ vaxbook.Store = (*Store)(nil)

// Store is the PostgreSQL system of record. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects a pool to the database at url (a postgres:// URL, which may carry
// search_path and pool_max_conns). It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse postgres url: %w", err)
	}
	// The default extended protocol with a statement cache stays on: the simple
	// protocol would interpolate arguments on the client.
	if !strings.Contains(url, "pool_max_conns") {
		// pgx's default (4 on 2 cores) leaves requests queueing for a connection in a
		// surge while the server idles; sessions, searches and the group committer's
		// batches all need their own.
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping postgres: %w", err)
	}
	return &Store{pool: pool}, nil
}

// defaultMaxConns is the pool size unless the URL sets pool_max_conns.
const defaultMaxConns = 32

// PoolStat reports the connection pool's state, for metrics.
func (s *Store) PoolStat() *pgxpool.Stat { return s.pool.Stat() }

// Migrate applies the embedded migrations that have not run yet.
func (s *Store) Migrate(ctx context.Context) error {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, dir)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}
