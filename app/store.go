package app

import (
	"context"
	"fmt"
	"strings"

	"vaxbook"
	"vaxbook/metrics"
	"vaxbook/postgres"
	"vaxbook/sqlite"
)

// EngineName names the engine a database setting selects.
func EngineName(database string) string {
	if strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://") {
		return "postgres"
	}
	return "sqlite"
}

// OpenStore opens the store named by the database setting and applies the embedded
// migrations: a postgres:// URL opens PostgreSQL, anything else is an SQLite file.
func OpenStore(ctx context.Context, database string) (vaxbook.Store, error) {
	if EngineName(database) == "postgres" {
		s, err := postgres.Open(ctx, database)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		if err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, fmt.Errorf("migrate postgres: %w", err)
		}
		return s, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(database, "sqlite://"), "sqlite:")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate sqlite %s: %w", path, err)
	}
	return s, nil
}

// registerPool exports the database pool's state to the metrics.
func registerPool(m *metrics.Metrics, s vaxbook.Store) {
	switch st := s.(type) {
	case *postgres.Store:
		m.RegisterPGPool(st.PoolStat)
	case *sqlite.Store:
		m.RegisterSQLDB("sqlite_write", st.WriteDB())
	}
}
