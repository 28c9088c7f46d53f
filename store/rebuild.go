package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tapdb/schema"
)

// pastColumns derive a stored column of today's flows table from an older
// layout's columns: what the rebuild and the first layout's migration
// select for a column the old table lacks.
var pastColumns = map[string]struct{ from, expr string }{
	// Until schema version 8 the addresses as numbers were one UHUGEINT.
	"saddr_hi": {"saddr_num", "CAST(saddr_num >> 64 AS UBIGINT)"},
	"saddr_lo": {"saddr_num", "CAST(saddr_num & CAST('18446744073709551615' AS UHUGEINT) AS UBIGINT)"},
	"daddr_hi": {"daddr_num", "CAST(daddr_num >> 64 AS UBIGINT)"},
	"daddr_lo": {"daddr_num", "CAST(daddr_num & CAST('18446744073709551615' AS UHUGEINT) AS UBIGINT)"},
}

// tableColumns are a table's columns, in order.
func tableColumns(ctx context.Context, q queryer, table string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ? ORDER BY column_index", table)
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("read the columns of %s: %w", table, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// current reports whether a flows table or view with the columns have has
// today's columns, in order.
func current(have []string) bool {
	cols := schema.Columns()
	if len(have) != len(cols) {
		return false
	}
	for i, c := range cols {
		if have[i] != c.Name {
			return false
		}
	}
	return true
}

// viewList is the SELECT list of a view with today's columns over a
// relation that has today's stored ones: the stored columns, then each
// derived one computed from them.
func viewList() string {
	var list []string
	for _, c := range schema.Columns() {
		if c.Stored() {
			list = append(list, schema.QuoteIdent(c.Name))
		} else {
			list = append(list, "("+c.Expr+") AS "+schema.QuoteIdent(c.Name))
		}
	}
	return strings.Join(list, ", ")
}

// selectFrom is the SELECT list that fills today's stored columns, in
// order, from a table with the given columns: a column it has by name, one
// it lacks from pastColumns, otherwise NULL.
func selectFrom(have []string) string {
	var parts []string
	for _, c := range schema.StoredColumns() {
		switch p, ok := pastColumns[c.Name]; {
		case slices.Contains(have, c.Name):
			parts = append(parts, schema.QuoteIdent(c.Name))
		case ok && slices.Contains(have, p.from):
			parts = append(parts, p.expr+" AS "+schema.QuoteIdent(c.Name))
		default:
			parts = append(parts, "CAST(NULL AS "+c.Type+") AS "+schema.QuoteIdent(c.Name))
		}
	}
	return strings.Join(parts, ", ")
}

// rebuildStale rebuilds the flows table when its columns are not the
// column table's (a store made by an older tapdb): a new table is made from
// the column table, filled from the old one in its row order (so the time
// order is kept) and renamed in its place, in one transaction, so a kill
// at any point leaves either the old table or the new one.
func (s *Store) rebuildStale(ctx context.Context) error {
	db := s.DB()
	have, err := tableColumns(ctx, db, flowsTable)
	if err != nil {
		return err
	}
	if current(have) {
		return nil
	}
	const rebuilt = "tapdb_flows_rebuild"
	s.log.Info("rebuilding the flows table for the current columns (one transaction)", "from", strings.Join(have, ","))
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rebuild the flows table: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+rebuilt); err != nil {
		return fmt.Errorf("rebuild the flows table: %w", err)
	}
	if _, err := tx.ExecContext(ctx, CreateTableSQL(rebuilt)); err != nil {
		return fmt.Errorf("rebuild the flows table: create: %w", err)
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO "+rebuilt+" ("+storedList()+") SELECT "+selectFrom(have)+" FROM "+flowsTable+" ORDER BY rowid")
	if err != nil {
		return fmt.Errorf("rebuild the flows table: copy: %w", err)
	}
	n, _ := res.RowsAffected()
	for _, stmt := range []string{"DROP TABLE " + flowsTable, "ALTER TABLE " + rebuilt + " RENAME TO " + flowsTable} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("rebuild the flows table: %s: %w", stmt, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rebuild the flows table: commit: %w", err)
	}
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("rebuild the flows table: checkpoint: %w", err)
	}
	s.log.Info("rebuilt the flows table", "rows", n, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}
