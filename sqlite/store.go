// Package sqlite implements vaxbook.Store on an embedded SQLite database through the
// pure-Go driver modernc.org/sqlite, so the default build needs no cgo and no server.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"vaxbook"
)

// Store implements every capability of vaxbook.Store; the compiler checks it here, so
// no caller ever asks at run time whether this engine has one.
var _ vaxbook.Store = (*Store)(nil)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the SQLite system of record. SQLite admits one writer at a time even in WAL
// mode, so every transaction that writes goes through write, a pool of exactly one
// connection that begins with BEGIN IMMEDIATE: writers queue in the pool instead of
// failing with SQLITE_BUSY when a read lock cannot be upgraded. Reads go through read,
// which has several connections and, in WAL mode, never waits for the writer.
type Store struct {
	write *sql.DB
	read  *sql.DB
}

// pragmas are set on every connection: the driver has no busy timeout by default, and WAL
// lets readers run beside the writer. synchronous(FULL) fsyncs the WAL at every commit:
// with NORMAL a committed transaction survives a process crash but may be lost on a
// power failure, and a booking must be durable before it is acknowledged. The fsync per
// commit is what the group commit (Book and SignIn with many requests, package batch)
// amortises.
const pragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"

// Open opens the database file at path, creating it if needed. It does not migrate: call
// Migrate (the migrate subcommand does) before using the store.
func Open(ctx context.Context, path string) (*Store, error) {
	dsn := path + "?" + pragmas
	// The writer keeps a 64 MiB page cache (the default is 2 MiB) so that loading and
	// booking into millions of share rows stays off the disk.
	write, err := sql.Open("sqlite", dsn+"&_pragma=cache_size(-65536)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	// query_only makes a read connection refuse writes, so a write sent to the wrong
	// pool fails loudly instead of racing the writer.
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	s := &Store{write: write, read: read}
	// The write connection goes first: it creates the file and switches it to WAL,
	// which a query_only connection could not do.
	if err := write.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := read.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return s, nil
}

// WriteDB returns the single-writer pool, for metrics.
func (s *Store) WriteDB() *sql.DB { return s.write }

// Migrate applies the embedded migrations that have not been applied yet, each in its
// own transaction.
func (s *Store) Migrate(ctx context.Context) error {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.write, dir)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.write.Close(), s.read.Close())
}

// inWrite runs fn in a write transaction and commits it if fn returns nil. Errors come
// back through translate so that constraint violations carry domain codes.
func (s *Store) inWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return translate(err)
	}
	if err := tx.Commit(); err != nil {
		return translate(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// inRead runs fn in a read transaction, which sees one snapshot of the database.
func (s *Store) inRead(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return translate(fmt.Errorf("begin read: %w", err))
	}
	defer tx.Rollback()
	return translate(fn(tx))
}
