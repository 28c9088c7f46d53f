package duckc

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"reflect"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// withConn runs f on a C API handle of a fresh in-memory database's
// connection, and on the driver's view of that connection.
func withConn(t *testing.T, f func(c Conn, dc *duckdb.Conn)) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	sc, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	err = Raw(sc, func(_ any, dc *duckdb.Conn, c *Conn, why error) error {
		if c == nil {
			return why
		}
		f(*c, dc)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// mustQuery prepares and runs q on c; the statement is closed when the
// test ends.
func mustQuery(t testing.TB, c Conn, q string) *Rows {
	t.Helper()
	s, err := c.Prepare(q)
	if err != nil {
		t.Fatalf("prepare %s: %v", q, err)
	}
	t.Cleanup(s.Close)
	r, err := s.Query(context.Background(), nil)
	if err != nil {
		t.Fatalf("run %s: %v", q, err)
	}
	return r
}

func readAll(t *testing.T, r driver.Rows) [][]driver.Value {
	t.Helper()
	var out [][]driver.Value
	for {
		dest := make([]driver.Value, len(r.Columns()))
		err := r.Next(dest)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, dest)
	}
}

func TestOfRefusesWrongID(t *testing.T) {
	withConn(t, func(c Conn, dc *duckdb.Conn) {
		if _, err := Of(dc, 1<<40); !errors.Is(err, ErrLayout) {
			t.Fatalf("Of with a wrong id: %v, want ErrLayout", err)
		}
	})
}

// TestValuesMatchDriver reads the same rows through duckdb-go and through
// Rows: every type Rows decodes must give the driver's value.
func TestValuesMatchDriver(t *testing.T) {
	queries := []string{
		`select true b, 1::tinyint i1, -2::smallint i2, 3::integer i4, -4::bigint i8,
		        5::utinyint u1, 6::usmallint u2, 7::uinteger u4, 18446744073709551615::ubigint u8,
		        1.5::float f4, -2.25::double f8, null::integer n`,
		`select (-170141183460469231731687303715884105727)::hugeint h, 340282366920938463463374607431768211455::uhugeint uh,
		        12345::hugeint small, -1::hugeint minus`,
		`select 'short' s, 'a string longer than twelve bytes' l, ''::varchar e, '\x00\xff'::blob b, 'über'::varchar u`,
		`select date '2026-11-27' d, date '1969-12-31' d0, date '0044-03-15' dold, time '13:14:15.123456' t,
		        timestamp '2026-11-27 11:02:28.123456' ts, timestamptz '2026-11-27 11:02:28+00' tz,
		        timestamp_s '2001-02-03 04:05:06' tss, timestamp_ms '2001-02-03 04:05:06.789' tsm,
		        timestamp_ns '2001-02-03 04:05:06.789123456' tsn, timestamp 'infinity' inf, timestamp '-infinity' ninf,
		        timestamp '1960-01-01 00:00:00.5' early`,
		`select interval '1 year 2 months 3 days 04:05:06.7' iv, interval '-1 day' niv,
		        uuid '123e4567-e89b-12d3-a456-426614174000' u, uuid '00000000-0000-0000-0000-000000000000' z,
		        uuid 'ffffffff-ffff-ffff-ffff-ffffffffffff' f`,
		`select 1.5::decimal(4,1) d2, 123456.789::decimal(9,3) d4, -12345678901.23456::decimal(18,5) d8,
		        12345678901234567890.123::decimal(38,3) d16, null::decimal(10,2) dn`,
		`select [1, 2, null] l, ['a', 'bbbbbbbbbbbbbbbbbbbbb'] ls, [[1], [], null] ll, []::int[] le,
		        {'a': 1, 'b': 'x'} st, [{'k': 1}, null] ls2, [1, 2, 3]::integer[3] arr,
		        'b'::enum('a', 'b', 'c') en`,
		`select i, i::varchar s, i % 7 = 0 b, case when i % 3 = 0 then null else i end n from range(5000) t(i)`,
	}
	withConn(t, func(c Conn, dc *duckdb.Conn) {
		ctx := context.Background()
		for _, q := range queries {
			rows, err := dc.QueryContext(ctx, q, nil)
			if err != nil {
				t.Fatalf("%s: driver: %v", q, err)
			}
			want := readAll(t, rows)
			rows.Close()

			s, err := c.Prepare(q)
			if err != nil {
				t.Fatalf("%s: prepare: %v", q, err)
			}
			if !s.Decodable() {
				t.Fatalf("%s: not decodable", q)
			}
			r, err := s.Query(ctx, nil)
			if err != nil {
				t.Fatalf("%s: query: %v", q, err)
			}
			got := readAll(t, r)
			s.Close()
			if len(got) != len(want) {
				t.Fatalf("%s: %d rows, driver %d", q, len(got), len(want))
			}
			for i := range got {
				for j := range got[i] {
					if !reflect.DeepEqual(got[i][j], want[i][j]) {
						t.Errorf("%s: row %d column %d: %#v, driver %#v", q, i, j, got[i][j], want[i][j])
					}
				}
			}
		}
	})
}

func TestParameters(t *testing.T) {
	withConn(t, func(c Conn, dc *duckdb.Conn) {
		s, err := c.Prepare(`select $1::bigint + 1, $2::double * 2, $3::varchar || '!', $4::blob, $5::boolean,
			$6::timestamptz, $7::date, $8::timestamp, $9::interval, $10::integer is null`)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if n := s.NumInput(); n != 10 {
			t.Fatalf("NumInput = %d", n)
		}
		ts := time.Date(2026, 11, 27, 11, 2, 28, 123456000, time.UTC)
		args := []driver.NamedValue{
			{Ordinal: 1, Value: int64(41)}, {Ordinal: 2, Value: 1.25}, {Ordinal: 3, Value: "hi"},
			{Ordinal: 4, Value: []byte{0, 1}}, {Ordinal: 5, Value: true}, {Ordinal: 6, Value: ts},
			{Ordinal: 7, Value: time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)}, {Ordinal: 8, Value: ts},
			{Ordinal: 9, Value: duckdb.Interval{Months: 1, Days: 2, Micros: 3}}, {Ordinal: 10, Value: nil},
		}
		r, err := s.Query(context.Background(), args)
		if err != nil {
			t.Fatal(err)
		}
		got := readAll(t, r)
		want := []driver.Value{int64(42), 2.5, "hi!", []byte{0, 1}, true, ts,
			time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), ts, duckdb.Interval{Months: 1, Days: 2, Micros: 3}, true}
		if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
			t.Fatalf("got %#v\nwant %#v", got, want)
		}
	})
}

// TestStreams reads a result larger than memory would allow to hold
// materialised, and checks that Buffer keeps a result readable while the
// connection runs another statement.
func TestStreams(t *testing.T) {
	withConn(t, func(c Conn, dc *duckdb.Conn) {
		ctx := context.Background()
		if _, err := dc.ExecContext(ctx, "SET memory_limit = '64MB'", nil); err != nil {
			t.Fatal(err)
		}
		const n = 30_000_000 // 240 MB of BIGINTs
		r := mustQuery(t, c, "select i from range(30000000) t(i)")
		dest := make([]driver.Value, 1)
		var sum, count int64
		for {
			err := r.Next(dest)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			sum += dest[0].(int64)
			count++
		}
		if count != n || sum != n*(n-1)/2 {
			t.Fatalf("read %d rows summing to %d", count, sum)
		}

		r = mustQuery(t, c, "select i from range(30000000) t(i)")
		for range 10 {
			if err := r.Next(dest); err != nil {
				t.Fatal(err)
			}
		}
		// A small result so Buffer's cost is bounded.
		r2 := mustQuery(t, c, "select i from range(100000) t(i)")
		if err := r2.Next(dest); err != nil {
			t.Fatal(err)
		}
		r2.Buffer(ctx, 0)
		if _, err := dc.ExecContext(ctx, "select 42", nil); err != nil {
			t.Fatal(err)
		}
		rest := readAll(t, r2)
		if len(rest) != 99999 || rest[len(rest)-1][0] != int64(99999) {
			t.Fatalf("after Buffer: %d rows", len(rest))
		}
	})
}

func TestInterrupt(t *testing.T) {
	withConn(t, func(c Conn, dc *duckdb.Conn) {
		s, err := c.Prepare("select count(*) from range(1000000000000) a(i), range(1000000) b(j) where i + j = -1")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		r, err := s.Query(ctx, nil)
		if err == nil {
			_, err = r.fetch()
		}
		if err == nil || ctx.Err() == nil {
			t.Fatalf("query ended with %v before its context", err)
		}
	})
}

func TestPrepareError(t *testing.T) {
	withConn(t, func(c Conn, dc *duckdb.Conn) {
		_, err := c.Prepare("select * from nosuchtable")
		var de *duckdb.Error
		if !errors.As(err, &de) || de.Type != duckdb.ErrorTypeCatalog {
			t.Fatalf("error %#v, want a catalog error", err)
		}
	})
}

// TestLazy shows that rows are computed as they are read: the first rows
// of a query whose last row fails arrive before the error, which a
// materialised result would have raised before its first row.
func TestLazy(t *testing.T) {
	withConn(t, func(c Conn, dc *duckdb.Conn) {
		q := "select case when i = 2999999 then error('boom at the end') else i end from range(3000000) t(i)"
		if _, err := dc.QueryContext(context.Background(), q, nil); err == nil {
			t.Fatal("the driver's materialised query did not fail up front")
		}
		s, err := c.Prepare(q)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		r, err := s.Query(context.Background(), nil)
		if err != nil {
			t.Fatalf("streaming query failed before its first row: %v", err)
		}
		dest := make([]driver.Value, 1)
		var n int
		for {
			err = r.Next(dest)
			if err != nil {
				break
			}
			n++
		}
		var de *duckdb.Error
		if !errors.As(err, &de) || n == 0 || n >= 2999999 {
			t.Fatalf("read %d rows, then %v; want some rows, then DuckDB's error", n, err)
		}
	})
}

// BenchmarkTrivialQuery measures one execution of a prepared trivial
// query, read to its end.
func BenchmarkTrivialQuery(b *testing.B) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	sc, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer sc.Close()
	Raw(sc, func(_ any, _ *duckdb.Conn, c *Conn, why error) error {
		if c == nil {
			b.Fatal(why)
		}
		s, err := c.Prepare("select 1+0")
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		dest := make([]driver.Value, 1)
		for b.Loop() {
			r, err := s.Query(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			for r.Next(dest) == nil {
			}
		}
		return nil
	})
}

// TestBufferLimit keeps what fits and then reports the limit.
func TestBufferLimit(t *testing.T) {
	withConn(t, func(c Conn, dc *duckdb.Conn) {
		ctx := context.Background()
		r := mustQuery(t, c, "select range, 'a string longer than twelve bytes ' || range from range(1000000)")
		const limit = 1 << 20
		r.Buffer(ctx, limit)
		if r.Held() == 0 || r.Held() > limit {
			t.Fatalf("Held() = %d after Buffer with limit %d", r.Held(), limit)
		}
		if _, err := dc.ExecContext(ctx, "select 42", nil); err != nil {
			t.Fatal(err)
		}
		dest := make([]driver.Value, 2)
		n := 0
		var err error
		for {
			err = r.Next(dest)
			if err != nil {
				break
			}
			if dest[0] != int64(n) {
				t.Fatalf("row %d holds %v", n, dest[0])
			}
			n++
		}
		var le *BufferLimitError
		if !errors.As(err, &le) || n == 0 || n >= 1000000 {
			t.Fatalf("read %d rows, then %v; want some rows, then a BufferLimitError", n, err)
		}
		// Each row holds 8 + 16 + ~40 bytes: the estimate must be near.
		if per := float64(limit) / float64(n); per < 40 || per > 120 {
			t.Errorf("%.0f bytes per row estimated", per)
		}
		if r.Held() != 0 {
			t.Errorf("Held() = %d after reading everything", r.Held())
		}
	})
}
