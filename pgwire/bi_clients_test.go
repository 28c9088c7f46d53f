package pgwire_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// biQueries are statements Metabase, Grafana and DBeaver send on connect
// and sync, written as they send them, with the rows PostgreSQL would
// answer for this database (each row's values joined by '|').
var biQueries = []struct {
	client, sql string
	want        []string
}{
	{"metabase: isolation", "SHOW TRANSACTION ISOLATION LEVEL", []string{"read committed"}},
	{"metabase: materialized views", "SELECT schemaname, matviewname FROM pg_catalog.pg_matviews", nil},
	{"metabase: row estimates",
		`SELECT n.nspname AS "schema", c.relname AS "name", CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'v' THEN 'VIEW' END AS "type",
		 stat.n_live_tup AS "estimated_row_count"
		 FROM pg_catalog.pg_class c INNER JOIN pg_catalog.pg_namespace n ON c.relnamespace = n.oid
		 LEFT JOIN pg_stat_user_tables stat ON n.nspname = stat.schemaname AND c.relname = stat.relname
		 WHERE n.nspname !~ '^information_schema|catalog_history|pg_' AND c.relkind IN ('r', 'p', 'v', 'f', 'm')
		 ORDER BY 2`,
		[]string{"main|flows|TABLE|3", "main|flows_tcp|VIEW|<nil>"}},
	{"metabase: describe fields",
		`SELECT c.column_name AS "name",
		 CASE WHEN c.udt_schema IN ('public', 'pg_catalog') THEN format('%s', c.udt_name) ELSE c.udt_schema || '.' || c.udt_name END AS "database-type",
		 c.data_type, c.ordinal_position - 1 AS "database-position"
		 FROM information_schema.columns c
		 WHERE c.table_schema !~ '^information_schema|catalog_history|pg_' AND c.table_name = 'flows'
		 AND c.column_name IN ('stime', 'saddr', 'sport', 'dttl', 'bytes', 'dur', 'daddr_num')
		 ORDER BY c.ordinal_position`,
		[]string{"stime|timestamptz|timestamp with time zone|0", "saddr|text|text|6", "sport|int4|integer|7",
			"dttl|int2|smallint|22", "daddr_num|numeric|numeric|49", "dur|float8|double precision|50", "bytes|int8|bigint|52"}},
	{"metabase/pgjdbc: _pg_expandarray", "SELECT (information_schema._pg_expandarray(ARRAY[7, 9])).n, (information_schema._pg_expandarray(ARRAY[7, 9])).x",
		[]string{"1|7", "2|9"}},
	{"_pg_expandarray in FROM", "SELECT x, n FROM information_schema._pg_expandarray(ARRAY['a', 'b']) ORDER BY n", []string{"a|1", "b|2"}},
	{"grafana: timescaledb probe", "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'", nil},
	{"grafana: query builder columns",
		`SELECT column_name, data_type FROM information_schema.columns
		 WHERE table_schema = parse_ident('main.flows')[1] AND table_name = parse_ident('main.flows')[2] AND column_name IN ('proto', 'pkts')
		 ORDER BY ordinal_position`,
		[]string{"proto|text", "pkts|bigint"}},
	{"parse_ident quoting", `SELECT parse_ident('"Main".Flows')`, []string{"[Main flows]"}},
	{"dbeaver: keywords", "SELECT count(*) > 100 FROM pg_catalog.pg_get_keywords() WHERE word <> ALL ('{a,abs,absolute}'::text[])", []string{"true"}},
	{"max_index_keys", "SELECT setting FROM pg_catalog.pg_settings WHERE name = 'max_index_keys'", []string{"32"}},
	{"functions",
		`SELECT to_regclass('flows') = 'flows'::regclass, to_regclass('main.flows') IS NOT NULL, to_regclass('nope') IS NULL,
		 pg_total_relation_size('flows') > 0, pg_total_relation_size('flows_tcp'), pg_is_in_recovery(),
		 quote_literal('it''s'), quote_literal(E'a\\b'), quote_ident('Flows'), quote_ident('flows')`,
		[]string{`true|true|true|true|0|false|'it''s'|E'a\\b'|"Flows"|flows`}},
	{"hidden: information_schema.tables", "SELECT table_name FROM information_schema.tables ORDER BY 1", []string{"flows", "flows_tcp"}},
	{"hidden: information_schema.columns", "SELECT DISTINCT table_name FROM information_schema.columns ORDER BY 1", []string{"flows", "flows_tcp"}},
	{"hidden: pg_class", "SELECT c.relname FROM pg_catalog.pg_class c ORDER BY 1", []string{"flows", "flows_tcp"}},
	{"hidden: pg_tables", "SELECT schemaname, tablename FROM pg_catalog.pg_tables", []string{"main|flows"}},
	{"hidden: pg_views", "SELECT viewname FROM pg_views", []string{"flows_tcp"}},
	{"hidden: pg_stat_user_tables", "SELECT relname FROM pg_stat_user_tables", []string{"flows"}},
	{"hidden yet readable", "SELECT count(*) FROM tapdb_settings", []string{"0"}},
}

// TestBIClientQueries replays biQueries through pgx in the simple and the
// extended protocol, on a database that also holds a store table
// (tapdb_settings) the lists must hide.
func TestBIClientQueries(t *testing.T) {
	db := newTestDB(t)
	if _, err := db.Exec("CREATE TABLE tapdb_settings (key VARCHAR, value VARCHAR)"); err != nil {
		t.Fatal(err)
	}
	_, addr := startServer(t, pgwireConfig(), db)
	c := connect(t, addr)
	ctx := context.Background()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeDescribeExec} {
		for _, q := range biQueries {
			rows, err := c.Query(ctx, q.sql, mode)
			var got []string
			if err == nil {
				for rows.Next() {
					vals, _ := rows.Values()
					s := make([]string, len(vals))
					for i, v := range vals {
						s[i] = fmt.Sprint(v)
					}
					got = append(got, strings.Join(s, "|"))
				}
				err = rows.Err()
			}
			if err != nil {
				t.Errorf("%s (mode %v): %v", q.client, mode, err)
				continue
			}
			if strings.Join(got, "\n") != strings.Join(q.want, "\n") {
				t.Errorf("%s (mode %v):\n got  %q\n want %q", q.client, mode, got, q.want)
			}
		}
	}
}
