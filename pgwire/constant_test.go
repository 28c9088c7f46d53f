package pgwire_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestConstantResults checks that SELECTs of literals, whose result the
// server keeps after the first run, answer the same every time in both
// protocols and formats, and that look-alikes that are not constant still
// run each time.
func TestConstantResults(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	ctx := context.Background()
	modes := []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement, pgx.QueryExecModeExec, pgx.QueryExecModeDescribeExec}
	for _, mode := range modes {
		for range 3 {
			var (
				one  int32
				s    string
				f    float64
				null *string
				neg  int32
			)
			err := c.QueryRow(ctx, "select 1, 'it''s' as s, 2.5, null, -7", mode).Scan(&one, &s, &f, &null, &neg)
			if err != nil || one != 1 || s != "it's" || f != 2.5 || null != nil || neg != -7 {
				t.Fatalf("%v: %v %q %v %v %v %v", mode, one, s, f, null, neg, err)
			}
		}
		// Not constant: a function, a clause, a table.
		var a, b float64
		if err := c.QueryRow(ctx, "select random()", mode).Scan(&a); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRow(ctx, "select random()", mode).Scan(&b); err != nil || a == b {
			t.Errorf("%v: random() kept: %v %v %v", mode, a, b, err)
		}
		var n int
		if err := c.QueryRow(ctx, "select 1 where false", mode).Scan(&n); err != pgx.ErrNoRows {
			t.Errorf("%v: select 1 where false: %v", mode, err)
		}
		rows, err := c.Query(ctx, "select 1 from flows", mode)
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for rows.Next() {
			got++
		}
		if rows.Err() != nil || got != 3 {
			t.Errorf("%v: select 1 from flows: %d rows, %v", mode, got, rows.Err())
		}
	}
}
