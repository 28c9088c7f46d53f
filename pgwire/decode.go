package pgwire

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgtype"
)

// decodeParam converts a Bind parameter value in the given format for oid
// into a value the DuckDB driver binds. A nil value is SQL NULL.
func decodeParam(m *pgtype.Map, oid uint32, format int16, src []byte) (any, error) {
	if src == nil {
		return nil, nil
	}
	if format == pgtype.BinaryFormatCode {
		return decodeBinaryParam(m, oid, src)
	}
	s := string(src)
	bad := func() (any, error) {
		return nil, newError(codeInvalidTextRep, "invalid input syntax for type %s: %q", typeName(oid), s)
	}
	switch oid {
	case oidBool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "t", "true", "yes", "y", "on", "1":
			return true, nil
		case "f", "false", "no", "n", "off", "0":
			return false, nil
		}
		return bad()
	case oidInt2, oidInt4, oidInt8, oidOID:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return bad()
		}
		return n, nil
	case oidFloat4, oidFloat8:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "nan", "infinity", "-infinity", "inf", "-inf":
			default:
				return bad()
			}
		}
		return f, nil
	case oidBytea:
		if rest, ok := strings.CutPrefix(s, `\x`); ok {
			b, err := hex.DecodeString(rest)
			if err != nil {
				return bad()
			}
			return b, nil
		}
		return []byte(s), nil
	case oidDate, oidTimestamp, oidTimestamptz:
		if t, ok := parseTimeText(s); ok {
			return t, nil
		}
		return s, nil
	}
	// numeric, uuid, interval, text and unknown: DuckDB casts the string to
	// the parameter's type.
	return s, nil
}

// timeLayouts are the text forms clients send for dates and timestamps.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999Z07:00:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z07",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

func parseTimeText(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func decodeBinaryParam(m *pgtype.Map, oid uint32, src []byte) (any, error) {
	bad := func(err error) (any, error) {
		return nil, newError(codeInvalidBinaryRep, "incorrect binary data format in bind parameter of type %s: %v", typeName(oid), err)
	}
	switch oid {
	case oidBool:
		var v bool
		if err := m.Scan(oid, pgtype.BinaryFormatCode, src, &v); err != nil {
			return bad(err)
		}
		return v, nil
	case oidInt2, oidInt4, oidInt8:
		var v int64
		if err := m.Scan(oid, pgtype.BinaryFormatCode, src, &v); err != nil {
			return bad(err)
		}
		return v, nil
	case oidFloat4, oidFloat8:
		var v float64
		if err := m.Scan(oid, pgtype.BinaryFormatCode, src, &v); err != nil {
			return bad(err)
		}
		return v, nil
	case oidNumeric:
		var v pgtype.Numeric
		if err := m.Scan(oid, pgtype.BinaryFormatCode, src, &v); err != nil {
			return bad(err)
		}
		dv, err := v.Value()
		if err != nil {
			return bad(err)
		}
		return dv, nil
	case oidText, oidVarchar, oidBPChar, oidName, oidUnknown, oidJSON:
		return string(src), nil
	case oidJSONB:
		if len(src) > 0 && src[0] == 1 {
			return string(src[1:]), nil
		}
		return bad(strconv.ErrSyntax)
	case oidBytea:
		return append([]byte(nil), src...), nil
	case oidDate, oidTimestamp, oidTimestamptz:
		var v time.Time
		if err := m.Scan(oid, pgtype.BinaryFormatCode, src, &v); err != nil {
			return bad(err)
		}
		return v.UTC(), nil
	case oidInterval:
		var v pgtype.Interval
		if err := m.Scan(oid, pgtype.BinaryFormatCode, src, &v); err != nil {
			return bad(err)
		}
		return duckdb.Interval{Months: v.Months, Days: v.Days, Micros: v.Microseconds}, nil
	case oidUUID:
		var v pgtype.UUID
		if err := m.Scan(oid, pgtype.BinaryFormatCode, src, &v); err != nil {
			return bad(err)
		}
		return string(appendUUID(nil, v.Bytes[:])), nil
	}
	return nil, newError(codeFeatureNotSupported, "binary format for parameter type OID %d is not supported", oid)
}

// typeName names an OID the way PostgreSQL error messages do.
func typeName(oid uint32) string {
	switch oid {
	case oidBool:
		return "boolean"
	case oidInt2:
		return "smallint"
	case oidInt4:
		return "integer"
	case oidInt8:
		return "bigint"
	case oidFloat4:
		return "real"
	case oidFloat8:
		return "double precision"
	case oidNumeric:
		return "numeric"
	case oidBytea:
		return "bytea"
	case oidDate:
		return "date"
	case oidTimestamp:
		return "timestamp without time zone"
	case oidTimestamptz:
		return "timestamp with time zone"
	case oidInterval:
		return "interval"
	case oidUUID:
		return "uuid"
	case oidJSON:
		return "json"
	}
	return "text"
}

// guessParam gives a parameter nobody typed the type its text suggests, as
// PostgreSQL resolves an unknown literal: an integer, else a float, else a
// string.
func guessParam(s string) any {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "nNiI") {
		return f
	}
	return s
}
