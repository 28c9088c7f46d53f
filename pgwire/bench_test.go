package pgwire_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// BenchmarkSelectOne measures a round trip of a trivial query over each
// protocol: "select 1", whose constant result the server keeps, and
// "select 1+0", which DuckDB runs every time.
func BenchmarkSelectOne(b *testing.B) {
	_, addr := startServer(b, pgwireConfig(), nil)
	c := connect(b, addr)
	for _, q := range []string{"select 1", "select 1+0"} {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
			b.Run(q+"/"+mode.String(), func(b *testing.B) {
				var n int
				for b.Loop() {
					if err := c.QueryRow(context.Background(), q, mode).Scan(&n); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkStreamRows measures rows per second streamed to pgx in binary.
func BenchmarkStreamRows(b *testing.B) {
	_, addr := startServer(b, pgwireConfig(), nil)
	c := connect(b, addr)
	const n = 1_000_000
	for b.Loop() {
		rows, err := c.Query(context.Background(), "select range, range * 1.5::double as f, 'x' || range as s, now() as t from range(1000000)")
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for rows.Next() {
			got++
		}
		if rows.Err() != nil || got != n {
			b.Fatal(rows.Err(), got)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkConnect measures a connection's set-up: startup, trust
// authentication and the first query.
func BenchmarkConnect(b *testing.B) {
	_, addr := startServer(b, pgwireConfig(), nil)
	for b.Loop() {
		c, err := pgx.Connect(context.Background(), connString(addr, "tester", ""))
		if err != nil {
			b.Fatal(err)
		}
		var n int
		if err := c.QueryRow(context.Background(), "select 1").Scan(&n); err != nil {
			b.Fatal(err)
		}
		c.Close(context.Background())
	}
}
