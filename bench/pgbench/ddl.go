package main

import (
	"fmt"
	"io"
	"strings"

	"tapdb/schema"
)

// pgTypeNames maps the wire types of the column table to PostgreSQL type
// names. Unsigned DuckDB integers are reported one size up, so their values
// fit.
var pgTypeNames = map[uint32]string{
	schema.OIDBool:        "boolean",
	schema.OIDInt2:        "smallint",
	schema.OIDInt4:        "integer",
	schema.OIDInt8:        "bigint",
	schema.OIDText:        "text",
	schema.OIDVarchar:     "text",
	schema.OIDFloat8:      "double precision",
	schema.OIDTimestamptz: "timestamptz",
	schema.OIDNumeric:     "numeric(39,0)",
}

// writeDDL writes the PostgreSQL table holding the stored columns of the
// flow table, and the indexes a DBA would add for dashboards.
func writeDDL(w io.Writer) error {
	cols := schema.StoredColumns()
	defs := make([]string, 0, len(cols))
	for _, c := range cols {
		t, ok := pgTypeNames[c.PGType]
		if !ok {
			return fmt.Errorf("column %s: no PostgreSQL type for OID %d", c.Name, c.PGType)
		}
		defs = append(defs, fmt.Sprintf("\t%s %s", c.Name, t))
	}
	_, err := fmt.Fprintf(w, "CREATE TABLE flows (\n%s\n);\n", strings.Join(defs, ",\n"))
	if err != nil {
		return fmt.Errorf("writing DDL: %w", err)
	}
	return nil
}

// indexDDL is run after the load: a btree on the time column that
// dashboards filter on, and one on the source address.
const indexDDL = `CREATE INDEX flows_stime ON flows (stime);
CREATE INDEX flows_saddr ON flows (saddr);
`

// columnList is the stored columns, comma-separated.
func columnList() string {
	cols := schema.StoredColumns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ",")
}
