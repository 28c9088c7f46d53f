package pgwire_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestSelectOne(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	ctx := context.Background()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec, pgx.QueryExecModeCacheStatement, pgx.QueryExecModeDescribeExec} {
		var n int64
		var s string
		var ts time.Time
		if err := c.QueryRow(ctx, "select count(*), min(proto), min(stime) from flows where dport > $1", mode, 0).Scan(&n, &s, &ts); err != nil {
			t.Fatalf("mode %v: %v", mode, err)
		}
		if n != 3 || s != "tcp" || !ts.Equal(time.Date(2026, 11, 27, 5, 6, 2, 189339000, time.UTC)) {
			t.Errorf("mode %v: got %d %q %v", mode, n, s, ts)
		}
	}
}

// TestCachedQueriesSeeNewData checks that a repeated simple query (served
// from the session's prepared-statement cache) sees rows and view changes
// made after it was first prepared, as the query package's partitioning
// does.
func TestCachedQueriesSeeNewData(t *testing.T) {
	db := newTestDB(t)
	_, addr := startServer(t, pgwireConfig(), db)
	c := connect(t, addr)
	count := func() int64 {
		t.Helper()
		var n int64
		if err := c.QueryRow(context.Background(), "select count(*) from flows", pgx.QueryExecModeSimpleProtocol).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 3 {
		t.Fatalf("count %d", n)
	}
	if _, err := db.Exec("INSERT INTO flows (proto) VALUES ('icmp')"); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 4 {
		t.Errorf("after insert: count %d, want 4", n)
	}
	if _, err := db.Exec("DELETE FROM flows WHERE proto <> 'tcp'"); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 2 {
		t.Errorf("after a delete: count %d, want 2", n)
	}
}

// TestErrorFields checks the SQLSTATE, message, hint and position of a
// binder error, which psql turns into its "LINE 1: … ^" display.
func TestErrorFields(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec} {
		_, err := c.Exec(context.Background(), "select proto, nope from flows", mode)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			t.Fatalf("mode %v: %v", mode, err)
		}
		if pe.Code != "42703" || pe.Position != 15 || !strings.Contains(pe.Message, `"nope"`) ||
			strings.Contains(pe.Message, "\n") || !strings.Contains(pe.Hint, "Candidate bindings") {
			t.Errorf("mode %v: code %s position %d message %q hint %q", mode, pe.Code, pe.Position, pe.Message, pe.Hint)
		}
	}
}

// TestRegexOperators checks PostgreSQL's substring semantics of ~ and its
// variants, which DuckDB's ~ (a whole-string match) lacks.
func TestRegexOperators(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	tests := []struct {
		sql  string
		args []any
		want int64
	}{
		{`select count(*) from flows where saddr ~ '^10\.0\.0\.1'`, nil, 2},
		{`select count(*) from flows where daddr ~ '8\.8'`, nil, 1},
		{`select count(*) from flows where proto !~ 'cp'`, nil, 1},
		{`select count(*) from flows where state ~* 'fin|rst'`, nil, 2},
		{`select count(*) from flows where proto ~ $1`, []any{"^t"}, 2},
	}
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec} {
		for _, tc := range tests {
			var n int64
			args := append([]any{mode}, tc.args...)
			if err := c.QueryRow(context.Background(), tc.sql, args...).Scan(&n); err != nil || n != tc.want {
				t.Errorf("mode %v: %s: %d, %v; want %d", mode, tc.sql, n, err, tc.want)
			}
		}
	}
}
