package pgwire

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

	"tapdb/schema"
)

// Fast date_trunc.
//
// DuckDB's date_trunc on a TIMESTAMPTZ goes through ICU calendars in the
// session's time zone and costs about 200 ns a row: "bytes per minute"
// dashboards spend nearly all their time in it. When the session's time
// zone is UTC, truncating to a fixed-length unit (millisecond … day) is
// flooring the epoch microseconds, which DuckDB does an order of magnitude
// faster. The server rewrites date_trunc(unit, column) into that arithmetic
// only where it is provably the same function: the unit is a string
// literal of a fixed-length unit, the argument is a bare reference to a
// TIMESTAMPTZ column of the flows view (or a partition table) named in the
// FROM clause of the innermost SELECT, and nothing could make the name mean
// something else (no CTE named like the table, no select-list alias named
// like the column). The result keeps date_trunc's type, TIMESTAMPTZ, and
// its values, NULL and ±infinity included (epoch_us of those is NULL, and
// coalesce then returns the argument itself, which is what date_trunc
// returns for them).

// truncSite is one date_trunc call of a checked query text and the text
// that replaces it.
type truncSite struct {
	pos, end int
	repl     string
}

// truncUnits are the units whose truncation in UTC is flooring the epoch
// microseconds to a multiple of the value.
var truncUnits = map[string]int64{
	"millisecond": 1_000, "milliseconds": 1_000,
	"second": 1_000_000, "seconds": 1_000_000,
	"minute": 60_000_000, "minutes": 60_000_000,
	"hour": 3_600_000_000, "hours": 3_600_000_000,
	"day": 86_400_000_000, "days": 86_400_000_000,
}

// utcZones are TimeZone settings that are UTC at every instant.
var utcZones = map[string]bool{"UTC": true, "Etc/UTC": true, "GMT": true, "Etc/GMT": true}

// isFlowsTable reports whether a table name is the flows view or a
// partition table (flows_d20261127, flows_h2026112710, flows_m202611).
func isFlowsTable(name string) bool {
	name = strings.ToLower(name)
	if name == "flows" {
		return true
	}
	rest, ok := strings.CutPrefix(name, "flows_")
	if !ok || len(rest) < 2 || !strings.ContainsRune("dhm", rune(rest[0])) {
		return false
	}
	for _, c := range rest[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isTimestamptzColumn reports whether name is a TIMESTAMPTZ column of the
// flow record.
func isTimestamptzColumn(name string) bool {
	c, ok := schema.Lookup(strings.ToLower(name))
	return ok && c.Type == "TIMESTAMPTZ"
}

// truncScope is what a SELECT node tells about the names in its
// expressions.
type truncScope struct {
	ok    bool   // FROM is exactly one flows table and no alias shadows a column
	table string // the name that qualifies its columns: the alias, else the table name
}

// findTruncs lists the date_trunc calls of a serialized statement that
// can be computed arithmetically in UTC. src is the text DuckDB parsed.
// Any doubt yields none.
func findTruncs(stmt any, src string) []truncSite {
	if truncBlocked(stmt) {
		return nil
	}
	var sites []truncSite
	bad := false
	var walk func(n any, sc truncScope, unnamed bool)
	walk = func(n any, sc truncScope, unnamed bool) {
		switch x := n.(type) {
		case []any:
			for _, v := range x {
				walk(v, sc, unnamed)
			}
		case map[string]any:
			if x["type"] == "SELECT_NODE" {
				sc = selectScope(x)
				for k, v := range x {
					if k != "select_list" {
						walk(v, sc, unnamed)
					}
				}
				list, _ := x["select_list"].([]any)
				for _, e := range list {
					em, _ := e.(map[string]any)
					alias, _ := em["alias"].(string)
					walk(e, sc, unnamed || alias == "")
				}
				return
			}
			if x["class"] == "FUNCTION" && sc.ok {
				if s, ok := truncSiteOf(x, sc, src); ok {
					if unnamed {
						// The result column would be renamed after
						// the replacement.
						bad = true
					}
					sites = append(sites, s)
					return
				}
			}
			for _, v := range x {
				walk(v, sc, unnamed)
			}
		}
	}
	walk(stmt, truncScope{}, false)
	if bad || len(sites) == 0 {
		return nil
	}
	slices.SortFunc(sites, func(a, b truncSite) int { return a.pos - b.pos })
	for i := 1; i < len(sites); i++ {
		if sites[i].pos < sites[i-1].end {
			return nil
		}
	}
	return sites
}

// truncBlocked reports whether something anywhere in the statement could
// give a table or column name another meaning: a common table expression
// named like the flows view or a partition, or a lambda (whose parameters
// shadow columns).
func truncBlocked(n any) bool {
	switch x := n.(type) {
	case []any:
		return slices.ContainsFunc(x, truncBlocked)
	case map[string]any:
		if x["class"] == "LAMBDA" {
			return true
		}
		if cm, ok := x["cte_map"].(map[string]any); ok {
			entries, _ := cm["map"].([]any)
			for _, e := range entries {
				em, _ := e.(map[string]any)
				key, _ := em["key"].(string)
				if isFlowsTable(key) {
					return true
				}
			}
		}
		for _, v := range x {
			if truncBlocked(v) {
				return true
			}
		}
	}
	return false
}

// selectScope decides whether a SELECT node's column references name the
// flows columns.
func selectScope(node map[string]any) truncScope {
	from, _ := node["from_table"].(map[string]any)
	if from == nil || from["type"] != "BASE_TABLE" {
		return truncScope{}
	}
	name, _ := from["table_name"].(string)
	schemaName, _ := from["schema_name"].(string)
	catalog, _ := from["catalog_name"].(string)
	if !isFlowsTable(name) || catalog != "" || schemaName != "" && !strings.EqualFold(schemaName, "main") {
		return truncScope{}
	}
	if cols, _ := from["column_name_alias"].([]any); len(cols) > 0 {
		return truncScope{}
	}
	if from["sample"] != nil || from["at_clause"] != nil {
		return truncScope{}
	}
	table := name
	if alias, _ := from["alias"].(string); alias != "" {
		table = alias
	}
	// DuckDB lets expressions refer to select-list aliases: one named like
	// a column would make the column reference ambiguous to this check.
	list, _ := node["select_list"].([]any)
	for _, e := range list {
		em, _ := e.(map[string]any)
		if alias, _ := em["alias"].(string); alias != "" {
			if _, ok := schema.Lookup(strings.ToLower(alias)); ok {
				return truncScope{}
			}
		}
	}
	return truncScope{ok: true, table: table}
}

// truncSiteOf matches date_trunc('unit', column) and locates it in src.
func truncSiteOf(fn map[string]any, sc truncScope, src string) (truncSite, bool) {
	name, _ := fn["function_name"].(string)
	if !strings.EqualFold(name, "date_trunc") {
		return truncSite{}, false
	}
	fschema, _ := fn["schema"].(string)
	fcatalog, _ := fn["catalog"].(string)
	distinct, _ := fn["distinct"].(bool)
	export, _ := fn["export_state"].(bool)
	operator, _ := fn["is_operator"].(bool)
	if fschema != "" || fcatalog != "" || distinct || export || operator || fn["filter"] != nil {
		return truncSite{}, false
	}
	if ob, _ := fn["order_bys"].(map[string]any); ob != nil {
		if orders, _ := ob["orders"].([]any); len(orders) > 0 {
			return truncSite{}, false
		}
	}
	args, _ := fn["children"].([]any)
	if len(args) != 2 {
		return truncSite{}, false
	}
	unit, ok := stringConstant(args[0])
	if !ok {
		return truncSite{}, false
	}
	micros, ok := truncUnits[strings.ToLower(unit)]
	if !ok {
		return truncSite{}, false
	}
	col, ok := args[1].(map[string]any)
	if !ok || col["class"] != "COLUMN_REF" {
		return truncSite{}, false
	}
	names, _ := col["column_names"].([]any)
	var parts []string
	for _, n := range names {
		s, ok := n.(string)
		if !ok {
			return truncSite{}, false
		}
		parts = append(parts, s)
	}
	switch {
	case len(parts) == 1:
	case len(parts) == 2 && strings.EqualFold(parts[0], sc.table):
	default:
		return truncSite{}, false
	}
	if !isTimestamptzColumn(parts[len(parts)-1]) {
		return truncSite{}, false
	}
	pos, end, ok := callSpan(fn, src)
	if !ok {
		return truncSite{}, false
	}
	ref := quoteIdent(parts[0])
	if len(parts) == 2 {
		ref += "." + quoteIdent(parts[1])
	}
	repl := fmt.Sprintf("coalesce(make_timestamptz(epoch_us(%[1]s) - (epoch_us(%[1]s) %% %[2]d + %[2]d) %% %[2]d), %[1]s)", ref, micros)
	return truncSite{pos: pos, end: end, repl: repl}, true
}

// stringConstant returns the value of a VARCHAR constant expression.
func stringConstant(n any) (string, bool) {
	m, ok := n.(map[string]any)
	if !ok || m["class"] != "CONSTANT" {
		return "", false
	}
	v, _ := m["value"].(map[string]any)
	if v == nil || v["is_null"] != false {
		return "", false
	}
	t, _ := v["type"].(map[string]any)
	if t == nil || t["id"] != "VARCHAR" {
		return "", false
	}
	s, ok := v["value"].(string)
	return s, ok
}

// callSpan finds the text of a function call from its query_location: the
// name, then the parenthesised arguments.
func callSpan(fn map[string]any, src string) (int, int, bool) {
	loc, ok := fn["query_location"].(float64)
	if !ok || loc < 0 || int(loc) >= len(src) || float64(int(loc)) != loc {
		return 0, 0, false
	}
	pos := int(loc)
	toks := tokenize(src[pos:])
	if len(toks) < 3 || toks[0].pos != 0 || toks[0].kind != tokWord && toks[0].kind != tokIdent ||
		!strings.EqualFold(toks[0].text, "date_trunc") || !isPunct(toks, 1, "(") {
		return 0, 0, false
	}
	end := closingParen(toks, 1)
	if end < 0 {
		return 0, 0, false
	}
	return pos, pos + toks[end].end, true
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// applyTruncs returns src with the sites replaced.
func applyTruncs(src string, sites []truncSite) string {
	var b strings.Builder
	last := 0
	for _, s := range sites {
		b.WriteString(src[last:s.pos])
		b.WriteString(s.repl)
		last = s.end
	}
	b.WriteString(src[last:])
	return b.String()
}

// sessionIsUTC reports whether the session's DuckDB time zone is UTC, asked
// once per session: clients cannot change it (SET TimeZone is answered by
// the server, and the store locks its configuration).
func (ss *session) sessionIsUTC(ctx context.Context) bool {
	if ss.tzKnown {
		return ss.tzUTC
	}
	tz, err := ss.queryString(ctx, "SELECT current_setting('TimeZone')")
	if err != nil {
		ss.log.Debug("read TimeZone", "pid", ss.pid, "err", err)
		return false
	}
	ss.tzKnown, ss.tzUTC = true, utcZones[tz]
	return ss.tzUTC
}

// queryString runs a query of the server's own returning one string.
func (ss *session) queryString(ctx context.Context, sql string) (string, error) {
	rows, err := ss.driver(ctx).QueryContext(ctx, sql, nil)
	if err != nil {
		return "", fmt.Errorf("run %q: %w", sql, err)
	}
	defer rows.Close()
	dest := make([]driver.Value, 1)
	if err := rows.Next(dest); err != nil {
		return "", fmt.Errorf("read %q: %w", sql, err)
	}
	s, ok := dest[0].(string)
	if !ok {
		return "", fmt.Errorf("read %q: result is %T", sql, dest[0])
	}
	return s, nil
}
