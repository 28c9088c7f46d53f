package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"tapdb/schema"
)

// Granularity is the width of a time partition.
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
	return 0, fmt.Errorf("partition width %q: want hour, day or month", s)
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

// Bounds returns the partition [lo, hi) that holds t, in UTC.
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

// TableName is the partition table for the partition starting at lo.
func (g Granularity) TableName(lo time.Time) string {
	lo = lo.UTC()
	switch g {
	case Hour:
		return "flows_h" + lo.Format("2006010215")
	case Month:
		return "flows_m" + lo.Format("200601")
	default:
		return "flows_d" + lo.Format("20060102")
	}
}

// Partition is one time partition of the store.
type Partition struct {
	Name   string
	Lo, Hi time.Time
	Rows   int64 // filled by Partitions
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func listPartitions(ctx context.Context, q queryer) ([]Partition, error) {
	rows, err := q.QueryContext(ctx, "SELECT name, lo, hi FROM tapdb_partitions ORDER BY lo")
	if err != nil {
		return nil, fmt.Errorf("list partitions: %w", err)
	}
	defer rows.Close()
	var out []Partition
	for rows.Next() {
		var p Partition
		if err := rows.Scan(&p.Name, &p.Lo, &p.Hi); err != nil {
			return nil, fmt.Errorf("list partitions: %w", err)
		}
		p.Lo, p.Hi = p.Lo.UTC(), p.Hi.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// Partitions lists the store's partitions, oldest first, with row counts.
func (s *Store) Partitions(ctx context.Context) ([]Partition, error) {
	parts, err := listPartitions(ctx, s.DB())
	if err != nil {
		return nil, err
	}
	for i := range parts {
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM "+quoteIdent(parts[i].Name)).Scan(&parts[i].Rows); err != nil {
			return nil, fmt.Errorf("count partition %s: %w", parts[i].Name, err)
		}
	}
	return parts, nil
}

// emptyTable is a partition-shaped table that is never written; the flows
// view reads it when there are no partitions yet, so the view always exists
// with the full column list.
const emptyTable = "tapdb_flows_empty"

// createTableSQL is the DDL of a partition-shaped table, from the column table.
func createTableSQL(name string) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE IF NOT EXISTS ")
	b.WriteString(quoteIdent(name))
	b.WriteString(" (")
	for i, c := range schema.StoredColumns() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteIdent(c.Name))
		b.WriteByte(' ')
		b.WriteString(c.Type)
	}
	b.WriteString(")")
	return b.String()
}

// viewSQL builds the flows view over the given partitions.
func viewSQL(parts []Partition) string {
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
	b.WriteString(" FROM (")
	if len(parts) == 0 {
		b.WriteString("SELECT * FROM " + emptyTable)
	}
	for i, p := range parts {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&b, "SELECT * FROM %s WHERE stime >= TIMESTAMPTZ '%s' AND stime < TIMESTAMPTZ '%s'",
			quoteIdent(p.Name), p.Lo.Format("2006-01-02 15:04:05+00"), p.Hi.Format("2006-01-02 15:04:05+00"))
	}
	b.WriteString(") AS p")
	return b.String()
}

// rebuildView recreates the flows view from tapdb_partitions.
func (s *Store) rebuildView(ctx context.Context, db interface {
	queryer
	execer
}) error {
	if _, err := db.ExecContext(ctx, createTableSQL(emptyTable)); err != nil {
		return fmt.Errorf("create %s: %w", emptyTable, err)
	}
	parts, err := listPartitions(ctx, db)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, viewSQL(parts)); err != nil {
		return fmt.Errorf("create flows view: %w", err)
	}
	return nil
}

// ensurePartition makes sure the partition [lo, hi) exists, creating it,
// registering it and rebuilding the flows view in one transaction if not.
// It reports whether it created the partition.
func (s *Store) ensurePartition(ctx context.Context, name string, lo, hi time.Time) (bool, error) {
	s.gate.lock()
	defer s.gate.unlock()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("create partition %s: %w", name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM tapdb_partitions WHERE name = ?", name).Scan(&n); err != nil {
		return false, fmt.Errorf("look up partition %s: %w", name, err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, createTableSQL(name)); err != nil {
		return false, fmt.Errorf("create partition %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO tapdb_partitions (name, lo, hi) VALUES (?, ?, ?)", name, lo, hi); err != nil {
		return false, fmt.Errorf("register partition %s: %w", name, err)
	}
	if err := s.rebuildView(ctx, tx); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("create partition %s: %w", name, err)
	}
	s.log.Info("created partition", "name", name, "lo", lo, "hi", hi)
	return true, nil
}

// DropPartitionsBefore drops every partition whose range ends at or before
// cutoff and returns their names. Whole tables are dropped, never rows.
func (s *Store) DropPartitionsBefore(ctx context.Context, cutoff time.Time) ([]string, error) {
	s.gate.lock()
	defer s.gate.unlock()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	defer tx.Rollback()
	parts, err := listPartitions(ctx, tx)
	if err != nil {
		return nil, err
	}
	var dropped []string
	for _, p := range parts {
		if p.Hi.After(cutoff) {
			continue
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM tapdb_partitions WHERE name = ?", p.Name); err != nil {
			return nil, fmt.Errorf("retention: unregister %s: %w", p.Name, err)
		}
		dropped = append(dropped, p.Name)
	}
	if len(dropped) == 0 {
		return nil, nil
	}
	// The view must stop naming the tables before they can be dropped.
	if err := s.rebuildView(ctx, tx); err != nil {
		return nil, err
	}
	for _, name := range dropped {
		if _, err := tx.ExecContext(ctx, "DROP TABLE "+quoteIdent(name)); err != nil {
			return nil, fmt.Errorf("retention: drop %s: %w", name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("retention: commit: %w", err)
	}
	for _, name := range dropped {
		s.log.Info("dropped partition", "name", name)
	}
	return dropped, nil
}

func expandTable(sqlText, table string) string {
	return strings.ReplaceAll(sqlText, "{{table}}", quoteIdent(table))
}
