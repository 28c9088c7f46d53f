package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// config is what `pgbench run` measures.
type config struct {
	tapdbURL, pgURL string
	pings           int
	stream          int
	runs            int
}

// server is one side of the comparison.
type server struct {
	name string
	conn *pgx.Conn
}

// bench connects to both servers and prints the comparison table to w.
func bench(ctx context.Context, cfg config, w io.Writer) error {
	if cfg.pings < 100 || cfg.stream < 1 || cfg.runs < 1 {
		return fmt.Errorf("run: -pings must be at least 100, -stream and -runs at least 1")
	}
	var servers [2]server
	for i, s := range []struct{ name, url string }{{"tapdb", cfg.tapdbURL}, {"PostgreSQL", cfg.pgURL}} {
		conn, err := pgx.Connect(ctx, s.url)
		if err != nil {
			return fmt.Errorf("connecting to %s: %w", s.name, err)
		}
		defer conn.Close(context.Background())
		servers[i] = server{s.name, conn}
	}

	for _, s := range servers {
		var n int64
		if err := s.conn.QueryRow(ctx, "select count(*) from flows").Scan(&n); err != nil {
			return fmt.Errorf("%s: counting flows: %w", s.name, err)
		}
		fmt.Fprintf(w, "%-10s %s, %d flows\n", s.name, s.conn.PgConn().ParameterStatus("server_version"), n)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-36s %14s %14s %9s  %-8s %s\n", "measure", "tapdb", "PostgreSQL", "ratio", "goal", "met")
	line := func(name, a, b string, ratio float64, goal string, met bool, note string) {
		m := "no"
		if met {
			m = "yes"
		}
		fmt.Fprintf(w, "%-36s %14s %14s %8.2fx  %-8s %s%s\n", name, a, b, ratio, goal, m, note)
	}

	// (a) round trips: ratio is tapdb's latency over PostgreSQL's.
	// "select 1+0" is not a SELECT of literals alone, so tapdb runs it in
	// DuckDB every time: the cost of a trivial query that tapdb cannot
	// answer from a kept constant result.
	for _, m := range []struct {
		name, sql string
		mode      pgx.QueryExecMode
	}{
		{"(a) select 1, prepared (µs mean)", "select 1", pgx.QueryExecModeCacheStatement},
		{"(a) select 1, simple query (µs mean)", "select 1", pgx.QueryExecModeSimpleProtocol},
		{"(a) select 1+0, prepared (µs mean)", "select 1+0", pgx.QueryExecModeCacheStatement},
	} {
		var lat [2]latency
		for i, s := range servers {
			l, err := pings(ctx, s.conn, m.sql, m.mode, cfg.pings)
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			lat[i] = l
		}
		r := float64(lat[0].mean) / float64(lat[1].mean)
		line(m.name, us(lat[0].mean), us(lat[1].mean), r, "<= 2x", r <= 2,
			fmt.Sprintf("   p50 %s/%s µs, p99 %s/%s µs", us(lat[0].p50), us(lat[1].p50), us(lat[0].p99), us(lat[1].p99)))
	}

	// (b) streaming: ratio is tapdb's rows/s over PostgreSQL's.
	var rate [2]float64
	for i, s := range servers {
		if _, err := stream(ctx, s.conn, cfg.stream); err != nil { // warm-up
			return fmt.Errorf("%s: %w", s.name, err)
		}
		ds := make([]time.Duration, cfg.runs)
		for k := range ds {
			d, err := stream(ctx, s.conn, cfg.stream)
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			ds[k] = d
		}
		rate[i] = float64(cfg.stream) / median(ds).Seconds()
	}
	r := rate[0] / rate[1]
	line(fmt.Sprintf("(b) stream %d rows (rows/s)", cfg.stream), fmt.Sprintf("%.0f", rate[0]), fmt.Sprintf("%.0f", rate[1]), r, ">= 0.7x", r >= 0.7, "")

	// (c) aggregates: ratio is PostgreSQL's time over tapdb's.
	for _, q := range aggregates {
		var (
			med  [2]time.Duration
			rows [2][]string
		)
		for i, s := range servers {
			out, _, err := result(ctx, s.conn, q.sql) // warm-up
			if err != nil {
				return fmt.Errorf("%s: %s: %w", s.name, q.name, err)
			}
			rows[i] = out
			ds := make([]time.Duration, cfg.runs)
			for k := range ds {
				_, d, err := result(ctx, s.conn, q.sql)
				if err != nil {
					return fmt.Errorf("%s: %s: %w", s.name, q.name, err)
				}
				ds[k] = d
			}
			med[i] = median(ds)
		}
		note := fmt.Sprintf("   same %d rows", len(rows[0]))
		if !slices.Equal(rows[0], rows[1]) {
			note = fmt.Sprintf("   RESULTS DIFFER (%d vs %d rows)", len(rows[0]), len(rows[1]))
		}
		r := med[1].Seconds() / med[0].Seconds()
		line("(c) "+q.name+" (ms)", ms(med[0]), ms(med[1]), r, ">= 10x", r >= 10, note)
	}
	return nil
}

func us(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Microsecond)) }
func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }
