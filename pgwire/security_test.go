package pgwire_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// sqlState runs sql and returns the SQLSTATE of its error ("" on success).
func sqlState(t *testing.T, c *pgx.Conn, mode pgx.QueryExecMode, sql string) string {
	t.Helper()
	rows, err := c.Query(context.Background(), sql, mode)
	if err == nil {
		for rows.Next() {
		}
		rows.Close()
		err = rows.Err()
	}
	if err == nil {
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	t.Fatalf("%s: non-PostgreSQL error %v", sql, err)
	return ""
}

// TestReadOnlyAttacks sends statements that would write, read files or
// loosen the configuration, over both protocols, and checks that each fails
// with 42501 and changed nothing. The test database is opened without
// enable_external_access=false, so only the server's own checks stand in
// the way.
func TestReadOnlyAttacks(t *testing.T) {
	db := newTestDB(t)
	_, addr := startServer(t, pgwireConfig(), db)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	csv := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(csv, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	attacks := []string{
		"create table x(a int)",
		"create view v as select 1",
		"create macro m(a) as a",
		"insert into flows (proto) values ('x')",
		"update flows set proto = 'x'",
		"delete from flows",
		"drop view flows",
		"alter table flows add column z int",
		"copy flows to '" + out + "'",
		"copy (select 1) to '" + out + "'",
		"copy flows from '" + csv + "'",
		"copy flows from stdin",
		`copy "` + csv + `" to stdout`,
		"select * from read_csv('" + csv + "')",
		"select * from read_csv_auto('/etc/passwd')",
		"select * from read_text('/etc/passwd')",
		"select * from read_blob('/etc/passwd')",
		"select * from read_parquet('/tmp/x.parquet')",
		"select * from read_json('/etc/passwd')",
		"select * from glob('/etc/*')",
		"select * from '" + csv + "'",
		"show '" + csv + "'",
		`show "` + csv + `"`,
		"describe '" + csv + "'",
		"summarize '" + csv + "'",
		"describe select * from '" + csv + "'",
		"from '" + csv + "'",
		"table '" + csv + "'",
		"select count(*) from (select * from 'data.csv')",
		"with x as (select * from read_text('/etc/passwd')) select * from x",
		"select (select count(*) from glob('/*'))",
		"select * from query('create table y(a int)')",
		"select * from query_table('flows')",
		"select * from sniff_csv('" + csv + "')",
		"attach '" + filepath.Join(dir, "x.db") + "' as x",
		"detach flows",
		"install httpfs",
		"load httpfs",
		"force install httpfs",
		"set enable_external_access = true",
		"set lock_configuration = false",
		"set memory_limit = '100GB'",
		"set threads to 64",
		"reset threads",
		"pragma enable_profiling",
		"call pragma_version()",
		"checkpoint",
		"vacuum",
		"export database '" + dir + "'",
		"explain analyze create table q(a int)",
		"explain select * from read_csv('/etc/passwd')",
		"copy (select * from read_text('/etc/passwd')) to stdout",
		"prepare p as select 1",
		"create secret s (type s3)",
		"set variable x = 1",
	}
	c := connect(t, addr)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec} {
		for _, sql := range attacks {
			if got := sqlState(t, c, mode, sql); got != "42501" {
				t.Errorf("mode %v: %s: SQLSTATE %q, want 42501", mode, sql, got)
			}
		}
	}
	// A write hidden after a valid statement of the same query string.
	if got := sqlState(t, c, pgx.QueryExecModeSimpleProtocol, "select 1; create table z(a int)"); got != "42501" {
		t.Errorf("stacked statement: SQLSTATE %q, want 42501", got)
	}
	if got := sqlState(t, c, pgx.QueryExecModeExec, "select 1; create table z(a int)"); got != "42601" {
		t.Errorf("stacked statement in Parse: SQLSTATE %q, want 42601", got)
	}

	var tables int
	if err := db.QueryRow("select count(*) from duckdb_tables()").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 1 {
		t.Errorf("%d tables after the attacks, want 1", tables)
	}
	var views, rows int
	db.QueryRow("select count(*) from duckdb_views() where not internal").Scan(&views)
	db.QueryRow("select count(*) from flows").Scan(&rows)
	if views != 1 || rows != len(testFlows) {
		t.Errorf("views %d rows %d after the attacks", views, rows)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written", out)
	}
	var setting string
	db.QueryRow("select current_setting('enable_external_access')::varchar").Scan(&setting)
	if setting != "true" {
		t.Errorf("enable_external_access = %q: the test database must keep it on", setting)
	}
}

func TestSQLStates(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	tests := []struct{ sql, code string }{
		{"select 1", ""},
		{"selec 1", "42601"},
		{"select * from nope", "42P01"},
		{"select nope from flows", "42703"},
		{"select 1/0::int", ""},
		{"select 'x'::int", "22P02"},
		{"set extra_float_digits = 3", ""},
		{"set application_name to 'x'", ""},
		{"set client_encoding to 'UTF8'", ""},
		{"set client_encoding to 'LATIN1'", "0A000"},
		{"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED", ""},
		{"show transaction_isolation", ""},
		{"show tables", ""},
		{"describe flows", ""},
		{"describe main.flows", ""},
		{"show main.flows", ""},
		{"show all tables", ""},
		{"summarize select dport from flows", ""},
		{"values (1), (2)", ""},
		{"from flows limit 1", ""},
		{"explain select * from flows", ""},
		{"select * from range(3)", ""},
		{"select * from duckdb_columns() where table_name = 'flows'", ""},
		{"rollback to savepoint a", "0A000"},
		// psql's tab completion of a table name.
		{`SELECT pg_catalog.quote_ident(c.relname) FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'S', 'v', 'm', 'f', 'p') AND substring(pg_catalog.quote_ident(c.relname),1,2)='fl' AND pg_catalog.pg_table_is_visible(c.oid) AND c.relnamespace <> (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'pg_catalog') UNION SELECT pg_catalog.quote_ident(n.nspname) || '.' FROM pg_catalog.pg_namespace n WHERE substring(pg_catalog.quote_ident(n.nspname) || '.',1,2)='fl' AND (SELECT pg_catalog.count(*) FROM pg_catalog.pg_namespace WHERE substring(pg_catalog.quote_ident(nspname) || '.',1,2) = substring('fl',1,pg_catalog.length(pg_catalog.quote_ident(nspname))+1)) > 1 LIMIT 1000`, ""},
		// pgjdbc's type lookup.
		{`SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid FROM pg_catalog.pg_type LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r from pg_namespace as ns join ( select s.r, (current_schemas(false))[s.r] as nspname from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r using ( nspname ) ) as sp ON sp.nspoid = typnamespace WHERE pg_type.oid = 1184 ORDER BY sp.r, pg_type.oid DESC`, ""},
		// Grafana's table list.
		{`select quote_ident(table_name) as "table" from information_schema.tables where quote_ident(table_schema) not in ('information_schema', 'pg_catalog', '_timescaledb_cache') and quote_ident(table_schema) IN (SELECT CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END FROM generate_series(array_lower(string_to_array(current_setting('search_path'),','),1), array_upper(string_to_array(current_setting('search_path'),','),1)) as i, string_to_array(current_setting('search_path'),',') s)`, ""},
		// Dashboards: Grafana's time-series macros expand to these.
		{`SELECT floor(extract(epoch from stime)/60)*60 AS "time", sum(bytes) AS "bytes" FROM flows WHERE stime BETWEEN '2026-11-27T05:00:00Z' AND '2026-11-27T07:00:00Z' GROUP BY 1 ORDER BY 1`, ""},
		{"select date_trunc('minute', stime) as t, count(*) from flows group by 1 order by 1", ""},
		{"select dport, sum(sbytes+dbytes) from flows where stime > now() - interval 1 hour group by 1 order by 2 desc limit 10", ""},
		{"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'flows'", ""},
		{"select quote_ident('Flows'), array_upper(string_to_array('a,b', ','), 1), pg_backend_pid(), version(), current_setting('server_version_num')", ""},
	}
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec} {
		for _, tc := range tests {
			if got := sqlState(t, c, mode, tc.sql); got != tc.code {
				t.Errorf("mode %v: %s: SQLSTATE %q, want %q", mode, tc.sql, got, tc.code)
			}
		}
	}
}

// TestHardenedStore serves a database configured as tapdb serve configures
// it (external access off, configuration locked): queries, the catalog
// macros and psql's meta-commands still work.
func TestHardenedStore(t *testing.T) {
	db := newTestDB(t)
	db.SetMaxOpenConns(4)
	for _, s := range []string{"SET enable_external_access = false", "SET lock_configuration = true"} {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	_, addr := startServer(t, pgwireConfig(), db)
	c := connect(t, addr)
	var n int64
	if err := c.QueryRow(context.Background(), "select count(*) from flows where proto = $1", "tcp").Scan(&n); err != nil || n != 2 {
		t.Fatalf("query: %d %v", n, err)
	}
	if got := sqlState(t, c, pgx.QueryExecModeExec, "select * from read_csv('/etc/passwd')"); got != "42501" {
		t.Errorf("read_csv: SQLSTATE %q", got)
	}
	out, err := runPSQL(t, addr, "tester", "", "-c", `\d flows`)
	if err != nil || !strings.Contains(out, `Table "main.flows"`) {
		t.Errorf(`\d flows: %v %s`, err, out)
	}
}
