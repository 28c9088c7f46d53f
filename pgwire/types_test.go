package pgwire_test

import (
	"context"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// TestResultTypes reads one value of each supported type through pgx in
// the simple protocol (text) and the extended one (binary where pgx asks
// for it) and checks the reported OID and the decoded value.
func TestResultTypes(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	ts := time.Date(2026, 11, 27, 5, 6, 2, 189339000, time.UTC)
	tests := []struct {
		sql  string
		oid  uint32
		want any
	}{
		{"select true", pgtype.BoolOID, true},
		{"select 7::tinyint", pgtype.Int2OID, int16(7)},
		{"select -7::smallint", pgtype.Int2OID, int16(-7)},
		{"select 200::utinyint", pgtype.Int2OID, int16(200)},
		{"select 2147483647::integer", pgtype.Int4OID, int32(2147483647)},
		{"select 65535::usmallint", pgtype.Int4OID, int32(65535)},
		{"select (-9223372036854775808)::bigint", pgtype.Int8OID, int64(-9223372036854775808)},
		{"select 4294967295::uinteger", pgtype.Int8OID, int64(4294967295)},
		{"select 1.5::float", pgtype.Float4OID, float32(1.5)},
		{"select 0.1::double", pgtype.Float8OID, 0.1},
		{"select 'héllo'::varchar", pgtype.TextOID, "héllo"},
		{"select '\\x00\\xFF'::blob", pgtype.ByteaOID, []byte{0, 0xff}},
		{"select date '2026-11-27'", pgtype.DateOID, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)},
		{"select timestamp '2026-11-27 05:06:02.189339'", pgtype.TimestampOID, ts},
		{"select min(stime) from flows", pgtype.TimestamptzOID, ts},
		{"select interval '1 year 2 months 3 days 04:05:06.5'", pgtype.IntervalOID,
			pgtype.Interval{Months: 14, Days: 3, Microseconds: 4*3600e6 + 5*60e6 + 6.5e6, Valid: true}},
		{"select uuid '0a0b0c0d-0000-4000-8000-000000000001'", pgtype.UUIDOID,
			[16]byte{0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 1}},
		{"select 12.340::decimal(10,3)", pgtype.NumericOID, numeric(12340, -3)},
		{"select sum(sbytes) from flows", pgtype.NumericOID, numeric(21580, 0)},
		{"select 18446744073709551615::ubigint", pgtype.NumericOID, numericBig("18446744073709551615", 0)},
		{"select 170141183460469231731687303715884105727::hugeint", pgtype.NumericOID, numericBig("170141183460469231731687303715884105727", 0)},
		{`select '{"a": [1, 2]}'::json`, pgtype.JSONOID, map[string]any{"a": []any{1.0, 2.0}}},
		{"select null::integer", pgtype.Int4OID, nil},
	}
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheDescribe} {
		for _, tc := range tests {
			rows, err := c.Query(context.Background(), tc.sql, mode)
			if err != nil {
				t.Fatalf("%s: %v", tc.sql, err)
			}
			if !rows.Next() {
				t.Fatalf("%s: no row: %v", tc.sql, rows.Err())
			}
			fd := rows.FieldDescriptions()[0]
			vals, err := rows.Values()
			rows.Close()
			if err != nil {
				t.Errorf("mode %v: %s: %v", mode, tc.sql, err)
				continue
			}
			if fd.DataTypeOID != tc.oid {
				t.Errorf("mode %v: %s: OID %d, want %d", mode, tc.sql, fd.DataTypeOID, tc.oid)
			}
			got := vals[0]
			if tm, ok := got.(time.Time); ok {
				got = tm.UTC()
			}
			if n, ok := got.(pgtype.Numeric); ok {
				got = normNumeric(n)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("mode %v (format %d): %s: got %#v, want %#v", mode, fd.Format, tc.sql, got, tc.want)
			}
		}
	}
}

func numeric(n int64, exp int32) pgtype.Numeric {
	return normNumeric(pgtype.Numeric{Int: big.NewInt(n), Exp: exp, Valid: true})
}

func numericBig(s string, exp int32) pgtype.Numeric {
	n, _ := new(big.Int).SetString(s, 10)
	return normNumeric(pgtype.Numeric{Int: n, Exp: exp, Valid: true})
}

// normNumeric strips trailing zero digits so that equal values compare
// equal whatever their scale.
func normNumeric(n pgtype.Numeric) pgtype.Numeric {
	if n.Int == nil {
		return n
	}
	i := new(big.Int).Set(n.Int)
	exp := n.Exp
	ten := big.NewInt(10)
	for i.Sign() != 0 {
		q, r := new(big.Int).QuoRem(i, ten, new(big.Int))
		if r.Sign() != 0 {
			break
		}
		i, exp = q, exp+1
	}
	return pgtype.Numeric{Int: i, Exp: exp, Valid: true}
}

// TestParameterTypes binds parameters of each type, in the formats pgx
// chooses (binary for most), and reads them back.
func TestParameterTypes(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	ctx := context.Background()
	ts := time.Date(2026, 11, 27, 5, 6, 2, 189339000, time.UTC)
	var (
		b   bool
		i2  int16
		i4  int32
		i8  int64
		f4  float32
		f8  float64
		s   string
		by  []byte
		tm  time.Time
		tz  time.Time
		iv  pgtype.Interval
		num pgtype.Numeric
		u   [16]byte
	)
	err := c.QueryRow(ctx, "select $1::boolean, $2::smallint, $3::integer, $4::bigint, $5::float, $6::double, $7::varchar, $8::blob, $9::timestamp, $10::timestamptz, $11::interval, $12::decimal(10,2), $13::uuid",
		true, int16(-2), int32(4), int64(1)<<40, float32(1.25), 2.5, "x'y", []byte{1, 2}, ts, ts,
		pgtype.Interval{Days: 1, Microseconds: 3600e6, Valid: true}, numeric(1234, -2),
		[16]byte{1, 2, 3}).Scan(&b, &i2, &i4, &i8, &f4, &f8, &s, &by, &tm, &tz, &iv, &num, &u)
	if err != nil {
		t.Fatal(err)
	}
	if !b || i2 != -2 || i4 != 4 || i8 != 1<<40 || f4 != 1.25 || f8 != 2.5 || s != "x'y" || !reflect.DeepEqual(by, []byte{1, 2}) ||
		!tm.Equal(ts) || !tz.Equal(ts) || iv.Days != 1 || iv.Microseconds != 3600e6 || !reflect.DeepEqual(normNumeric(num), numeric(1234, -2)) || u[2] != 3 {
		t.Errorf("round trip: %v %v %v %v %v %v %q %v %v %v %+v %+v %v", b, i2, i4, i8, f4, f8, s, by, tm, tz, iv, num, u)
	}
	// A parameter compared with a column takes the column's type.
	var n int64
	if err := c.QueryRow(ctx, "select count(*) from flows where stime >= $1 and proto = $2 and dport = $3", ts, "tcp", 443).Scan(&n); err != nil || n != 1 {
		t.Errorf("filter by parameters: %d, %v", n, err)
	}
	if err := c.QueryRow(ctx, "select count(*) from flows where stime >= $1", pgx.QueryExecModeSimpleProtocol, ts).Scan(&n); err != nil || n != 3 {
		t.Errorf("simple protocol parameters: %d, %v", n, err)
	}
}

// TestEveryDuckDBType sends NULL and a value of every type DuckDB lists,
// in both protocols: each query answers or fails cleanly, and the session
// (and server) go on.
func TestEveryDuckDBType(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	ctx := context.Background()
	rows, err := c.Query(ctx, "select distinct logical_type from duckdb_types() where logical_type not in ('INVALID', 'ANY', 'UNKNOWN', 'USER', 'POINTER', 'TABLE', 'LAMBDA', 'AGGREGATE_STATE', 'VALIDITY', 'STRING_LITERAL', 'INTEGER_LITERAL', 'TEMPLATE', 'TYPE')")
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 20 {
		t.Fatalf("duckdb_types() listed %d types: %v", len(names), names)
	}
	exotic := []string{"map([1, 2], ['a', 'b'])", "[map([1], [[1.5]])]", "{'a': [1], 'b': map {'k': 'v'}}",
		"union_value(k := 'x')::union(k varchar, n int)", "'1010'::bit", "timetz '01:02:03+04'", "[1, 2]::integer[2]",
		"'a'::enum('a', 'b')", "[[date '2026-11-27']]", "{'u': uuid '123e4567-e89b-12d3-a456-426614174000', 'i': interval 1 day}"}
	var queries []string
	for _, n := range names {
		queries = append(queries, "select null::"+n+" as v")
	}
	for _, e := range exotic {
		queries = append(queries, "select "+e+" as v from range(3)")
	}
	for _, q := range queries {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheDescribe} {
			rows, err := c.Query(ctx, q, mode)
			if err == nil {
				for rows.Next() {
					if _, err := rows.Values(); err != nil {
						t.Errorf("%s (%v): decoding: %v", q, mode, err)
						break
					}
				}
				rows.Close()
				err = rows.Err()
			}
			if err != nil && !strings.Contains(err.Error(), "SQLSTATE") {
				t.Errorf("%s (%v): %v", q, mode, err)
			}
			var one int
			if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil {
				t.Fatalf("after %s (%v) the session is gone: %v", q, mode, err)
			}
		}
	}
}

// TestArrays reads lists in binary through pgx as PostgreSQL arrays.
func TestArrays(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	ctx := context.Background()
	var ints []*int32
	if err := c.QueryRow(ctx, "select [1, null, 3]::integer[]").Scan(&ints); err != nil {
		t.Fatal(err)
	}
	if len(ints) != 3 || *ints[0] != 1 || ints[1] != nil || *ints[2] != 3 {
		t.Errorf("integer[]: %v", ints)
	}
	var texts []string
	if err := c.QueryRow(ctx, "select ['a', 'b c', '']").Scan(&texts); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(texts, []string{"a", "b c", ""}) {
		t.Errorf("varchar[]: %q", texts)
	}
	var times []time.Time
	if err := c.QueryRow(ctx, "select [timestamptz '2026-11-27 05:06:02.5+00']").Scan(&times); err != nil {
		t.Fatal(err)
	}
	if len(times) != 1 || !times[0].Equal(time.Date(2026, 11, 27, 5, 6, 2, 500000000, time.UTC)) {
		t.Errorf("timestamptz[]: %v", times)
	}
	var nums []pgtype.Numeric
	if err := c.QueryRow(ctx, "select [1.25, -3.5]::decimal(5,2)[]").Scan(&nums); err != nil {
		t.Fatal(err)
	}
	if len(nums) != 2 || nums[0].Int.Int64() != 125 || nums[0].Exp != -2 || nums[1].Int.Int64() != -350 {
		t.Errorf("decimal[]: %+v", nums)
	}
	var empty []int64
	if err := c.QueryRow(ctx, "select []::bigint[]").Scan(&empty); err != nil || len(empty) != 0 {
		t.Errorf("empty bigint[]: %v, %v", empty, err)
	}
	var fixed []int32
	if err := c.QueryRow(ctx, "select [1, 2, 3]::integer[3]").Scan(&fixed); err != nil || !reflect.DeepEqual(fixed, []int32{1, 2, 3}) {
		t.Errorf("integer[3]: %v, %v", fixed, err)
	}
}
