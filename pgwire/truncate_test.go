package pgwire

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"tapdb/ingest"
	"tapdb/internal/testutil"
	"tapdb/schema"
	"tapdb/store"
)

// edgeRows are stime/ltime pairs the captures do not have: NULLs, times
// before 1970 (negative epochs, on and off unit boundaries), ±infinity.
var edgeRows = [][2]string{
	{"NULL", "NULL"},
	{"'1969-12-31 23:59:59.999999+00'", "NULL"},
	{"'1969-12-31 23:59:00+00'", "'1969-12-31 23:00:00+00'"},
	{"'1900-03-04 05:06:07.891234+00'", "'1893-01-01 00:00:00.5+00'"},
	{"'0044-03-15 12:34:56.789+00'", "'1970-01-01 00:00:00+00'"},
	{"'1970-01-01 00:00:00.000001+00'", "'2026-11-27 23:59:59.999999+00'"},
	{"'infinity'", "'-infinity'"},
}

// realFlowsDB is a flow store made by the query package from a real
// capture, plus a partition-named table flows_d19000101 holding edgeRows.
// timeZone, if set, is the database's TimeZone.
func realFlowsDB(t *testing.T, timeZone string) *sql.DB {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "flows.duckdb")
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := st.NewWriter(ctx, store.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	capture := filepath.Join("..", "testdata", "pcaps", "ndpi-gnutella-mixed.pcap")
	if _, err := ingest.ReadFiles(ctx, []string{capture}, ingest.Options{}, func(r *schema.Record) error { return w.Write(r) }); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(4)
	stmts := []string{"CREATE TABLE flows_d19000101 AS SELECT * FROM flows LIMIT 0"}
	for _, r := range edgeRows {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO flows_d19000101 (stime, ltime, sbytes, dbytes) VALUES (%s, %s, 1, 2)", r[0], r[1]))
	}
	if timeZone != "" {
		stmts = append(stmts, "SET GLOBAL TimeZone = '"+timeZone+"'")
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	var n int
	if err := db.QueryRow("select count(*) from flows where stime is not null").Scan(&n); err != nil || n < 100 {
		t.Fatalf("real flows: %d, %v", n, err)
	}
	return db
}

// truncsOf runs the read-only check on one connection of db and returns the
// date_trunc sites it found.
func truncsOf(t *testing.T, db *sql.DB, q string) []truncSite {
	t.Helper()
	return checkInfoOf(t, db, q).truncs
}

// checkInfoOf runs the read-only check on one connection of db.
func checkInfoOf(t *testing.T, db *sql.DB, q string) *checkInfo {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got *checkInfo
	err = c.Raw(func(dc any) error {
		s, err := dc.(*duckdb.Conn).Prepare(serializeSQL)
		if err != nil {
			return err
		}
		ser := &dstmt{ss: &session{dc: dc.(*duckdb.Conn)}, s: s.(*duckdb.Stmt)}
		defer ser.close()
		info, e := checkQuery(context.Background(), ser, q)
		if e != nil {
			return e
		}
		got = info
		return nil
	})
	if err != nil {
		t.Fatalf("check %s: %v", q, err)
	}
	return got
}

func TestConstantSelect(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"select 1", "SELECT 'a' x, null, -1, 2.5, 'it''s'"} {
		if !checkInfoOf(t, db, q).constant {
			t.Errorf("not constant: %s", q)
		}
	}
	for _, q := range []string{
		"select 1 where false", "select 1 limit 0", "select 1 from range(3)", "select random()", "select $1",
		"select 1::int", "select distinct 1", "with x as (select 1) select 1", "select 1 union select 2",
		"values (1)", "select 1 order by 1", "select 1 group by 1", "select 1 having true", "select 1 qualify true",
		"select 1 offset 1", "select now()", "select tapdb_current_setting('TimeZone')",
	} {
		if checkInfoOf(t, db, q).constant {
			t.Errorf("constant: %s", q)
		}
	}
}

func TestTruncRewriteDecisions(t *testing.T) {
	db := realFlowsDB(t, "")
	rewritten := []string{
		`select date_trunc('minute', stime) m, count(*), sum(sbytes+dbytes) b from flows group by 1 order by 1`,
		`select date_trunc('MINUTE', f.stime) AS m from flows f`,
		`select date_trunc('hour', flows.ltime) h from main.flows where date_trunc('hour', flows.ltime) > now() - interval 1 day`,
		`select count(*) from flows group by date_trunc('second', stime)`,
		`select x from (select date_trunc('day', stime) x from flows_d20261127) s`,
		`select date_trunc('minute', stime) m from flows union all select date_trunc('minute', ltime) m2 from flows`,
		`select max(t) from (select date_trunc('milliseconds', "stime") t from flows)`,
	}
	for _, q := range rewritten {
		if len(truncsOf(t, db, q)) == 0 {
			t.Errorf("not rewritten: %s", q)
		}
	}
	kept := []string{
		`select date_trunc('minute', stime) from flows`,                       // the column would be renamed
		`select count(date_trunc('minute', stime)) from flows`,                // idem
		`select date_trunc('month', stime) m from flows`,                      // months have no fixed length
		`select date_trunc('week', stime) m from flows`,                       // weeks start on Monday
		`select date_trunc($1, stime) m from flows`,                           // unit not a literal
		`select date_trunc('minute', stime + interval 1 second) m from flows`, // not a bare column
		`select date_trunc('minute', dur) m from flows`,                       // not TIMESTAMPTZ
		`select date_trunc('minute', stime) m from flows join flows g using (seq)`,
		`with flows as (select now() stime) select date_trunc('minute', stime) m from flows`,
		`select date_trunc('minute', stime) m from other`,
		`select date_trunc('minute', x.stime) m from flows f`,
		`select ltime as stime, date_trunc('minute', stime) m from flows`,
		`select list_transform([now()], stime -> date_trunc('minute', stime)) m from flows`,
		`select (select date_trunc('minute', stime) m from range(1)) m from flows`,
		`select pg_catalog.date_trunc('minute', stime) m from flows`,
		`select date_trunc('minute', stime) filter (where true) m from flows`,
	}
	for _, q := range kept {
		if s := truncsOf(t, db, q); len(s) != 0 {
			t.Errorf("rewritten: %s\n  → %s", q, applyTruncs(q, s))
		}
	}
}

// result is a query's result as compared by the tests.
type result struct {
	names, types []string
	rows         [][]any
}

func runDirect(t *testing.T, db *sql.DB, q string) result {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var r result
	cts, _ := rows.ColumnTypes()
	for _, c := range cts {
		r.names = append(r.names, c.Name())
		r.types = append(r.types, c.DatabaseTypeName())
	}
	for rows.Next() {
		vals := make([]any, len(cts))
		ptrs := make([]any, len(cts))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			vals[i] = normTime(v)
		}
		r.rows = append(r.rows, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return r
}

// truncQueries are the comparisons of the equivalence tests: every unit
// the rewrite knows, on both TIMESTAMPTZ columns, over real flows and over
// the edge rows, as group keys and row by row.
func truncQueries() []string {
	var qs []string
	units := make([]string, 0, len(truncUnits))
	for u := range truncUnits {
		units = append(units, u)
	}
	slices.Sort(units)
	for _, table := range []string{"flows", "flows_d19000101"} {
		for _, col := range []string{"stime", "ltime"} {
			for _, u := range units {
				qs = append(qs,
					fmt.Sprintf(`select date_trunc('%s', %s) m, count(*) n, sum(sbytes+dbytes) b from %s group by 1 order by 1 nulls first`, u, col, table),
					fmt.Sprintf(`select seq, %[2]s, date_trunc('%[1]s', t.%[2]s) AS "T" from %[3]s t order by all nulls first`, u, col, table))
			}
		}
	}
	return qs
}

func TestTruncRewriteEquivalent(t *testing.T) {
	db := realFlowsDB(t, "")
	for _, q := range truncQueries() {
		sites := truncsOf(t, db, q)
		if len(sites) == 0 {
			t.Errorf("not rewritten: %s", q)
			continue
		}
		fast := applyTruncs(q, sites)
		want, got := runDirect(t, db, q), runDirect(t, db, fast)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s\n→ %s\ndiffers: names %v / %v, types %v / %v, %d / %d rows", q, fast, want.names, got.names, want.types, got.types, len(want.rows), len(got.rows))
			for i := range min(len(want.rows), len(got.rows)) {
				if !reflect.DeepEqual(want.rows[i], got.rows[i]) {
					t.Errorf("first difference at row %d: %v / %v", i, want.rows[i], got.rows[i])
					break
				}
			}
		}
	}
}

// normTime prints times, and DuckDB's and pgx's infinities alike.
func normTime(v any) any {
	switch x := v.(type) {
	case time.Time:
		switch y := x.UTC().Year(); {
		case y > 200000:
			return "infinity"
		case y < -200000:
			return "-infinity"
		}
		return x.UTC().Format(time.RFC3339Nano)
	case pgtype.InfinityModifier:
		return x.String()
	}
	return v
}

// serveDB serves db on a loopback port and connects pgx to it.
func serveDB(t *testing.T, db *sql.DB, log *slog.Logger) *pgx.Conn {
	t.Helper()
	_, addr := ServeTest(t, Config{Trust: true, Logger: log}, db)
	host, port, _ := net.SplitHostPort(addr)
	c, err := pgx.Connect(context.Background(), fmt.Sprintf("host=%s port=%s user=tester dbname=flows sslmode=disable", host, port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// viaPG runs q over the wire and returns its rows as runDirect does.
func viaPG(t *testing.T, c *pgx.Conn, q string, mode pgx.QueryExecMode) [][]any {
	t.Helper()
	rows, err := c.Query(context.Background(), q, mode)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	var out [][]any
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			vals[i] = normTime(v)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// TestTruncOverTheWire runs the comparisons through the server, in a UTC
// database (rewritten) and in one whose TimeZone has had offsets that are
// not whole minutes (America/St_Johns: -03:30:52 until 1935), where the
// rewrite would be wrong and must not happen.
func TestTruncOverTheWire(t *testing.T) {
	for _, tz := range []string{"", "America/St_Johns"} {
		t.Run("tz="+tz, func(t *testing.T) {
			db := realFlowsDB(t, tz)
			var logs testutil.SyncBuffer
			c := serveDB(t, db, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
			for _, q := range truncQueries() {
				if !strings.Contains(q, "group by") {
					continue
				}
				want := runDirect(t, db, q)
				// Binary (extended protocol) and text (simple).
				for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
					got := viaPG(t, c, q, mode)
					if len(want.rows) != len(got) {
						t.Fatalf("%s: %d rows direct, %d over the wire", q, len(want.rows), len(got))
					}
					for i := range got {
						if fmt.Sprint(want.rows[i][0]) != fmt.Sprint(got[i][0]) {
							t.Errorf("%s (%v): row %d: %v direct, %v over the wire", q, mode, i, want.rows[i][0], got[i][0])
							break
						}
					}
				}
			}
			rewrote := strings.Contains(logs.String(), "date_trunc computed in UTC")
			if rewrote != (tz == "") {
				t.Errorf("rewrote: %v", rewrote)
			}
			if tz == "" {
				return
			}
			// The guard matters: the rewrite differs from date_trunc here.
			q := `select seq, stime, date_trunc('minute', stime) AS "T" from flows_d19000101 order by all nulls first`
			if reflect.DeepEqual(runDirect(t, db, q), runDirect(t, db, applyTruncs(q, truncsOf(t, db, q)))) {
				t.Errorf("in %s the rewrite should differ for 1900", tz)
			}
		})
	}
}
