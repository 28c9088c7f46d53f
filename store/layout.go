package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"tapdb/schema"
)

// flowsTable is the one table that holds every flow record, appended in
// time order: the name people and tools query. Its derived columns (dur,
// pkts, rate, load, …) are virtual generated columns, computed when read
// and bound only when a statement names them, so a statement's fixed cost
// is that of a plain table whatever the columns (a view computing them
// costs a millisecond more to bind at every statement).
const flowsTable = "flows"

// stagingTable holds the records moved out of a first-layout store's
// partitions while its flows view still exists; it is renamed to
// flowsTable when the last partition has moved.
const stagingTable = "tapdb_flows"

// Granularity is the width of a period: the unit in which time ranges of
// the store are sealed (and exported).
type Granularity int

const (
	Hour Granularity = iota + 1
	Day
	Month
)

// ParseGranularity reads "hour", "day" or "month".
func ParseGranularity(s string) (Granularity, error) {
	switch s {
	case "hour":
		return Hour, nil
	case "day":
		return Day, nil
	case "month":
		return Month, nil
	}
	return 0, fmt.Errorf("period width %q: want hour, day or month", s)
}

func (g Granularity) String() string {
	switch g {
	case Hour:
		return "hour"
	case Day:
		return "day"
	case Month:
		return "month"
	}
	return fmt.Sprintf("Granularity(%d)", int(g))
}

// Bounds returns the period [lo, hi) that holds t, in UTC.
func (g Granularity) Bounds(t time.Time) (lo, hi time.Time) {
	t = t.UTC()
	switch g {
	case Hour:
		lo = t.Truncate(time.Hour)
		return lo, lo.Add(time.Hour)
	case Month:
		lo = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return lo, lo.AddDate(0, 1, 0)
	default:
		lo = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return lo, lo.AddDate(0, 0, 1)
	}
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// CreateTableSQL is the DDL of the flows table under the given name, from
// the column table: the stored columns, then the derived ones as virtual
// generated columns. The store makes its table (and a migration's staging
// table) with it; tests that serve a table of their own use it too.
func CreateTableSQL(name string) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE IF NOT EXISTS " + schema.QuoteIdent(name) + " (")
	for i, c := range schema.Columns() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(schema.QuoteIdent(c.Name) + " " + c.Type)
		if !c.Stored() {
			b.WriteString(" GENERATED ALWAYS AS (" + c.Expr + ") VIRTUAL")
		}
	}
	b.WriteString(")")
	return b.String()
}

// storedList is the stored columns' names, quoted, comma-separated.
func storedList() string {
	var names []string
	for _, c := range schema.StoredColumns() {
		names = append(names, schema.QuoteIdent(c.Name))
	}
	return strings.Join(names, ", ")
}

// migrationViewSQL is the flows view of a store being migrated from the
// first layout: the staging table and the partitions not yet moved into
// it (whose columns are legacyCols), with the derived columns computed as
// the first layout's view did.
func migrationViewSQL(legacy []legacyPartition, legacyCols []string) string {
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE VIEW flows AS SELECT " + viewList())
	b.WriteString(" FROM (SELECT " + storedList() + " FROM " + stagingTable)
	for _, p := range legacy {
		fmt.Fprintf(&b, " UNION ALL SELECT %s FROM %s", selectFrom(legacyCols), schema.QuoteIdent(p.Name))
	}
	b.WriteString(") AS f")
	return b.String()
}

// createLayout makes sure the flows table exists; a first-layout store
// (a flows view over partition tables) is migrated into it first (see
// migratePartitions).
func (s *Store) createLayout(ctx context.Context) error {
	db := s.DB()
	first, err := isFirstLayout(ctx, db)
	if err != nil {
		return err
	}
	if first {
		return s.migratePartitions(ctx)
	}
	if _, err := db.ExecContext(ctx, CreateTableSQL(flowsTable)); err != nil {
		return fmt.Errorf("create %s: %w", flowsTable, err)
	}
	if err := s.rebuildStale(ctx); err != nil {
		return err
	}
	// Migration 0001 makes the first layout's catalog in every store; a
	// store of the second layout has no use for it.
	if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS tapdb_partitions"); err != nil {
		return fmt.Errorf("drop the first layout's catalog: %w", err)
	}
	return nil
}

// isFirstLayout reports whether the store still has the first layout's
// flows view, with or without partitions left to move.
func isFirstLayout(ctx context.Context, q queryer) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND view_name = 'flows'").Scan(&n); err != nil {
		return false, fmt.Errorf("look for the first layout's flows view: %w", err)
	}
	return n > 0, nil
}
