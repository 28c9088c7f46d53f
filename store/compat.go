package store

import (
	"context"
	"fmt"
	"tapdb/schema"
)

// readOlderLayout lets a store made by an older tapdb be read without
// being migrated (a read-only open cannot migrate): when its flows lacks
// today's columns, every connection gets a temporary view named flows
// that computes them from the old ones (pastColumns), so queries, filters
// and ra see today's columns.
func (s *Store) readOlderLayout(ctx context.Context) error {
	db := s.DB()
	rows, err := db.QueryContext(ctx, "SELECT * FROM flows LIMIT 0")
	if err != nil {
		return fmt.Errorf("read the columns of flows: %w", err)
	}
	have, err := rows.Columns()
	rows.Close()
	if err != nil {
		return fmt.Errorf("read the columns of flows: %w", err)
	}
	if current(have) {
		return nil
	}
	var catalog string
	if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&catalog); err != nil {
		return fmt.Errorf("read the store's catalog name: %w", err)
	}
	s.compatView = "CREATE OR REPLACE TEMP VIEW flows AS SELECT " + viewList() +
		" FROM (SELECT " + selectFrom(have) + " FROM " + schema.QuoteIdent(catalog) + ".main.flows) AS f"
	s.log.Info("reading a store made by an older tapdb through today's columns; open it read-write once to migrate it")
	db.Close()
	db, err = s.connect(ctx)
	if err != nil {
		return fmt.Errorf("open store %q again with today's columns: %w", s.nativePath, err)
	}
	s.db.Store(db)
	return nil
}
