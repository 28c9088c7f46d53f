package store

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"tapdb/schema"
	"testing"
	"time"
)

// firstLayoutStore copies testdata's first-layout store (four daily
// partitions, schema version 2; see testdata/README.md) to a new file.
func firstLayoutStore(t *testing.T) string {
	t.Helper()
	in, err := os.Open("testdata/v2-partitioned-day.duckdb.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.duckdb")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkFirstLayoutFlows compares the store's flows, every column as
// DuckDB's text, with the CSV the first layout's code printed.
func checkFirstLayoutFlows(t *testing.T, s *Store) {
	t.Helper()
	f, err := os.Open("testdata/v2-partitioned-day.flows.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "SET TimeZone = 'UTC'"); err != nil {
		t.Fatal(err)
	}
	// The CSV has the first layout's columns; every one of them is still
	// a column of flows (stored or derived).
	var list []string
	for _, c := range want[0] {
		list = append(list, "CAST("+schema.QuoteIdent(c)+" AS VARCHAR) AS "+schema.QuoteIdent(c))
	}
	rows, err := c.QueryContext(ctx, "SELECT "+strings.Join(list, ", ")+" FROM flows ORDER BY stime, seq, saddr, sport")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	n := 0
	for rows.Next() {
		n++
		vals := make([]*string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		if n >= len(want) {
			continue
		}
		for i, v := range vals {
			got := ""
			if v != nil {
				got = *v
			}
			if got != want[n][i] && !sameNumber(got, want[n][i]) {
				t.Errorf("flow %d, %s = %q, want %q", n, cols[i], got, want[n][i])
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(want)-1 {
		t.Errorf("%d flows, want %d", n, len(want)-1)
	}
}

// sameNumber reports whether a and b are the same floating-point number
// written two ways (DuckDB writes 98.0 where tapdb sql wrote 98).
func sameNumber(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x == y
}

// A store made by the first layout's code opens in today's: its partitions
// move into the flows table, every flow kept value for value, in time
// order, and the first layout's tables are gone.
func TestMigrateFirstLayout(t *testing.T) {
	ctx := context.Background()
	path := firstLayoutStore(t)
	var log strings.Builder
	s, err := Open(ctx, path, Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkFirstLayoutFlows(t, s)
	if v, err := s.SchemaVersion(ctx); err != nil || v < 3 {
		t.Errorf("schema version %d, %v", v, err)
	}
	var tables string
	if err := s.DB().QueryRowContext(ctx, "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM duckdb_tables() WHERE table_name LIKE 'flows%' OR table_name IN ('tapdb_partitions', 'tapdb_flows_empty', 'tapdb_flows')").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != flowsTable {
		t.Errorf("tables after the migration: %s, want %s alone", tables, flowsTable)
	}
	var unordered int
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM (SELECT stime < lag(stime) OVER (ORDER BY rowid) AS back FROM "+flowsTable+") WHERE back").Scan(&unordered); err != nil {
		t.Fatal(err)
	}
	if unordered != 0 {
		t.Errorf("%d records stored before an earlier one: the table is not in time order", unordered)
	}
	if s.Period() != Day {
		t.Errorf("period %v, want the partition width the store had (day)", s.Period())
	}
	for _, want := range []string{"migrating the store to one time-ordered table", "migrated partition", "done=4 of=4"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	// New records go in beside the migrated ones.
	writeAll(t, s, threeDays()[:3], 10)
	var n int
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil || n != 42 {
		t.Errorf("%d flows after a write (%v), want 42", n, err)
	}
}

// killAt runs the test named test in a child process with env set to
// path, waits for it to print line, and kills it (SIGKILL).
func killAt(t *testing.T, test, env, path, line string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.v")
	cmd.Env = append(os.Environ(), env+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	seen := false
	for sc.Scan() {
		if sc.Text() == line {
			seen = true
			break
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !seen {
		t.Fatalf("the child process never printed %q", line)
	}
}

// childEnv names the store a child test process migrates, stopping after
// the first partition until it is killed.
const childEnv = "TAPDB_TEST_MIGRATE_CHILD"

func TestMigrationChild(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		t.Skip("run by TestMigrationSurvivesKill")
	}
	_, err := openWithHook(context.Background(), path, func(done int) {
		fmt.Printf("moved %d\n", done)
		time.Sleep(time.Minute) // the parent kills the process here
	})
	t.Fatalf("the migration finished (%v) before it was killed", err)
}

// openWithHook opens a store whose migration calls hook after each
// partition it moves.
func openWithHook(ctx context.Context, path string, hook func(done int)) (*Store, error) {
	return open(ctx, path, Options{}, hooks{afterPartitionMoved: hook})
}

// kill -9 in the middle of the migration: the store is consistent at
// every step, so a read-only open sees every flow, and the next open
// finishes the migration with every flow kept once.
func TestMigrationSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := firstLayoutStore(t)
	killAt(t, "TestMigrationChild", childEnv, path, "moved 1")
	ctx := context.Background()
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	left, err := listLegacy(ctx, ro.DB())
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 3 {
		t.Errorf("after the kill %d partitions are left to move, want 3", len(left))
	}
	checkFirstLayoutFlows(t, ro)
	ro.Close()

	s := openTest(t, path, Options{})
	checkFirstLayoutFlows(t, s)
	if left, _ := listLegacy(ctx, s.DB()); len(left) != 0 {
		t.Errorf("%d partitions left after the migration resumed", len(left))
	}
}

// retentionChildEnv names the store a child test process deletes from,
// stopping before its commit until it is killed.
const retentionChildEnv = "TAPDB_TEST_RETENTION_CHILD"

func TestRetentionChild(t *testing.T) {
	path := os.Getenv(retentionChildEnv)
	if path == "" {
		t.Skip("run by TestRetentionSurvivesKill")
	}
	s, err := open(context.Background(), path, Options{}, hooks{beforeRetentionCommit: func() {
		fmt.Println("deleted")
		time.Sleep(time.Minute) // the parent kills the process here
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.DeleteBefore(context.Background(), day0.Add(24*time.Hour).Truncate(24*time.Hour))
	t.Fatalf("retention finished (%v) before it was killed", err)
}

// kill -9 while retention's DELETE is open: every record is still there
// at the next open, and retention then runs as if nothing happened.
func TestRetentionSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "flows.duckdb")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, s, threeDays(), 1000)
	s.Close()
	killAt(t, "TestRetentionChild", retentionChildEnv, path, "deleted")

	s = openTest(t, path, Options{})
	var n int
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil || n != 300 {
		t.Fatalf("after the kill: %d flows (%v), want all 300", n, err)
	}
	if r, err := s.DeleteBefore(ctx, day0.Add(24*time.Hour).Truncate(24*time.Hour)); err != nil || r.Rows != 100 {
		t.Fatalf("retention after the kill: %+v, %v", r, err)
	}
}

// version7Store makes a store whose flows table has the layout of schema
// version 7: the address numbers stored as one UHUGEINT each.
func version7Store(t *testing.T) (path string, recs []schema.Record) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "flows.duckdb")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs = threeDays()
	writeAll(t, s, recs, 1000)
	var cols []string
	for _, c := range schema.StoredColumns() {
		switch c.Name {
		case "saddr_hi", "saddr_lo", "daddr_hi", "daddr_lo":
		default:
			cols = append(cols, schema.QuoteIdent(c.Name))
		}
	}
	for _, stmt := range []string{
		"CREATE TABLE old AS SELECT " + strings.Join(cols, ", ") + ", saddr_num, daddr_num FROM flows ORDER BY rowid",
		"DROP TABLE flows",
		"ALTER TABLE old RENAME TO flows",
	} {
		if _, err := s.DB().Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	s.Close()
	return path, recs
}

// addresses are the address numbers as the store's flows gives them (the
// 128-bit values, in decimal), in stime order, and how many destinations
// have a non-zero upper half.
func addresses(t *testing.T, s *Store) ([]string, int) {
	t.Helper()
	rows, err := s.DB().Query("SELECT saddr_num::VARCHAR || ' ' || daddr_num::VARCHAR, daddr_hi <> 0 FROM flows ORDER BY stime")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	v6 := 0
	for rows.Next() {
		var a string
		var hi bool
		if err := rows.Scan(&a, &hi); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
		if hi {
			v6++
		}
	}
	return out, v6
}

// A store whose flows has an older table's columns is read through
// today's columns when opened read-only, and rebuilt in one transaction
// when opened read-write; both give the same addresses as the records.
func TestOlderTableLayout(t *testing.T) {
	path, recs := version7Store(t)
	num := func(hi, lo uint64) string {
		v := new(big.Int).Lsh(new(big.Int).SetUint64(hi), 64)
		return v.Or(v, new(big.Int).SetUint64(lo)).String()
	}
	var want []string
	for _, r := range recs { // threeDays is in stime order
		want = append(want, num(r.SaddrHi, r.SaddrLo)+" "+num(r.DaddrHi, r.DaddrLo))
	}
	ro := openTest(t, path, Options{ReadOnly: true})
	if got, v6 := addresses(t, ro); !slices.Equal(got, want) || v6 != len(recs) {
		t.Errorf("read-only: %d addresses (%d IPv6 destinations), want %d: first %v, want %v", len(got), v6, len(want), got[:1], want[:1])
	}
	ro.Close()
	rw := openTest(t, path, Options{})
	if got, v6 := addresses(t, rw); !slices.Equal(got, want) || v6 != len(recs) {
		t.Errorf("rebuilt: %d addresses (%d IPv6 destinations), want %d", len(got), v6, len(want))
	}
	have, err := tableColumns(context.Background(), rw.DB(), flowsTable)
	if err != nil {
		t.Fatal(err)
	}
	if len(have) != len(schema.Columns()) || have[len(have)-1] != schema.Columns()[len(have)-1].Name {
		t.Errorf("rebuilt table's columns %v", have)
	}
	if problems, err := rw.Verify(context.Background()); err != nil || len(problems) != 0 {
		t.Errorf("verify after the rebuild: %v, %v", problems, err)
	}
}
