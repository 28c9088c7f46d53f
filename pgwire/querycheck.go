package pgwire

import (
	"context"

	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// serializeSQL asks DuckDB's parser (not its binder: nothing is resolved,
// no file is opened) for the syntax tree of a query.
const serializeSQL = "SELECT json_serialize_sql($1::VARCHAR)::VARCHAR"

// allowedTableFunctions are the table functions a query may call; any other
// (read_csv, read_parquet, read_json, read_text, read_blob, glob, query,
// query_table, sniff_csv, parquet_metadata, …) is refused.
var allowedTableFunctions = map[string]bool{
	"range": true, "generate_series": true, "unnest": true, "json_each": true,
	"json_tree": true, "repeat": true, "test_all_types": true,
	// The session's catalog macros behind pg_get_keywords() and
	// information_schema._pg_expandarray() (catalog_bi.go).
	"tapdb_pg_get_keywords": true, "tapdb__pg_expandarray_rows": true,
}

// allowedTableFunctionPrefixes are families of catalog functions that only
// read DuckDB's own metadata.
var allowedTableFunctionPrefixes = []string{"duckdb_", "pragma_"}

// serialized is json_serialize_sql's answer.
type serialized struct {
	Error      bool              `json:"error"`
	ErrorType  string            `json:"error_type"`
	Message    string            `json:"error_message"`
	Position   string            `json:"position"`
	Statements []json.RawMessage `json:"statements"`
}

// checkInfo is what checking a query text learned besides its verdict;
// like the verdict, a pure function of the text.
type checkInfo struct {
	// constant: a SELECT of literals only, without FROM: its result is
	// the same every time.
	constant bool
	// truncs are date_trunc calls computable by arithmetic in UTC
	// (truncate.go).
	truncs []truncSite
	// names are PostgreSQL's names of the result columns ("": DuckDB's is
	// kept), nil when they cannot be matched (colnames.go).
	names []string
}

// checkQuery verifies with DuckDB's parser that query is exactly one
// read-only SELECT (VALUES, SHOW and DESCRIBE are SELECTs to DuckDB) that
// calls no file-reading table function and names no file as a table.
func checkQuery(ctx context.Context, ser *dstmt, query string) (*checkInfo, *pgError) {
	out, err := serializeQuery(ctx, ser, query)
	if err != nil {
		return nil, toPGError(err, ctx.Err(), context.Cause(ctx))
	}
	var s serialized
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		return nil, newError(codeInternalError, "parse DuckDB syntax tree: %v", err)
	}
	if s.Error {
		switch s.ErrorType {
		case "parser":
			e := newError(codeSyntaxError, "%s", s.Message)
			e.Position = positionOf(s.Position)
			return nil, e
		case "not implemented":
			return nil, errPermission("only queries may run")
		default:
			return nil, newError(codeSyntaxError, "%s", s.Message)
		}
	}
	if len(s.Statements) != 1 {
		return nil, newError(codeSyntaxError, "expected one statement, got %d", len(s.Statements))
	}
	var tree any
	if err := json.Unmarshal(s.Statements[0], &tree); err != nil {
		return nil, newError(codeInternalError, "parse DuckDB syntax tree: %v", err)
	}
	if e := checkTree(tree); e != nil {
		return nil, e
	}
	return &checkInfo{constant: isConstantSelect(tree), truncs: findTruncs(tree, query), names: pgColumnNames(tree)}, nil
}

// isConstantSelect reports whether a serialized statement is a SELECT of
// literals and nothing else: no FROM, WHERE, GROUP BY, HAVING, QUALIFY,
// window, ORDER BY, LIMIT, DISTINCT, CTE or sample.
func isConstantSelect(stmt any) bool {
	st, _ := stmt.(map[string]any)
	node, _ := st["node"].(map[string]any)
	if node == nil || node["type"] != "SELECT_NODE" || node["aggregate_handling"] != "STANDARD_HANDLING" {
		return false
	}
	if from, _ := node["from_table"].(map[string]any); from == nil || from["type"] != "EMPTY" {
		return false
	}
	for _, k := range []string{"where_clause", "having", "qualify", "sample"} {
		if node[k] != nil {
			return false
		}
	}
	for _, k := range []string{"group_expressions", "modifiers"} {
		if l, ok := node[k].([]any); !ok || len(l) > 0 {
			return false
		}
	}
	if cm, _ := node["cte_map"].(map[string]any); cm == nil {
		return false
	} else if l, ok := cm["map"].([]any); !ok || len(l) > 0 {
		return false
	}
	list, _ := node["select_list"].([]any)
	if len(list) == 0 {
		return false
	}
	for _, e := range list {
		em, _ := e.(map[string]any)
		if em == nil || em["class"] != "CONSTANT" {
			return false
		}
	}
	return true
}

func serializeQuery(ctx context.Context, ser *dstmt, query string) (string, error) {
	rows, err := ser.query(ctx, []driver.NamedValue{{Ordinal: 1, Value: query}})
	if err != nil {
		return "", fmt.Errorf("serialize query: %w", err)
	}
	defer ser.closeRows()
	dest := make([]driver.Value, 1)
	if err := rows.Next(dest); err != nil {
		if errors.Is(err, io.EOF) {
			return "", errors.New("serialize query: no result")
		}
		return "", fmt.Errorf("serialize query: %w", err)
	}
	s, ok := dest[0].(string)
	if !ok {
		return "", fmt.Errorf("serialize query: result is %T", dest[0])
	}
	return s, nil
}

// checkTree walks a serialized statement and refuses table functions not on
// the allow-list and base tables whose name is a path.
func checkTree(n any) *pgError {
	switch x := n.(type) {
	case map[string]any:
		switch x["type"] {
		case "TABLE_FUNCTION":
			fn, _ := x["function"].(map[string]any)
			name, _ := fn["function_name"].(string)
			if !tableFunctionAllowed(name) {
				return errPermission(fmt.Sprintf("table function %s", name))
			}
			if pathTableFunctions[strings.ToLower(name)] {
				return errPermission(fmt.Sprintf("table function %s shows the server's files", name))
			}
		case "FUNCTION":
			name, _ := x["function_name"].(string)
			if pathFunctions[strings.ToLower(name)] {
				return errPermission(fmt.Sprintf("function %s shows the server's settings", name))
			}
		case "BASE_TABLE", "SHOW_REF":
			// A table name that is a path makes DuckDB read the file
			// (replacement scans), for DESCRIBE and SHOW too.
			name, _ := x["table_name"].(string)
			if strings.ContainsAny(name, "./\\:~*?") {
				return errPermission(fmt.Sprintf("reading file %q", name))
			}
		}
		for _, v := range x {
			if e := checkTree(v); e != nil {
				return e
			}
		}
	case []any:
		for _, v := range x {
			if e := checkTree(v); e != nil {
				return e
			}
		}
	}
	return nil
}

// checkCacheSize bounds the per-session set of query texts that passed
// checkQuery; the check depends on the text only.
const checkCacheSize = 256

// checkQueryCached is checkQuery with the session's cache of passed texts.
func (ss *session) checkQueryCached(ctx context.Context, query string) (*checkInfo, *pgError) {
	if info, ok := ss.checked[query]; ok {
		return info, nil
	}
	if ss.serializer == nil {
		d, _, e := ss.prepareText(ctx, serializeSQL)
		if e != nil {
			return nil, e
		}
		ss.serializer = d
	}
	info, e := checkQuery(ctx, ss.serializer, query)
	if e != nil {
		return nil, e
	}
	if len(ss.checked) >= checkCacheSize {
		clear(ss.checked)
	}
	ss.checked[query] = info
	return info, nil
}

func tableFunctionAllowed(name string) bool {
	name = strings.ToLower(name)
	if allowedTableFunctions[name] {
		return true
	}
	for _, p := range allowedTableFunctionPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
