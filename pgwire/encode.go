package pgwire

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgtype"

	"tapdb/schema/rafmt"
)

// appendText appends v, a value read from the DuckDB driver, in
// PostgreSQL's text output format for ct.
func appendText(buf []byte, v any, ct colType) []byte {
	if l, ok := v.([]any); ok && ct.elem != nil {
		return appendArrayText(buf, l, *ct.elem)
	}
	switch x := v.(type) {
	case bool:
		if x {
			return append(buf, 't')
		}
		return append(buf, 'f')
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		out, _ := rafmt.AppendInt(buf, x)
		return out
	case float32:
		return appendFloat(buf, float64(x), 32)
	case float64:
		return appendFloat(buf, x, 64)
	case string:
		return append(buf, x...)
	case []byte:
		if ct.oid == oidUUID && len(x) == 16 {
			return appendUUID(buf, x)
		}
		if ct.oid == oidText || ct.oid == oidJSON {
			return append(buf, x...)
		}
		buf = append(buf, '\\', 'x')
		return hex.AppendEncode(buf, x)
	case time.Time:
		if inf := timestampInfinity(x, ct.oid); inf != 0 {
			if inf < 0 {
				buf = append(buf, '-')
			}
			return append(buf, "infinity"...)
		}
		return appendTime(buf, x, ct.oid)
	case duckdb.Interval:
		return appendInterval(buf, x)
	case *big.Int:
		if x == nil {
			return buf
		}
		return x.Append(buf, 10)
	case duckdb.Decimal:
		return appendDecimal(buf, x.Value, int(x.Scale))
	case duckdb.UUID:
		return appendUUID(buf, x[:])
	default:
		if ct.oid == oidJSON {
			b, err := json.Marshal(v)
			if err == nil {
				return append(buf, b...)
			}
		}
		return appendNested(buf, v)
	}
}

// appendNested renders nested DuckDB values (lists, structs, maps) the way
// DuckDB prints them.
func appendNested(buf []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, "NULL"...)
	case []any:
		buf = append(buf, '[')
		for i, e := range x {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = appendNested(buf, e)
		}
		return append(buf, ']')
	case map[string]any:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Append(buf, x)
		}
		return append(buf, b...)
	case string:
		return append(buf, x...)
	case bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64,
		[]byte, time.Time, duckdb.Interval, *big.Int, duckdb.Decimal, duckdb.UUID:
		return appendText(buf, v, colType{oid: oidText})
	default:
		// Types appendText does not know (duckdb.OrderedMap, duckdb.Union,
		// …): their Go form. Never appendText, which would come back here.
		return fmt.Append(buf, v)
	}
}

// appendFloat prints f as PostgreSQL 12+ does with extra_float_digits >= 1:
// the shortest string that reads back exactly, in exponent notation when the
// decimal exponent is below -4 or at least 15 (6 for float4).
func appendFloat(buf []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "NaN"...)
	case math.IsInf(f, 1):
		return append(buf, "Infinity"...)
	case math.IsInf(f, -1):
		return append(buf, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(buf, "-0"...)
		}
		return append(buf, '0')
	}
	e := strconv.FormatFloat(f, 'e', -1, bits)
	k := strings.LastIndexByte(e, 'e')
	exp, _ := strconv.Atoi(e[k+1:])
	limit := 15
	if bits == 32 {
		limit = 6
	}
	if exp < -4 || exp >= limit {
		return append(buf, e...)
	}
	return strconv.AppendFloat(buf, f, 'f', -1, bits)
}

// appendDecimal prints an unscaled integer with scale digits after the
// point, as numeric prints.
func appendDecimal(buf []byte, v *big.Int, scale int) []byte {
	if v == nil {
		return buf
	}
	s := v.String()
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
		buf = append(buf, '-')
	}
	if scale <= 0 {
		return append(buf, s...)
	}
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	buf = append(buf, s[:len(s)-scale]...)
	buf = append(buf, '.')
	return append(buf, s[len(s)-scale:]...)
}

func appendUUID(buf []byte, b []byte) []byte {
	var dst [36]byte
	hex.Encode(dst[0:8], b[0:4])
	dst[8] = '-'
	hex.Encode(dst[9:13], b[4:6])
	dst[13] = '-'
	hex.Encode(dst[14:18], b[6:8])
	dst[18] = '-'
	hex.Encode(dst[19:23], b[8:10])
	dst[23] = '-'
	hex.Encode(dst[24:], b[10:16])
	return append(buf, dst[:]...)
}

// timestampInfinity tells DuckDB's infinite timestamps, which the driver
// hands over as the times of ±(2⁶³-1) µs: 1 for infinity, -1 for
// -infinity, 0 for a finite time or another type.
func timestampInfinity(t time.Time, oid uint32) int {
	if oid != oidTimestamp && oid != oidTimestamptz {
		return 0
	}
	switch t.UnixMicro() {
	case math.MaxInt64:
		return 1
	case -math.MaxInt64:
		return -1
	}
	return 0
}

// appendTime prints dates and times in the ISO DateStyle, UTC.
func appendTime(buf []byte, t time.Time, oid uint32) []byte {
	t = t.UTC()
	bc := t.Year() <= 0
	if bc {
		// Year 0 is 1 BC in PostgreSQL's proleptic calendar.
		t = t.AddDate(-2*t.Year()+1, 0, 0)
	}
	switch oid {
	case oidDate:
		buf = t.AppendFormat(buf, "2006-01-02")
	case oidTime:
		buf = t.AppendFormat(buf, "15:04:05.999999")
	case oidTimestamp:
		buf = t.AppendFormat(buf, "2006-01-02 15:04:05.999999")
	default:
		buf = t.AppendFormat(buf, "2006-01-02 15:04:05.999999")
		buf = append(buf, "+00"...)
	}
	if bc {
		buf = append(buf, " BC"...)
	}
	return buf
}

// appendInterval prints an interval in the "postgres" IntervalStyle.
func appendInterval(buf []byte, iv duckdb.Interval) []byte {
	start := len(buf)
	part := func(n int64, unit string) {
		if n == 0 {
			return
		}
		if len(buf) > start {
			buf = append(buf, ' ')
		}
		buf = strconv.AppendInt(buf, n, 10)
		buf = append(buf, ' ')
		buf = append(buf, unit...)
		if n != 1 {
			buf = append(buf, 's')
		}
	}
	years, months := int64(iv.Months)/12, int64(iv.Months)%12
	part(years, "year")
	part(months, "mon")
	part(int64(iv.Days), "day")
	if iv.Micros != 0 || len(buf) == start {
		if len(buf) > start {
			buf = append(buf, ' ')
		}
		us := iv.Micros
		if us < 0 {
			buf = append(buf, '-')
			us = -us
		}
		h := us / 3_600_000_000
		us -= h * 3_600_000_000
		m := us / 60_000_000
		us -= m * 60_000_000
		sec := us / 1_000_000
		us -= sec * 1_000_000
		buf = fmt.Appendf(buf, "%02d:%02d:%02d", h, m, sec)
		if us != 0 {
			frac := fmt.Sprintf("%06d", us)
			buf = append(buf, '.')
			buf = append(buf, strings.TrimRight(frac, "0")...)
		}
	}
	return buf
}

// appendBinary appends v in PostgreSQL's binary format for ct, using pgx's
// pgtype codecs.
func appendBinary(m *pgtype.Map, buf []byte, v any, ct colType) ([]byte, error) {
	if l, ok := v.([]any); ok && ct.elem != nil {
		return appendArrayBinary(m, buf, l, *ct.elem)
	}
	pv, err := toPGValue(v, ct)
	if err != nil {
		return nil, err
	}
	out, err := m.Encode(ct.oid, pgtype.BinaryFormatCode, pv, buf)
	if err != nil {
		return nil, fmt.Errorf("encode %T as binary OID %d: %w", v, ct.oid, err)
	}
	return out, nil
}

// toPGValue converts a driver value to the Go type pgtype's codec for
// ct.oid expects.
func toPGValue(v any, ct colType) (any, error) {
	switch ct.oid {
	case oidBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("bool column holds %T", v)
		}
		return b, nil
	case oidInt2, oidInt4, oidInt8:
		n, ok := rafmt.Int64(v)
		if !ok {
			return nil, fmt.Errorf("integer column holds %T", v)
		}
		switch ct.oid {
		case oidInt2:
			return int16(n), nil
		case oidInt4:
			return int32(n), nil
		}
		return n, nil
	case oidFloat4:
		f, ok := v.(float32)
		if !ok {
			return nil, fmt.Errorf("float4 column holds %T", v)
		}
		return f, nil
	case oidFloat8:
		f, ok := v.(float64)
		if !ok {
			return nil, fmt.Errorf("float8 column holds %T", v)
		}
		return f, nil
	case oidNumeric:
		switch x := v.(type) {
		case duckdb.Decimal:
			return pgtype.Numeric{Int: x.Value, Exp: -int32(x.Scale), Valid: true}, nil
		case *big.Int:
			return pgtype.Numeric{Int: x, Valid: true}, nil
		}
		if n, ok := rafmt.Int64(v); ok {
			return pgtype.Numeric{Int: big.NewInt(n), Valid: true}, nil
		}
		if u, ok := v.(uint64); ok {
			return pgtype.Numeric{Int: new(big.Int).SetUint64(u), Valid: true}, nil
		}
		return nil, fmt.Errorf("numeric column holds %T", v)
	case oidDate, oidTimestamp, oidTimestamptz:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("time column holds %T", v)
		}
		if ct.oid == oidDate {
			return pgtype.Date{Time: t, Valid: true}, nil
		}
		inf := pgtype.InfinityModifier(timestampInfinity(t, ct.oid))
		if inf != 0 {
			t = time.Time{}
		}
		if ct.oid == oidTimestamp {
			return pgtype.Timestamp{Time: t, InfinityModifier: inf, Valid: true}, nil
		}
		return pgtype.Timestamptz{Time: t, InfinityModifier: inf, Valid: true}, nil
	case oidTime:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("time column holds %T", v)
		}
		us := int64(t.Hour())*3_600_000_000 + int64(t.Minute())*60_000_000 + int64(t.Second())*1_000_000 + int64(t.Nanosecond()/1000)
		return pgtype.Time{Microseconds: us, Valid: true}, nil
	case oidInterval:
		iv, ok := v.(duckdb.Interval)
		if !ok {
			return nil, fmt.Errorf("interval column holds %T", v)
		}
		return pgtype.Interval{Microseconds: iv.Micros, Days: iv.Days, Months: iv.Months, Valid: true}, nil
	case oidUUID:
		switch x := v.(type) {
		case []byte:
			if len(x) == 16 {
				var u pgtype.UUID
				copy(u.Bytes[:], x)
				u.Valid = true
				return u, nil
			}
		case duckdb.UUID:
			return pgtype.UUID{Bytes: x, Valid: true}, nil
		}
		return nil, fmt.Errorf("uuid column holds %T", v)
	case oidBytea:
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
		return nil, fmt.Errorf("bytea column holds %T", v)
	default:
		// text, json and everything sent as text: the text form.
		return string(appendText(nil, v, ct)), nil
	}
}
