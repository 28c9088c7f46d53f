package pgwire_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestCatalogInTransaction: the session's catalog views, first created
// inside a transaction, are there for every statement of it, again after
// its ROLLBACK dropped them, and after a COMMIT kept them.
func TestCatalogInTransaction(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	ctx := context.Background()
	query := func(step string) {
		t.Helper()
		// A text of its own each time: a statement prepared before a
		// ROLLBACK is not what this test is about.
		var n int
		if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relname = 'flows' AND '"+step+"' <> ''").Scan(&n); err != nil || n != 1 {
			t.Fatalf("%s: %d, %v", step, n, err)
		}
	}
	exec := func(sql string) {
		t.Helper()
		if _, err := c.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec("BEGIN")
	query("first in a transaction")
	query("again in it")
	exec("ROLLBACK")
	query("after ROLLBACK")
	exec("BEGIN")
	query("in a second transaction")
	exec("COMMIT")
	query("after COMMIT")
}

// The same catalog query before and after a ROLLBACK, in both protocols:
// statements prepared on the session's catalog objects (pgx's statement
// cache, the server's simple-query cache) still run, because the objects
// are made before the first transaction and no rollback drops them.
func TestCatalogSurvivesRollback(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	ctx := context.Background()
	const q = "SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relname = 'flows'"
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
		c := connect(t, addr)
		for i, step := range []string{"BEGIN", "", "ROLLBACK", "", "BEGIN", "", "ROLLBACK", ""} {
			if step != "" {
				if _, err := c.Exec(ctx, step, mode); err != nil {
					t.Fatalf("%v: %s: %v", mode, step, err)
				}
				continue
			}
			var n int
			if err := c.QueryRow(ctx, q, mode).Scan(&n); err != nil || n != 1 {
				t.Fatalf("%v: step %d: %d, %v", mode, i, n, err)
			}
		}
	}
}
