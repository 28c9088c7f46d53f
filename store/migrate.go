package store

import (
	"context"
	"fmt"
	"tapdb/schema"
	"time"
)

// legacyPartition is a table of the first layout: one table per period
// (flows_d20261127, flows_h2026112705, flows_m202611) listed in
// tapdb_partitions and unioned by the flows view.
type legacyPartition struct {
	Name   string
	Lo, Hi time.Time
}

// listLegacy returns the first layout's partitions not yet moved, oldest
// first; none when the store has no tapdb_partitions table.
func listLegacy(ctx context.Context, q queryer) ([]legacyPartition, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'tapdb_partitions'").Scan(&n); err != nil {
		return nil, fmt.Errorf("look for first-layout partitions: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, "SELECT name, lo, hi FROM tapdb_partitions ORDER BY lo")
	if err != nil {
		return nil, fmt.Errorf("list first-layout partitions: %w", err)
	}
	defer rows.Close()
	var out []legacyPartition
	for rows.Next() {
		var p legacyPartition
		if err := rows.Scan(&p.Name, &p.Lo, &p.Hi); err != nil {
			return nil, fmt.Errorf("list first-layout partitions: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// migratePartitions moves a first-layout store into the flows table, one
// partition per transaction, oldest first, each partition's rows in stime
// order so the table is time-ordered. The rows go to a staging table while
// the first layout's flows view exists; each transaction appends a
// partition's rows, unregisters and drops the partition and points the
// view at what remains, so a store killed mid-migration (kill -9) is
// consistent at every step: no flow is lost or doubled, and the next Open
// resumes with the partitions left. A last transaction replaces the view
// by the staging table, renamed flows, and drops the first layout's
// catalog tables.
func (s *Store) migratePartitions(ctx context.Context) error {
	db := s.DB()
	if _, err := db.ExecContext(ctx, CreateTableSQL(stagingTable)); err != nil {
		return fmt.Errorf("migrate: create %s: %w", stagingTable, err)
	}
	parts, err := listLegacy(ctx, db)
	if err != nil {
		return err
	}
	s.log.Info("migrating the store to one time-ordered table", "partitions", len(parts))
	start := time.Now()
	var moved int64
	for i, p := range parts {
		n, err := s.movePartition(ctx, p, parts[i+1:])
		if err != nil {
			return fmt.Errorf("migrate partition %s (%d of %d): %w", p.Name, i+1, len(parts), err)
		}
		moved += n
		s.log.Info("migrated partition", "partition", p.Name, "done", i+1, "of", len(parts), "rows", n, "elapsed", time.Since(start).Round(time.Millisecond))
		if s.hooks.afterPartitionMoved != nil {
			s.hooks.afterPartitionMoved(i + 1)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	for _, stmt := range []string{
		"DROP VIEW flows",
		"ALTER TABLE " + stagingTable + " RENAME TO " + flowsTable,
		"DROP TABLE IF EXISTS tapdb_partitions",
		"DROP TABLE IF EXISTS tapdb_flows_empty",
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migrate: %s: %w", stmt, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("migrate: checkpoint: %w", err)
	}
	s.log.Info("migrated the store to one time-ordered table", "partitions", len(parts), "rows", moved, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// movePartition moves one partition into the staging table in one
// transaction; rest are the partitions still to move after it.
func (s *Store) movePartition(ctx context.Context, p legacyPartition, rest []legacyPartition) (int64, error) {
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	have, err := tableColumns(ctx, tx, p.Name)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO "+stagingTable+" ("+storedList()+") SELECT "+selectFrom(have)+" FROM "+schema.QuoteIdent(p.Name)+" ORDER BY stime")
	if err != nil {
		return 0, fmt.Errorf("copy rows: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, "DELETE FROM tapdb_partitions WHERE name = ?", p.Name); err != nil {
		return 0, fmt.Errorf("unregister: %w", err)
	}
	// The view must stop naming the table before it can be dropped.
	if _, err := tx.ExecContext(ctx, migrationViewSQL(rest, have)); err != nil {
		return 0, fmt.Errorf("flows view: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DROP TABLE "+schema.QuoteIdent(p.Name)); err != nil {
		return 0, fmt.Errorf("drop: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	return n, nil
}
