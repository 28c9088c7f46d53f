package pgwire

import (
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgtype"

	"tapdb/internal/duckc"
)

// PostgreSQL type OIDs the server reports (pg_type.oid).
const (
	oidBool        uint32 = pgtype.BoolOID
	oidBytea       uint32 = pgtype.ByteaOID
	oidInt8        uint32 = pgtype.Int8OID
	oidInt2        uint32 = pgtype.Int2OID
	oidInt4        uint32 = pgtype.Int4OID
	oidText        uint32 = pgtype.TextOID
	oidJSON        uint32 = pgtype.JSONOID
	oidFloat4      uint32 = pgtype.Float4OID
	oidFloat8      uint32 = pgtype.Float8OID
	oidUnknown     uint32 = 705
	oidVarchar     uint32 = pgtype.VarcharOID
	oidBPChar      uint32 = pgtype.BPCharOID
	oidName        uint32 = pgtype.NameOID
	oidDate        uint32 = pgtype.DateOID
	oidTime        uint32 = pgtype.TimeOID
	oidTimestamp   uint32 = pgtype.TimestampOID
	oidTimestamptz uint32 = pgtype.TimestamptzOID
	oidInterval    uint32 = pgtype.IntervalOID
	oidTimetz      uint32 = 1266
	oidNumeric     uint32 = pgtype.NumericOID
	oidUUID        uint32 = pgtype.UUIDOID
	oidJSONB       uint32 = pgtype.JSONBOID
	oidOID         uint32 = pgtype.OIDOID
)

// colType is the wire description of a result column's type.
type colType struct {
	oid   uint32
	size  int16 // pg_type.typlen
	mod   int32 // atttypmod, -1 if none
	duck  duckdb.Type
	scale int      // DECIMAL scale
	elem  *colType // an array's element type
}

// colTypeOf maps a driver's column type to its PostgreSQL equivalent.
func colTypeOf(ti duckdb.TypeInfo) colType {
	if ti == nil {
		return colType{oid: oidText, size: -1, mod: -1, duck: duckdb.TYPE_VARCHAR}
	}
	var width, scale uint8
	if d, ok := ti.Details().(*duckdb.DecimalDetails); ok {
		width, scale = d.Width, d.Scale
	}
	return colTypeFor(ti.InternalType(), ti.Alias(), width, scale)
}

// colTypeOfNative maps a C API column type to its PostgreSQL equivalent:
// a list of a type with a PostgreSQL counterpart is that type's array.
func colTypeOfNative(t duckc.Type) colType {
	if (t.ID == duckdb.TYPE_LIST || t.ID == duckdb.TYPE_ARRAY) && t.Elem != nil {
		if ct, ok := arrayOf(colTypeOfNative(*t.Elem)); ok {
			ct.duck = t.ID
			return ct
		}
	}
	return colTypeFor(t.ID, t.Alias, t.Width, t.Scale)
}

// colTypeFor maps a DuckDB type (with its alias, and a DECIMAL's width and
// scale) to its PostgreSQL equivalent.
func colTypeFor(t duckdb.Type, alias string, width, scale uint8) colType {
	ct := colType{size: -1, mod: -1, duck: t}
	switch t {
	case duckdb.TYPE_BOOLEAN:
		ct.oid, ct.size = oidBool, 1
	case duckdb.TYPE_TINYINT, duckdb.TYPE_SMALLINT, duckdb.TYPE_UTINYINT:
		ct.oid, ct.size = oidInt2, 2
	case duckdb.TYPE_INTEGER, duckdb.TYPE_USMALLINT:
		ct.oid, ct.size = oidInt4, 4
	case duckdb.TYPE_BIGINT, duckdb.TYPE_UINTEGER:
		ct.oid, ct.size = oidInt8, 8
	case duckdb.TYPE_UBIGINT, duckdb.TYPE_HUGEINT, duckdb.TYPE_UHUGEINT, duckdb.TYPE_BIGNUM:
		ct.oid = oidNumeric
	case duckdb.TYPE_DECIMAL:
		ct.oid = oidNumeric
		if width > 0 {
			ct.mod = int32(width)<<16 | int32(scale) + 4
			ct.scale = int(scale)
		}
	case duckdb.TYPE_FLOAT:
		ct.oid, ct.size = oidFloat4, 4
	case duckdb.TYPE_DOUBLE:
		ct.oid, ct.size = oidFloat8, 8
	case duckdb.TYPE_VARCHAR:
		ct.oid = oidText
		if alias == "JSON" {
			ct.oid = oidJSON
		}
	case duckdb.TYPE_BLOB:
		ct.oid = oidBytea
	case duckdb.TYPE_DATE:
		ct.oid, ct.size = oidDate, 4
	case duckdb.TYPE_TIMESTAMP, duckdb.TYPE_TIMESTAMP_S, duckdb.TYPE_TIMESTAMP_MS, duckdb.TYPE_TIMESTAMP_NS:
		ct.oid, ct.size = oidTimestamp, 8
	case duckdb.TYPE_TIMESTAMP_TZ:
		ct.oid, ct.size = oidTimestamptz, 8
	case duckdb.TYPE_TIME:
		ct.oid, ct.size = oidTime, 8
	case duckdb.TYPE_INTERVAL:
		ct.oid, ct.size = oidInterval, 16
	case duckdb.TYPE_UUID:
		ct.oid, ct.size = oidUUID, 16
	default:
		// ENUM, TIME WITH TIME ZONE, nested types, BIT, NULL: sent as text.
		ct.oid = oidText
	}
	return ct
}

// oidOfParam maps a DuckDB parameter type to the OID reported in
// ParameterDescription; unresolved parameters are text.
func oidOfParam(t duckdb.Type) uint32 {
	switch t {
	case duckdb.TYPE_INVALID, duckdb.TYPE_ANY, duckdb.TYPE_SQLNULL:
		return oidText
	case duckdb.TYPE_DECIMAL:
		return oidNumeric
	}
	ti, err := duckdb.NewTypeInfo(t)
	if err != nil {
		return oidText
	}
	return colTypeOf(ti).oid
}

// binaryCapable reports whether the server can send or receive oid in
// binary format.
func binaryCapable(oid uint32) bool {
	for elem, arr := range arrayOIDs {
		if oid == arr {
			return binaryCapable(elem)
		}
	}
	switch oid {
	case oidBool, oidInt2, oidInt4, oidInt8, oidFloat4, oidFloat8, oidNumeric,
		oidText, oidVarchar, oidBPChar, oidName, oidUnknown, oidBytea, oidDate,
		oidTime, oidTimestamp, oidTimestamptz, oidInterval, oidUUID, oidJSON, oidJSONB:
		return true
	}
	return false
}

// duckTypeNames maps the driver's type names (ColumnTypeDatabaseTypeName)
// to types.
var duckTypeNames = map[string]duckdb.Type{
	"BOOLEAN": duckdb.TYPE_BOOLEAN, "TINYINT": duckdb.TYPE_TINYINT, "SMALLINT": duckdb.TYPE_SMALLINT,
	"INTEGER": duckdb.TYPE_INTEGER, "BIGINT": duckdb.TYPE_BIGINT, "UTINYINT": duckdb.TYPE_UTINYINT,
	"USMALLINT": duckdb.TYPE_USMALLINT, "UINTEGER": duckdb.TYPE_UINTEGER, "UBIGINT": duckdb.TYPE_UBIGINT,
	"FLOAT": duckdb.TYPE_FLOAT, "DOUBLE": duckdb.TYPE_DOUBLE, "TIMESTAMP": duckdb.TYPE_TIMESTAMP,
	"DATE": duckdb.TYPE_DATE, "TIME": duckdb.TYPE_TIME, "INTERVAL": duckdb.TYPE_INTERVAL,
	"HUGEINT": duckdb.TYPE_HUGEINT, "UHUGEINT": duckdb.TYPE_UHUGEINT, "VARCHAR": duckdb.TYPE_VARCHAR,
	"BLOB": duckdb.TYPE_BLOB, "TIMESTAMP_S": duckdb.TYPE_TIMESTAMP_S, "TIMESTAMP_MS": duckdb.TYPE_TIMESTAMP_MS,
	"TIMESTAMP_NS": duckdb.TYPE_TIMESTAMP_NS, "UUID": duckdb.TYPE_UUID, "TIMESTAMPTZ": duckdb.TYPE_TIMESTAMP_TZ,
	"BIGNUM": duckdb.TYPE_BIGNUM,
}

// colTypeFromName maps a driver type name ("INTEGER", "DECIMAL(18,3)",
// "JSON", "VARCHAR[]" …) to its wire type.
func colTypeFromName(name string) colType {
	text := colType{oid: oidText, size: -1, mod: -1, duck: duckdb.TYPE_VARCHAR}
	if name == "JSON" {
		text.oid = oidJSON
		return text
	}
	if rest, ok := strings.CutPrefix(name, "DECIMAL("); ok {
		w, s, _ := strings.Cut(strings.TrimSuffix(rest, ")"), ",")
		wi, err1 := strconv.Atoi(w)
		si, err2 := strconv.Atoi(s)
		if err1 == nil && err2 == nil && wi > 0 && wi <= 38 && si >= 0 && si <= wi {
			if ti, err := duckdb.NewDecimalInfo(uint8(wi), uint8(si)); err == nil {
				return colTypeOf(ti)
			}
		}
		return colType{oid: oidNumeric, size: -1, mod: -1, duck: duckdb.TYPE_DECIMAL}
	}
	if t, ok := duckTypeNames[name]; ok {
		if ti, err := duckdb.NewTypeInfo(t); err == nil {
			return colTypeOf(ti)
		}
	}
	return text
}

// castFor is the DuckDB type a parameter of a client-given OID is cast to,
// "" to let DuckDB infer it.
func castFor(oid uint32) string {
	switch oid {
	case oidBool:
		return "BOOLEAN"
	case oidInt2:
		return "SMALLINT"
	case oidInt4:
		return "INTEGER"
	case oidInt8:
		return "BIGINT"
	case oidFloat4:
		return "FLOAT"
	case oidFloat8:
		return "DOUBLE"
	case oidText, oidVarchar, oidBPChar, oidName:
		return "VARCHAR"
	case oidBytea:
		return "BLOB"
	case oidDate:
		return "DATE"
	case oidTime:
		return "TIME"
	case oidTimestamp:
		return "TIMESTAMP"
	case oidTimestamptz:
		return "TIMESTAMPTZ"
	case oidInterval:
		return "INTERVAL"
	case oidUUID:
		return "UUID"
	case oidJSON:
		return "JSON"
	}
	return ""
}

// typeParams rewrites each $n whose type the client gave as ($n::TYPE), so
// that client-given types win over DuckDB's inference.
func typeParams(sql string, oids []uint32) string {
	var b strings.Builder
	last := 0
	for _, t := range tokenize(sql) {
		if t.kind != tokParam {
			continue
		}
		n, err := strconv.Atoi(t.text[1:])
		if err != nil || n < 1 || n > len(oids) {
			continue
		}
		cast := castFor(oids[n-1])
		if cast == "" {
			continue
		}
		b.WriteString(sql[last:t.pos])
		b.WriteString("(" + t.text + "::" + cast + ")")
		last = t.end
	}
	if last == 0 {
		return sql
	}
	b.WriteString(sql[last:])
	return b.String()
}
