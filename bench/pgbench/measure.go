package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// latency is the outcome of a run of round trips.
type latency struct {
	mean, p50, p99 time.Duration
}

// pings runs n sequential round trips of sql, a query returning the
// integer 1, in the given mode, after n/10 untimed ones.
func pings(ctx context.Context, conn *pgx.Conn, sql string, mode pgx.QueryExecMode, n int) (latency, error) {
	one := func() (time.Duration, error) {
		t := time.Now()
		var v int32
		if err := conn.QueryRow(ctx, sql, mode).Scan(&v); err != nil {
			return 0, fmt.Errorf("%s (%v): %w", sql, mode, err)
		}
		if v != 1 {
			return 0, fmt.Errorf("%s (%v) returned %d", sql, mode, v)
		}
		return time.Since(t), nil
	}
	for range n / 10 {
		if _, err := one(); err != nil {
			return latency{}, err
		}
	}
	ds := make([]time.Duration, n)
	var total time.Duration
	for i := range ds {
		d, err := one()
		if err != nil {
			return latency{}, err
		}
		ds[i] = d
		total += d
	}
	slices.Sort(ds)
	return latency{mean: total / time.Duration(n), p50: ds[n/2], p99: ds[n*99/100]}, nil
}

// stream reads n rows of streamSQL, scanning every value, and returns the
// time taken.
func stream(ctx context.Context, conn *pgx.Conn, n int) (time.Duration, error) {
	t := time.Now()
	rows, err := conn.Query(ctx, fmt.Sprintf(streamSQL, n))
	if err != nil {
		return 0, fmt.Errorf("streaming %d rows: %w", n, err)
	}
	defer rows.Close()
	var (
		stime          time.Time
		saddr, daddr   string
		sport, dport   pgtype.Int4
		proto          string
		sbytes, dbytes int64
		got            int
	)
	for rows.Next() {
		if err := rows.Scan(&stime, &saddr, &daddr, &sport, &dport, &proto, &sbytes, &dbytes); err != nil {
			return 0, fmt.Errorf("streaming: row %d: %w", got, err)
		}
		got++
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("streaming: after %d rows: %w", got, err)
	}
	if got != n {
		return 0, fmt.Errorf("streaming: got %d rows, want %d", got, n)
	}
	return time.Since(t), nil
}

// result runs sql and returns its rows as text, for comparison, and the
// time taken.
func result(ctx context.Context, conn *pgx.Conn, sql string) ([]string, time.Duration, error) {
	t := time.Now()
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, 0, err
		}
		out = append(out, fmt.Sprint(normalize(vals)...))
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, time.Since(t), nil
}

// normalize turns numerics into their decimal text and times into UTC, so
// values of equal meaning print alike whichever type a server chose.
func normalize(vals []any) []any {
	for i, v := range vals {
		switch x := v.(type) {
		case pgtype.Numeric:
			if b, err := x.Value(); err == nil {
				vals[i] = b
			}
		case time.Time:
			vals[i] = x.UTC().Format(time.RFC3339Nano)
		case int32:
			vals[i] = int64(x)
		case int16:
			vals[i] = int64(x)
		}
		vals[i] = fmt.Sprintf("%v|", vals[i])
	}
	return vals
}

// median returns the median of ds (the lower middle for an even count).
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}
