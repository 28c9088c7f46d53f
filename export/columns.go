package export

import (
	"fmt"
	"strings"

	"tapdb/schema"
)

// partitionColumn is the stored column the lake's paths carry (srcid=…)
// instead of the files.
const partitionColumn = "srcid"

// Column is a column of the lake's Parquet files.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`           // its type in the files, as DuckDB names it
	From string `json:"from,omitempty"` // the store's type, when the files hold another
	Doc  string `json:"doc"`
	expr string // the SELECT expression over the flows table
}

// Derived is a column the store computes and the lake does not hold: its
// expression over the stored columns (DuckDB SQL) lets a reader compute it.
type Derived struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Expr string `json:"expr"`
}

// fileColumns are the Parquet files' columns, in the column table's order:
// every stored column but the partition column, the address numbers as
// their 128-bit values rather than the store's 64-bit halves. Unsigned integers are
// widened to the signed type the Postgres endpoint reports (not every
// engine reads Parquet's unsigned annotations); 128-bit address numbers
// become 16 bytes, big-endian (DuckDB writes a UHUGEINT to Parquet as a
// DOUBLE, which loses IPv6 addresses).
func fileColumns() ([]Column, error) {
	var out []Column
	for _, c := range schema.Columns() {
		if c.Name == partitionColumn {
			continue
		}
		if c.Kind == schema.KindAddrNum {
			// The store keeps an address number as two 64-bit halves
			// and derives the 128-bit value; the lake keeps the value.
			if c.Stored() {
				continue
			}
		} else if !c.Stored() {
			continue
		}
		col := Column{Name: c.Name, Type: c.Type, Doc: c.Doc, expr: schema.QuoteIdent(c.Name)}
		switch c.Type {
		case "TIMESTAMPTZ", "VARCHAR", "INTEGER", "BIGINT", "DOUBLE", "SMALLINT", "BOOLEAN":
		case "UTINYINT", "USMALLINT", "UINTEGER":
			t, ok := signedType(c.PGType)
			if !ok {
				return nil, fmt.Errorf("column %s: no signed type for Postgres type %d", c.Name, c.PGType)
			}
			col.Type, col.From = t, c.Type
			col.expr = fmt.Sprintf("CAST(%s AS %s)", schema.QuoteIdent(c.Name), t)
		case "UHUGEINT":
			// A UHUGEINT cast to BIT is its 128 bits, most significant
			// first; as a BLOB, 16 bytes whose lexicographic order is
			// the numbers' order.
			col.Type, col.From = "BLOB", c.Type
			col.Doc += "; 16 bytes, big-endian (IPv4 as ::ffff:a.b.c.d)"
			v := schema.QuoteIdent(c.Name)
			if !c.Stored() {
				v = "(" + c.Expr + ")" // not the generated column by name: the alias would shadow it
			}
			col.expr = fmt.Sprintf("CAST(CAST(%s AS BIT) AS BLOB)", v)
		default:
			return nil, fmt.Errorf("column %s: no Parquet form for type %s", c.Name, c.Type)
		}
		out = append(out, col)
	}
	return out, nil
}

// signedType is the signed DuckDB type of a Postgres integer type.
func signedType(oid uint32) (string, bool) {
	switch oid {
	case schema.OIDInt2:
		return "SMALLINT", true
	case schema.OIDInt4:
		return "INTEGER", true
	case schema.OIDInt8:
		return "BIGINT", true
	}
	return "", false
}

// derivedColumns are the column table's derived columns.
func derivedColumns() []Derived {
	var out []Derived
	for _, c := range schema.Columns() {
		if !c.Stored() && c.Kind != schema.KindAddrNum { // the address numbers are in the files
			out = append(out, Derived{Name: c.Name, Type: c.Type, Expr: c.Expr})
		}
	}
	return out
}

// selectList is the files' columns as a SELECT list over the flows table.
func selectList(cols []Column) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.expr)
		if c.expr != schema.QuoteIdent(c.Name) {
			b.WriteString(" AS " + schema.QuoteIdent(c.Name))
		}
	}
	return b.String()
}
