package pgwire

import "strings"

// PostgreSQL's names for result columns.
//
// DuckDB names an unaliased expression after its text ("count_star()",
// "sum(bytes)", "(a + b)", "1"); PostgreSQL names it after what it is: a
// column its column ("saddr"), a function call its function ("count",
// "sum"), a cast what it casts or else its type ("int4"), CASE "case",
// EXISTS "exists", anything else "?column?". Dashboards and psql show
// these names, so the server gives PostgreSQL's, from the parse tree the
// read-only check already has. An alias always wins, as in both.

// pgColumnNames gives the PostgreSQL name of each result column of a
// single SELECT ("" where DuckDB's name is kept), or nil when the columns
// cannot be matched to the select list one for one (a *, COLUMNS(...), a
// set operation).
func pgColumnNames(stmt any) []string {
	st, _ := stmt.(map[string]any)
	node, _ := st["node"].(map[string]any)
	if node == nil || node["type"] != "SELECT_NODE" {
		return nil
	}
	list, _ := node["select_list"].([]any)
	if len(list) == 0 {
		return nil
	}
	names := make([]string, len(list))
	for i, e := range list {
		em, _ := e.(map[string]any)
		if em == nil {
			return nil
		}
		if alias, _ := em["alias"].(string); alias != "" {
			continue
		}
		name, ok := pgColumnName(em)
		if !ok {
			return nil
		}
		names[i] = name
	}
	return names
}

// pgColumnName is PostgreSQL's name for an unaliased expression; ok is
// false for one that stands for several columns. "" keeps DuckDB's name.
func pgColumnName(e map[string]any) (name string, ok bool) {
	switch e["class"] {
	case "STAR":
		return "", false
	case "COLUMN_REF":
		parts, _ := e["column_names"].([]any)
		if len(parts) == 0 {
			return "", true
		}
		s, _ := parts[len(parts)-1].(string)
		return s, true
	case "FUNCTION", "WINDOW":
		if op, _ := e["is_operator"].(bool); op {
			return "?column?", true
		}
		fn, _ := e["function_name"].(string)
		switch fn {
		case "count_star":
			return "count", true
		case "unnest", "unlist":
			return "", false
		}
		// The catalog rewrite calls PostgreSQL's functions through
		// macros named tapdb_<name> (tapdb_format_type, tapdb_version).
		return strings.TrimPrefix(fn, "tapdb_"), true
	case "CAST":
		if child, _ := e["child"].(map[string]any); child != nil {
			if name, ok := pgColumnName(child); ok && name != "?column?" && name != "" {
				return name, true
			}
		}
		t, _ := e["cast_type"].(map[string]any)
		id, _ := t["id"].(string)
		return pgCastTypeNames[id], true
	case "CASE":
		return "case", true
	case "SUBQUERY":
		switch e["subquery_type"] {
		case "EXISTS":
			return "exists", true
		case "SCALAR":
			sub, _ := e["subquery"].(map[string]any)
			node, _ := sub["node"].(map[string]any)
			list, _ := node["select_list"].([]any)
			if len(list) != 1 {
				return "", true
			}
			first, _ := list[0].(map[string]any)
			if alias, _ := first["alias"].(string); alias != "" {
				return alias, true
			}
			if first == nil {
				return "", true
			}
			return pgColumnName(first)
		}
		return "?column?", true
	case "OPERATOR":
		switch e["type"] {
		case "OPERATOR_COALESCE":
			return "coalesce", true
		case "OPERATOR_NULLIF":
			return "nullif", true
		}
		return "?column?", true
	case "CONSTANT", "COMPARISON", "CONJUNCTION", "BETWEEN":
		return "?column?", true
	}
	return "", true
}

// pgCastTypeNames are PostgreSQL's names of the types a cast of an
// unnamed expression is named after; other types keep DuckDB's name.
var pgCastTypeNames = map[string]string{
	"BOOLEAN":                  "bool",
	"SMALLINT":                 "int2",
	"INTEGER":                  "int4",
	"BIGINT":                   "int8",
	"FLOAT":                    "float4",
	"DOUBLE":                   "float8",
	"DECIMAL":                  "numeric",
	"VARCHAR":                  "text",
	"DATE":                     "date",
	"TIME":                     "time",
	"TIMESTAMP":                "timestamp",
	"TIMESTAMP WITH TIME ZONE": "timestamptz",
	"TIMESTAMP_TZ":             "timestamptz",
	"INTERVAL":                 "interval",
	"UUID":                     "uuid",
	"BLOB":                     "bytea",
}

// rename gives the described columns PostgreSQL's names.
func (c *checkInfo) rename(cols []column) {
	if len(c.names) != len(cols) {
		return
	}
	for i, name := range c.names {
		if name != "" {
			cols[i].name = name
		}
	}
}
