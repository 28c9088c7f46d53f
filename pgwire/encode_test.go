package pgwire

import (
	"math"
	"math/big"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// TestTextEncoding compares with what PostgreSQL 15 prints for the same
// values (psql against a real server).
func TestTextEncoding(t *testing.T) {
	tests := []struct {
		v    any
		ct   colType
		want string
	}{
		{true, colType{oid: oidBool}, "t"},
		{false, colType{oid: oidBool}, "f"},
		{0.1, colType{oid: oidFloat8}, "0.1"},
		{1.0 / 3, colType{oid: oidFloat8}, "0.3333333333333333"},
		{1e15, colType{oid: oidFloat8}, "1e+15"},
		{1e14, colType{oid: oidFloat8}, "100000000000000"},
		{123456789.125, colType{oid: oidFloat8}, "123456789.125"},
		{0.0001, colType{oid: oidFloat8}, "0.0001"},
		{0.00001, colType{oid: oidFloat8}, "1e-05"},
		{-2.5e-300, colType{oid: oidFloat8}, "-2.5e-300"},
		{math.Inf(1), colType{oid: oidFloat8}, "Infinity"},
		{math.Inf(-1), colType{oid: oidFloat8}, "-Infinity"},
		{math.NaN(), colType{oid: oidFloat8}, "NaN"},
		{float32(1.1), colType{oid: oidFloat4}, "1.1"},
		{float32(1234567), colType{oid: oidFloat4}, "1.234567e+06"},
		{float32(123456), colType{oid: oidFloat4}, "123456"},
		{time.Date(2026, 11, 27, 5, 6, 2, 189339000, time.UTC), colType{oid: oidTimestamptz}, "2026-11-27 05:06:02.189339+00"},
		{time.Date(2026, 11, 27, 5, 6, 2, 0, time.UTC), colType{oid: oidTimestamptz}, "2026-11-27 05:06:02+00"},
		{time.Date(2026, 11, 27, 5, 6, 2, 500000000, time.UTC), colType{oid: oidTimestamp}, "2026-11-27 05:06:02.5"},
		{time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), colType{oid: oidDate}, "2026-01-02"},
		{time.Date(1, 1, 1, 13, 4, 5, 0, time.UTC), colType{oid: oidTime}, "13:04:05"},
		{duckdb.Interval{Months: 14, Days: 3, Micros: 4*3600e6 + 5*60e6 + 6.5e6}, colType{oid: oidInterval}, "1 year 2 mons 3 days 04:05:06.5"},
		{duckdb.Interval{Months: 1, Days: 1}, colType{oid: oidInterval}, "1 mon 1 day"},
		{duckdb.Interval{Days: -1, Micros: -3600e6}, colType{oid: oidInterval}, "-1 days -01:00:00"},
		{duckdb.Interval{}, colType{oid: oidInterval}, "00:00:00"},
		{duckdb.Decimal{Width: 10, Scale: 3, Value: big.NewInt(12340)}, colType{oid: oidNumeric}, "12.340"},
		{duckdb.Decimal{Width: 10, Scale: 3, Value: big.NewInt(-5)}, colType{oid: oidNumeric}, "-0.005"},
		{big.NewInt(0).Lsh(big.NewInt(1), 100), colType{oid: oidNumeric}, "1267650600228229401496703205376"},
		{uint64(math.MaxUint64), colType{oid: oidNumeric}, "18446744073709551615"},
		{[]byte{0, 0xab}, colType{oid: oidBytea}, `\x00ab`},
		{[]byte{0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 1}, colType{oid: oidUUID}, "0a0b0c0d-0000-4000-8000-000000000001"},
		{[]any{int32(1), nil, "x"}, colType{oid: oidText}, "[1, NULL, x]"},
		{map[string]any{"a": 1.0}, colType{oid: oidJSON}, `{"a":1}`},
	}
	for _, tc := range tests {
		if got := string(appendText(nil, tc.v, tc.ct)); got != tc.want {
			t.Errorf("%T %v: got %q, want %q", tc.v, tc.v, got, tc.want)
		}
	}
}

func TestColTypeFromName(t *testing.T) {
	tests := map[string]uint32{
		"INTEGER": oidInt4, "BIGINT": oidInt8, "DECIMAL(18,3)": oidNumeric, "HUGEINT": oidNumeric,
		"TIMESTAMPTZ": oidTimestamptz, "VARCHAR": oidText, "JSON": oidJSON, "INTEGER[]": oidText,
		"UTINYINT": oidInt2, "DOUBLE": oidFloat8,
	}
	for name, oid := range tests {
		if got := colTypeFromName(name); got.oid != oid {
			t.Errorf("%s: OID %d, want %d", name, got.oid, oid)
		}
	}
	if ct := colTypeFromName("DECIMAL(18,3)"); ct.mod != 18<<16|3+4 {
		t.Errorf("DECIMAL(18,3) typmod %d", ct.mod)
	}
}

func TestTypeParams(t *testing.T) {
	got := typeParams("select $1, '$2', $2 + $3", []uint32{oidInt8, 0, oidTimestamptz})
	if want := "select ($1::BIGINT), '$2', $2 + ($3::TIMESTAMPTZ)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestAppendTextUnknownTypes: values of types appendText does not know
// end in their Go form, not in endless recursion (a MAP once overflowed
// the server's stack).
func TestAppendTextUnknownTypes(t *testing.T) {
	var m duckdb.OrderedMap
	m.Set(int32(1), "a")
	for _, v := range []any{m, duckdb.Union{Tag: "k", Value: "x"}, struct{ A int }{1}, []any{m}} {
		if got := appendText(nil, v, colType{oid: oidText}); len(got) == 0 {
			t.Errorf("appendText(%#v) is empty", v)
		}
	}
}
