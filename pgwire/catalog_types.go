package pgwire

import (
	"fmt"
	"strings"
)

// pgTypeRow is one row of the tapdb_pg_type view: the PostgreSQL types the
// server sends, with their real OIDs.
type pgTypeRow struct {
	oid      uint32
	name     string // pg_type.typname
	sqlName  string // format_type's name
	length   int    // typlen
	category string // typcategory
}

var pgTypeRows = []pgTypeRow{
	{oidBool, "bool", "boolean", 1, "B"},
	{oidBytea, "bytea", "bytea", -1, "U"},
	{oidInt8, "int8", "bigint", 8, "N"},
	{oidInt2, "int2", "smallint", 2, "N"},
	{oidInt4, "int4", "integer", 4, "N"},
	{oidText, "text", "text", -1, "S"},
	{oidOID, "oid", "oid", 4, "N"},
	{oidJSON, "json", "json", -1, "U"},
	{oidFloat4, "float4", "real", 4, "N"},
	{oidFloat8, "float8", "double precision", 8, "N"},
	{oidBPChar, "bpchar", "character", -1, "S"},
	{oidVarchar, "varchar", "character varying", -1, "S"},
	{oidDate, "date", "date", 4, "D"},
	{oidTime, "time", "time without time zone", 8, "D"},
	{oidTimestamp, "timestamp", "timestamp without time zone", 8, "D"},
	{oidTimestamptz, "timestamptz", "timestamp with time zone", 8, "D"},
	{oidInterval, "interval", "interval", 16, "T"},
	{oidNumeric, "numeric", "numeric", -1, "N"},
	{oidUUID, "uuid", "uuid", 16, "U"},
	{oidName, "name", "name", 64, "S"},
}

// duckToPGOid is a CASE expression mapping a DuckDB type name (as
// duckdb_columns().data_type spells it) in expr to a PostgreSQL OID,
// following colTypeOf.
func duckToPGOid(expr string) string {
	return fmt.Sprintf(`CASE
 WHEN %[1]s = 'BOOLEAN' THEN %[2]d
 WHEN %[1]s IN ('TINYINT', 'SMALLINT', 'UTINYINT') THEN %[3]d
 WHEN %[1]s IN ('INTEGER', 'USMALLINT') THEN %[4]d
 WHEN %[1]s IN ('BIGINT', 'UINTEGER') THEN %[5]d
 WHEN %[1]s IN ('UBIGINT', 'HUGEINT', 'UHUGEINT', 'BIGNUM') OR %[1]s LIKE 'DECIMAL%%' THEN %[6]d
 WHEN %[1]s = 'FLOAT' THEN %[7]d
 WHEN %[1]s = 'DOUBLE' THEN %[8]d
 WHEN %[1]s = 'BLOB' THEN %[9]d
 WHEN %[1]s = 'DATE' THEN %[10]d
 WHEN %[1]s = 'TIME' THEN %[11]d
 WHEN %[1]s = 'TIMESTAMP WITH TIME ZONE' THEN %[12]d
 WHEN %[1]s LIKE 'TIMESTAMP%%' THEN %[13]d
 WHEN %[1]s = 'INTERVAL' THEN %[14]d
 WHEN %[1]s = 'UUID' THEN %[15]d
 WHEN %[1]s = 'JSON' THEN %[16]d
 ELSE %[17]d END`, expr, oidBool, oidInt2, oidInt4, oidInt8, oidNumeric, oidFloat4, oidFloat8, oidBytea,
		oidDate, oidTime, oidTimestamptz, oidTimestamp, oidInterval, oidUUID, oidJSON, oidText)
}

// typeCatalogSQL creates the views and macros that give the catalog
// PostgreSQL's type OIDs: tapdb_pg_type, tapdb_pg_attribute (atttypid and
// atttypmod of every column in PostgreSQL's terms) and tapdb_format_type.
func typeCatalogSQL() []string {
	var rows, names []string
	for _, t := range pgTypeRows {
		arr := arrayOIDs[t.oid]
		rows = append(rows, fmt.Sprintf("(%d, '%s', %d, '%s', 0, %d)", t.oid, t.name, t.length, t.category, arr))
		names = append(names, fmt.Sprintf("WHEN %d THEN '%s'", t.oid, t.sqlName))
		if arr != 0 {
			rows = append(rows, fmt.Sprintf("(%d, '_%s', -1, 'A', %d, 0)", arr, t.name, t.oid))
			names = append(names, fmt.Sprintf("WHEN %d THEN '%s[]'", arr, t.sqlName))
		}
	}
	return []string{
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_type AS SELECT oid::BIGINT AS oid, typname, 11::BIGINT AS typnamespace, 10::BIGINT AS typowner, " +
			"typlen::SMALLINT AS typlen, typlen > 0 AS typbyval, 'b' AS typtype, typcategory, false AS typispreferred, true AS typisdefined, " +
			"',' AS typdelim, 0::BIGINT AS typrelid, typelem::BIGINT AS typelem, typarray::BIGINT AS typarray, typname || 'in' AS typinput, " +
			"typname || 'out' AS typoutput, typname || 'recv' AS typreceive, typname || 'send' AS typsend, 'i' AS typalign, 'p' AS typstorage, " +
			"false AS typnotnull, 0::BIGINT AS typbasetype, -1 AS typtypmod, 0 AS typndims, 0::BIGINT AS typcollation, " +
			"NULL::VARCHAR AS typdefault, NULL::VARCHAR[] AS typacl FROM (VALUES " + strings.Join(rows, ", ") + ") v(oid, typname, typlen, typcategory, typelem, typarray)",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_attribute AS SELECT a.* REPLACE (" +
			"coalesce(" + duckToPGOid("c.data_type") + ", a.atttypid)::BIGINT AS atttypid, " +
			"CASE WHEN c.data_type LIKE 'DECIMAL(%' THEN ((c.numeric_precision << 16) | c.numeric_scale) + 4 ELSE -1 END AS atttypmod) " +
			"FROM pg_catalog.pg_attribute a LEFT JOIN duckdb_columns() c ON c.table_oid = a.attrelid AND c.column_index = a.attnum",
		"CREATE OR REPLACE TEMP MACRO tapdb_format_type(t, m) AS CASE WHEN t = " + fmt.Sprint(oidNumeric) + " AND m > 4 THEN " +
			"'numeric(' || ((m - 4) >> 16) || ',' || ((m - 4) & 65535) || ')' ELSE CASE t " + strings.Join(names, " ") + " ELSE '???' END END",
	}
}

// pgTypeName is a CASE expression naming the PostgreSQL type whose OID is
// oidExpr: as format_type and information_schema's data_type spell it
// (sql), or pg_type.typname.
func pgTypeName(oidExpr string, sql bool) string {
	var b strings.Builder
	b.WriteString("CASE " + oidExpr)
	for _, t := range pgTypeRows {
		name := t.name
		if sql {
			name = t.sqlName
		}
		fmt.Fprintf(&b, " WHEN %d THEN '%s'", t.oid, name)
	}
	b.WriteString(" END")
	return b.String()
}
