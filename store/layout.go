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
// time order. People and tools query the flows view over it, which adds
// the derived columns.
const flowsTable = "tapdb_flows"

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

type queryExecer interface {
	queryer
	execer
}

// createFlowsSQL is the DDL of the flows table, from the column table.
func createFlowsSQL() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE IF NOT EXISTS " + flowsTable + " (")
	for i, c := range schema.StoredColumns() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteIdent(c.Name) + " " + c.Type)
	}
	b.WriteString(")")
	return b.String()
}

// storedList is the stored columns' names, quoted, comma-separated.
func storedList() string {
	var names []string
	for _, c := range schema.StoredColumns() {
		names = append(names, quoteIdent(c.Name))
	}
	return strings.Join(names, ", ")
}

// viewSQL builds the flows view: the stored columns of the flows table,
// then the derived ones. legacy names first-layout partition tables not yet
// moved into the flows table (only while a migration is under way); each
// is unioned in with its own range guard.
func viewSQL(legacy []legacyPartition) string {
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE VIEW flows AS SELECT ")
	for i, c := range schema.Columns() {
		if i > 0 {
			b.WriteString(", ")
		}
		if c.Stored() {
			b.WriteString(quoteIdent(c.Name))
		} else {
			b.WriteString("(" + c.Expr + ") AS " + quoteIdent(c.Name))
		}
	}
	if len(legacy) == 0 {
		b.WriteString(" FROM " + flowsTable)
		return b.String()
	}
	cols := storedList()
	b.WriteString(" FROM (SELECT " + cols + " FROM " + flowsTable)
	for _, p := range legacy {
		fmt.Fprintf(&b, " UNION ALL SELECT %s FROM %s", cols, quoteIdent(p.Name))
	}
	b.WriteString(") AS f")
	return b.String()
}

// createLayout makes sure the flows table and view exist, moving the
// partitions of a first-layout store into the table first (see
// migratePartitions).
func (s *Store) createLayout(ctx context.Context) error {
	db := s.DB()
	if _, err := db.ExecContext(ctx, createFlowsSQL()); err != nil {
		return fmt.Errorf("create %s: %w", flowsTable, err)
	}
	if err := s.migratePartitions(ctx); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, viewSQL(nil)); err != nil {
		return fmt.Errorf("create flows view: %w", err)
	}
	return nil
}
