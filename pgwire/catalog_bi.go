package pgwire

import (
	"fmt"
	"strings"
)

// What BI and JDBC tools ask for on connect and sync (issue 12): Metabase
// (pg_matviews, pg_stat_user_tables, information_schema.columns' udt_name,
// information_schema._pg_expandarray), Grafana (pg_extension, parse_ident),
// pgjdbc's DatabaseMetaData as DBeaver calls it (pg_get_keywords,
// max_index_keys) and the functions dashboards call (to_regclass,
// pg_total_relation_size, pg_is_in_recovery, quote_literal). The store's
// own tables (tapdb_*), the session's catalog views and DuckDB's internal
// views are hidden from the catalog relations clients list tables with.

// visibleRel is a condition on a relation name column that is false for the
// names a table list must not show: the store's and the session's tapdb_*.
func visibleRel(col string) string {
	return col + ` NOT LIKE 'tapdb\_%' ESCAPE '\'`
}

// infoSchemaFuncs are information_schema functions, provided as tapdb_*
// macros of the same name.
var infoSchemaFuncs = map[string]bool{"_pg_expandarray": true}

// matchInfoSchemaFunc: information_schema._pg_expandarray( →
// tapdb__pg_expandarray(, or tapdb__pg_expandarray_rows( in a FROM list.
func matchInfoSchemaFunc(_ string, toks []token, i int) (string, int, bool) {
	if i > 0 && isPunct(toks, i-1, ".") || !isWord(toks, i, "information_schema") || !isPunct(toks, i+1, ".") ||
		i+2 >= len(toks) || toks[i+2].kind != tokWord || !infoSchemaFuncs[toks[i+2].text] || !isPunct(toks, i+3, "(") {
		return "", 0, false
	}
	if inFromList(toks, i) {
		// In a FROM list: the table macro.
		return "tapdb_" + toks[i+2].text + "_rows", 3, true
	}
	return "tapdb_" + toks[i+2].text, 3, true
}

// synonymFuncs are PostgreSQL functions DuckDB has under another name.
var synonymFuncs = map[string]string{"json_build_object": "json_object", "jsonb_build_object": "json_object"}

// matchSynonymFunc: [pg_catalog.]json_build_object( → json_object(,
// format('%s', … → printf('%s', …
func matchSynonymFunc(_ string, toks []token, i int) (string, int, bool) {
	if i > 0 && isPunct(toks, i-1, ".") {
		return "", 0, false
	}
	j := skipPGCatalog(toks, i)
	if isWord(toks, j, "format") && isPunct(toks, j+1, "(") && j+2 < len(toks) && toks[j+2].kind == tokString &&
		strings.Contains(toks[j+2].text, "%") && !strings.ContainsAny(toks[j+2].text, "{}") {
		// PostgreSQL's format('%s', x) is DuckDB's printf; DuckDB's
		// format takes {}.
		return "printf", j - i + 1, true
	}
	if j >= len(toks) || toks[j].kind != tokWord || synonymFuncs[toks[j].text] == "" || !isPunct(toks, j+1, "(") {
		return "", 0, false
	}
	return synonymFuncs[toks[j].text], j - i + 1, true
}

// inFromList reports whether toks[i] is an item of a FROM list: the
// nearest clause keyword before it at its parenthesis depth is FROM or JOIN,
// and the previous token FROM, JOIN or ','.
func inFromList(toks []token, i int) bool {
	if i == 0 || !(isWord(toks, i-1, "from", "join") || isPunct(toks, i-1, ",")) {
		return false
	}
	depth := 0
	for j := i - 1; j >= 0; j-- {
		switch {
		case isPunct(toks, j, ")"):
			depth++
		case isPunct(toks, j, "("):
			if depth == 0 {
				return false
			}
			depth--
		case depth == 0 && isWord(toks, j, "from", "join"):
			return true
		case depth == 0 && isWord(toks, j, "select", "where", "on", "group", "having", "order", "limit", "returning", "values"):
			return false
		}
	}
	return false
}

// matchArrayLiteral: '{a,"b c"}'::text[] → ['a', 'b c']::text[] (DuckDB
// casts only its own list syntax from a string). Only one-dimensional
// literals.
func matchArrayLiteral(src string, toks []token, i int) (string, int, bool) {
	if i >= len(toks) || toks[i].kind != tokString || !isPunct(toks, i+1, ":") || !isPunct(toks, i+2, ":") {
		return "", 0, false
	}
	j := skipPGCatalog(toks, i+3)
	if j >= len(toks) || toks[j].kind != tokWord || !isPunct(toks, j+1, "[") || !isPunct(toks, j+2, "]") {
		return "", 0, false
	}
	elems, ok := parsePGArray(toks[i].text)
	if !ok {
		return "", 0, false
	}
	q := make([]string, len(elems))
	for k, e := range elems {
		if e == nil {
			q[k] = "NULL"
		} else {
			q[k] = "'" + strings.ReplaceAll(*e, "'", "''") + "'"
		}
	}
	return "[" + strings.Join(q, ", ") + "]::" + src[toks[j].pos:toks[j+2].end], j + 3 - i, true
}

// parsePGArray reads a one-dimensional PostgreSQL array literal; nil
// elements are NULL.
func parsePGArray(s string) ([]*string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	var elems []*string
	if strings.TrimSpace(body) == "" {
		return elems, true
	}
	for i := 0; ; {
		for i < len(body) && body[i] == ' ' {
			i++
		}
		var b strings.Builder
		quoted := i < len(body) && body[i] == '"'
		if quoted {
			for i++; i < len(body) && body[i] != '"'; i++ {
				if body[i] == '\\' && i+1 < len(body) {
					i++
				}
				b.WriteByte(body[i])
			}
			if i >= len(body) {
				return nil, false
			}
			i++
		} else {
			for ; i < len(body) && body[i] != ','; i++ {
				if strings.ContainsRune(`{}"\`, rune(body[i])) {
					return nil, false
				}
				b.WriteByte(body[i])
			}
		}
		e := b.String()
		if !quoted {
			e = strings.TrimSpace(e)
		}
		if !quoted && strings.EqualFold(e, "null") {
			elems = append(elems, nil)
		} else {
			elems = append(elems, &e)
		}
		for i < len(body) && body[i] == ' ' {
			i++
		}
		if i >= len(body) {
			return elems, true
		}
		if body[i] != ',' {
			return nil, false
		}
		i++
	}
}

// parseIdent splits the identifier s: "a".b.C → [a, b, c], quoted parts
// kept as they are, the others lower-cased.
const parseIdent = `list_transform(regexp_extract_all(s, '("(?:[^"]|"")*"|[^."]+)'), ` +
	`e -> CASE WHEN e[1] = '"' THEN replace(e[2:-2], '""', '"') ELSE lower(trim(e)) END)`

// expandArray is information_schema._pg_expandarray(a): one (x, n) per
// element, n from 1.
const expandArray = "unnest(list_transform(range(len(a)), i -> {'x': a[i + 1], 'n': (i + 1)::INTEGER}))"

// biCatalogSQL creates the session's relations and macros of this file.
func biCatalogSQL() []string {
	var keywords strings.Builder
	for _, k := range [][2]string{{"reserved", "R"}, {"unreserved", "U"}, {"type_function", "T"}, {"column_name", "C"}} {
		fmt.Fprintf(&keywords, " WHEN '%s' THEN '%s'", k[0], k[1])
	}
	return []string{
		// No materialized views.
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_matviews AS SELECT ''::VARCHAR AS schemaname, ''::VARCHAR AS matviewname, " +
			"''::VARCHAR AS matviewowner, NULL::VARCHAR AS tablespace, false AS hasindexes, true AS ispopulated, " +
			"''::VARCHAR AS definition WHERE false",
		// Only PL/pgSQL, as in a new PostgreSQL database: no TimescaleDB.
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_extension AS SELECT 13540::BIGINT AS oid, 'plpgsql' AS extname, 10::BIGINT AS extowner, " +
			"11::BIGINT AS extnamespace, false AS extrelocatable, '1.0' AS extversion, NULL::BIGINT[] AS extconfig, NULL::VARCHAR[] AS extcondition",
		// Row counts are DuckDB's estimates; there is no vacuum.
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_stat_user_tables AS SELECT table_oid::BIGINT AS relid, schema_name AS schemaname, " +
			"table_name AS relname, 0::BIGINT AS seq_scan, NULL::TIMESTAMPTZ AS last_seq_scan, 0::BIGINT AS seq_tup_read, " +
			"NULL::BIGINT AS idx_scan, NULL::TIMESTAMPTZ AS last_idx_scan, NULL::BIGINT AS idx_tup_fetch, 0::BIGINT AS n_tup_ins, " +
			"0::BIGINT AS n_tup_upd, 0::BIGINT AS n_tup_del, 0::BIGINT AS n_tup_hot_upd, 0::BIGINT AS n_tup_newpage_upd, " +
			"estimated_size::BIGINT AS n_live_tup, 0::BIGINT AS n_dead_tup, 0::BIGINT AS n_mod_since_analyze, " +
			"0::BIGINT AS n_ins_since_vacuum, NULL::TIMESTAMPTZ AS last_vacuum, NULL::TIMESTAMPTZ AS last_autovacuum, " +
			"NULL::TIMESTAMPTZ AS last_analyze, NULL::TIMESTAMPTZ AS last_autoanalyze, 0::BIGINT AS vacuum_count, " +
			"0::BIGINT AS autovacuum_count, 0::BIGINT AS analyze_count, 0::BIGINT AS autoanalyze_count " +
			"FROM duckdb_tables() WHERE NOT temporary AND NOT internal AND database_name = current_database() AND " + visibleRel("table_name"),
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_tables AS SELECT * FROM pg_catalog.pg_tables WHERE " + visibleRel("tablename"),
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_views AS SELECT v.* FROM pg_catalog.pg_views v WHERE " + visibleRel("viewname") +
			" AND EXISTS (SELECT 1 FROM duckdb_views() d WHERE NOT d.internal AND NOT d.temporary AND d.database_name = current_database()" +
			" AND d.schema_name = v.schemaname AND d.view_name = v.viewname)",
		// PostgreSQL's SRF: one row (x, n) per element, 1-based n.
		"CREATE OR REPLACE TEMP MACRO tapdb__pg_expandarray(a) AS " + expandArray,
		"CREATE OR REPLACE TEMP MACRO tapdb__pg_expandarray_rows(a) AS TABLE SELECT e.x, e.n FROM (SELECT " + expandArray + " AS e)",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_get_keywords() AS TABLE SELECT keyword_name AS word, " +
			"CASE keyword_category" + keywords.String() + " END AS catcode, true AS barelabel, keyword_category AS catdesc, " +
			"'can be bare label' AS baredesc FROM duckdb_keywords()",
		// A relation named by its OID or its name, as regclass accepts.
		"CREATE OR REPLACE TEMP MACRO tapdb_relid(r) AS (SELECT any_value(c.oid) FROM pg_catalog.pg_class c " +
			"WHERE c.oid::VARCHAR = r::VARCHAR OR c.relname = CASE WHEN r::VARCHAR LIKE '\"%' THEN replace(trim(r::VARCHAR, '\"'), '\"\"', '\"') " +
			"ELSE lower(r::VARCHAR) END OR '\"main\".' || c.relname = r::VARCHAR OR 'main.' || c.relname = lower(r::VARCHAR))",
		"CREATE OR REPLACE TEMP MACRO tapdb_to_regclass(r) AS tapdb_relid(r)",
		// Tables: DuckDB's row estimate times the stored columns' widths;
		// views 0, as PostgreSQL's.
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_total_relation_size(r) AS (SELECT CASE WHEN any_value(t.table_oid) IS NULL THEN 0 " +
			"ELSE any_value(t.estimated_size) * (SELECT sum(CASE WHEN c.data_type IN ('UHUGEINT', 'HUGEINT', 'UUID', 'INTERVAL') THEN 16 " +
			"WHEN c.data_type = 'VARCHAR' THEN 16 WHEN c.data_type IN ('TINYINT', 'UTINYINT', 'BOOLEAN') THEN 1 " +
			"WHEN c.data_type IN ('SMALLINT', 'USMALLINT') THEN 2 WHEN c.data_type IN ('INTEGER', 'UINTEGER', 'FLOAT', 'DATE') THEN 4 " +
			"ELSE 8 END) FROM duckdb_columns() c WHERE c.table_oid = tapdb_relid(r) AND c.column_default IS NULL) END::BIGINT " +
			"FROM duckdb_tables() t WHERE t.table_oid = tapdb_relid(r))",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_relation_size(r) AS tapdb_pg_total_relation_size(r), (r, fork) AS tapdb_pg_total_relation_size(r)",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_table_size(r) AS tapdb_pg_total_relation_size(r)",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_is_in_recovery() AS false",
		// No sequences: no column owns one.
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_get_serial_sequence(t, c) AS NULL::VARCHAR",
		"CREATE OR REPLACE TEMP MACRO tapdb_quote_literal(x) AS CASE WHEN x IS NULL THEN NULL WHEN x::VARCHAR LIKE '%\\%' " +
			"THEN 'E''' || replace(replace(x::VARCHAR, '\\', '\\\\'), '''', '''''') || '''' " +
			"ELSE '''' || replace(x::VARCHAR, '''', '''''') || '''' END",
		"CREATE OR REPLACE TEMP MACRO tapdb_quote_nullable(x) AS coalesce(tapdb_quote_literal(x), 'NULL')",
		"CREATE OR REPLACE TEMP MACRO tapdb_parse_ident(s) AS " + parseIdent + ", (s, strict) AS " + parseIdent,
	}
}
