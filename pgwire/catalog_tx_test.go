package pgwire_test

import (
	"context"
	"testing"
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
