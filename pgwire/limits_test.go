package pgwire_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestMemoryBounds runs queries that would take gigabytes without the
// bounds, scaled down: a 1 MiB row bound and a 64 MB DuckDB memory limit.
// Each fails with 53200, over both protocols, and its session and another
// one keep working.
func TestMemoryBounds(t *testing.T) {
	db := newTestDB(t)
	if _, err := db.Exec("SET memory_limit = '64MB'"); err != nil {
		t.Fatal(err)
	}
	cfg := pgwireConfig()
	cfg.MaxRowSize = 1 << 20
	_, addr := startServer(t, cfg, db)
	c := connect(t, addr)
	other := connect(t, addr)
	tests := []struct {
		name, sql string
	}{
		{"repeat", "select repeat('x', 4000000)"},
		{"repeat in a later column", "select 1, 'a', repeat('x', 700000), repeat('y', 700000)"},
		{"string_agg", "select string_agg(repeat('x', 1000000), ',') from range(300)"},
		{"list", "select list(repeat('x', 100000)) from range(20)"},
		{"rows after small ones", "select repeat('x', i::int) from range(1, 3000000, 500000) t(i)"},
	}
	modes := []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec, pgx.QueryExecModeCacheDescribe}
	for _, tt := range tests {
		for _, mode := range modes {
			if got := sqlState(t, c, mode, tt.sql); got != "53200" {
				t.Errorf("%s (mode %v): SQLSTATE %q, want 53200", tt.name, mode, got)
			}
			var one int
			if err := c.QueryRow(context.Background(), "select 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("%s (mode %v): select 1 afterwards: %v %d", tt.name, mode, err, one)
			}
		}
	}
	var n int
	if err := other.QueryRow(context.Background(), "select count(*) from flows").Scan(&n); err != nil || n != 3 {
		t.Fatalf("other session: %v %d", err, n)
	}
	// COPY is bounded by line.
	_, err := c.PgConn().CopyTo(context.Background(), discard{}, "copy (select repeat('x', 4000000)) to stdout")
	if err == nil || !strings.Contains(err.Error(), "53200") {
		t.Errorf("copy: %v, want 53200", err)
	}
	// Rows within the bound go through.
	var s string
	if err := c.QueryRow(context.Background(), "select repeat('x', 500000)").Scan(&s); err != nil || len(s) != 500000 {
		t.Fatalf("row within the bound: %v %d", err, len(s))
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestStatementSize: a statement over MaxStatementSize gets 54000 before
// it is parsed and the session goes on; a message over MaxMessageSize,
// which cannot be skipped, gets FATAL 54000 and the connection closes.
func TestStatementSize(t *testing.T) {
	cfg := pgwireConfig()
	cfg.MaxStatementSize = 64 << 10
	cfg.MaxMessageSize = 256 << 10
	_, addr := startServer(t, cfg, nil)
	c := connect(t, addr)
	long := "select 1" + strings.Repeat(" ", 100<<10)
	modes := []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec, pgx.QueryExecModeCacheDescribe}
	for _, mode := range modes {
		if got := sqlState(t, c, mode, long); got != "54000" {
			t.Errorf("mode %v: SQLSTATE %q, want 54000", mode, got)
		}
		var one int
		if err := c.QueryRow(context.Background(), "select 1", mode).Scan(&one); err != nil || one != 1 {
			t.Fatalf("mode %v: select 1 afterwards: %v %d", mode, err, one)
		}
	}
	// Within the bound: runs.
	var one int
	if err := c.QueryRow(context.Background(), "select 1"+strings.Repeat(" ", 60<<10)).Scan(&one); err != nil || one != 1 {
		t.Fatalf("statement within the bound: %v %d", err, one)
	}

	c2 := connect(t, addr)
	_, err := c2.Exec(context.Background(), "select 1"+strings.Repeat(" ", 1<<20), pgx.QueryExecModeSimpleProtocol)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "54000" || pe.Severity != "FATAL" {
		t.Fatalf("message over the bound: %v, want FATAL 54000", err)
	}
	if !c2.IsClosed() {
		if err := c2.Ping(context.Background()); err == nil {
			t.Error("connection still usable after an oversized message")
		}
	}
	// Other sessions are unaffected.
	if err := c.QueryRow(context.Background(), "select 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}
