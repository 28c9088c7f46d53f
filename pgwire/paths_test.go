package pgwire_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"tapdb/pgwire"
)

// TestPathsHidden: no absolute path of the store (its directory, DuckDB's
// temp and secret directories) appears in any message or result a query
// user gets, over both protocols.
func TestPathsHidden(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "flows.duckdb")
	db, err := sql.Open("duckdb", file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(4)
	for _, s := range []string{
		"CREATE TABLE flows (proto VARCHAR, sbytes BIGINT)",
		"INSERT INTO flows VALUES ('tcp', 1), ('udp', 2)",
		"SET memory_limit = '64MB'",
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	paths, err := pgwire.DuckDBPaths(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("DuckDBPaths found nothing")
	}
	secret := make([]string, 0, len(paths)+1)
	secret = append(secret, dir)
	for _, p := range paths {
		if p != "/" {
			secret = append(secret, p)
		}
	}
	cfg := pgwireConfig()
	cfg.HidePaths = paths
	_, addr := startServer(t, cfg, db)
	c := connect(t, addr)

	// Past the catalog rewrite's bound: DuckDB's own current_setting.
	long := ", '" + strings.Repeat("x", 17<<10) + "' as pad"
	tests := []struct {
		sql  string
		code string // "" when the statement succeeds
	}{
		{"select * from duckdb_databases()", "42501"},
		{"select path from duckdb_databases()", "42501"},
		{"select * from duckdb_settings()", "42501"},
		{"select value from duckdb_settings() where name = 'temp_directory'", "42501"},
		{"select * from duckdb_extensions()", "42501"},
		{"select * from duckdb_temporary_files()", "42501"},
		{"select * from pragma_database_list()", "42501"},
		{"select current_setting('temp_directory')", ""},
		{"select current_setting('temp_directory')" + long, "42501"},
		{"select current_setting('secret_directory')" + long, "42501"},
		{"select * from '" + file + "'", "42501"},
		{"select * from \"" + dir + "/x.parquet\"", "42501"},
		{"attach '" + file + "' as x", "42501"},
		{"select * from nosuchtable", "42P01"},
		{"select string_agg(repeat('x', 1000000), ',') from range(300)", "53200"},
		{"select * from duckdb_tables()", ""},
		{"select database_name, schema_name from duckdb_schemas()", ""},
	}
	modes := []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec}
	for _, tt := range tests {
		for _, mode := range modes {
			text, code := allText(t, c, mode, tt.sql)
			if code != tt.code {
				t.Errorf("%.80s (mode %v): SQLSTATE %q, want %q: %s", tt.sql, mode, code, tt.code, text)
			}
			for _, p := range secret {
				if strings.Contains(text, p) {
					t.Errorf("%.80s (mode %v): shows %q: %s", tt.sql, mode, p, text)
				}
			}
		}
	}
}

// allText runs sql and returns everything the client got as text: every
// value of every row, or the error's message, detail and hint; and the
// error's SQLSTATE.
func allText(t *testing.T, c *pgx.Conn, mode pgx.QueryExecMode, sql string) (string, string) {
	t.Helper()
	var b strings.Builder
	rows, err := c.Query(context.Background(), sql, mode)
	if err == nil {
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
		err = rows.Err()
	}
	if err == nil {
		return b.String(), ""
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		t.Fatalf("%s: non-PostgreSQL error %v", sql, err)
	}
	fmt.Fprintln(&b, pe.Message, pe.Detail, pe.Hint)
	return b.String(), pe.Code
}
