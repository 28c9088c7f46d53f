package pgwire

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Catalog compatibility.
//
// PostgreSQL clients send catalog queries DuckDB does not accept as is.
// DuckDB refuses new objects in its pg_catalog, so the server (1) rewrites
// a few constructs at the token level, one rule per construct, and (2)
// defines per-session TEMP macros named tapdb_* that the renamed functions
// resolve to. The rewritten text is still checked by the read-only policy
// like any other query.

// catalogRule rewrites the tokens starting at toks[i]: it returns the
// replacement text and the number of tokens replaced.
type catalogRule struct {
	name  string
	match func(src string, toks []token, i int) (string, int, bool)
}

// catalogRules are tried in order at every token. (A function, not a
// variable: two rules rewrite their insides recursively.)
func catalogRules() []catalogRule {
	return []catalogRule{
		{"OPERATOR(pg_catalog.op) → op", matchOperator},
		{"COLLATE pg_catalog.default → nothing", matchCollate},
		{"'name'::regclass → tapdb_regclass('name')", matchRegclassLiteral},
		{"::regclass, ::regtype … → nothing (the oid itself)", matchRegCast},
		{"::pg_catalog.type → ::type", matchCastQualifier},
		{"a ~ 'pat' (substring match) → a ~ '(?s:.*)(?:pat)(?s:.*)' (DuckDB's ~ matches the whole string)", matchRegexOp},
		{"FROM generate_series(…) AS i → … AS i(i): PostgreSQL names the column after the alias", matchSRFAlias},
		{"FROM string_to_array(…) s → FROM (SELECT string_to_array(…) AS s) s: a scalar function as a one-row relation", matchScalarInFrom},
		{"[pg_catalog.]json_build_object( → json_object(, format('%s' → printf('%s': functions DuckDB names otherwise", matchSynonymFunc},
		{"[pg_catalog.]f( → tapdb_f( for functions DuckDB lacks; pg_catalog.f( → f(", matchRenamedFunc},
		{"[pg_catalog.]pg_database … → tapdb_pg_database for relations DuckDB lacks or has incomplete", matchRenamedRel},
		{"information_schema.tables … → views without the session's tapdb_* objects", matchInfoSchema},
		{"information_schema._pg_expandarray( → tapdb__pg_expandarray(", matchInfoSchemaFunc},
		{"'{a,b}'::text[] → ['a', 'b']::text[]", matchArrayLiteral},
	}
}

// srfColumnAlias are single-column set-returning functions whose column
// PostgreSQL names after the table alias.
var srfColumnAlias = map[string]bool{"generate_series": true, "unnest": true, "generate_subscripts": true}

// scalarInFrom are scalar functions clients use as one-row relations.
var scalarInFrom = map[string]bool{
	"string_to_array": true, "current_schemas": true, "regexp_split_to_array": true, "array_remove": true,
}

// fromFunc matches "[pg_catalog.]f(…) [AS] alias" at toks[i] in a FROM
// list, f in names. It returns the index of f, of the closing parenthesis
// and of the alias.
func fromFunc(toks []token, i int, names map[string]bool) (fn, closing, alias int, ok bool) {
	if i == 0 || !(isWord(toks, i-1, "from", "join") || isPunct(toks, i-1, ",")) {
		return 0, 0, 0, false
	}
	fn = skipPGCatalog(toks, i)
	if fn >= len(toks) || toks[fn].kind != tokWord || !names[toks[fn].text] || !isPunct(toks, fn+1, "(") {
		return 0, 0, 0, false
	}
	depth := 0
	for closing = fn + 1; closing < len(toks); closing++ {
		if isPunct(toks, closing, "(") {
			depth++
		} else if isPunct(toks, closing, ")") {
			depth--
			if depth == 0 {
				break
			}
		}
	}
	alias = closing + 1
	if isWord(toks, alias, "as") {
		alias++
	}
	if closing >= len(toks) || !hasAlias(toks, alias) || isPunct(toks, alias+1, "(") || isWord(toks, alias, "with") {
		return 0, 0, 0, false
	}
	return fn, closing, alias, true
}

// matchSRFAlias: FROM generate_series(1, 3) AS i → FROM generate_series(1, 3) AS i(i)
func matchSRFAlias(src string, toks []token, i int) (string, int, bool) {
	_, _, alias, ok := fromFunc(toks, i, srfColumnAlias)
	if !ok {
		return "", 0, false
	}
	a := src[toks[alias].pos:toks[alias].end]
	return rewriteCatalog(src[toks[i].pos:toks[alias].end]) + "(" + a + ")", alias - i + 1, true
}

// matchScalarInFrom: FROM string_to_array(x, ',') s → FROM (SELECT string_to_array(x, ',') AS s) s
func matchScalarInFrom(src string, toks []token, i int) (string, int, bool) {
	_, closing, alias, ok := fromFunc(toks, i, scalarInFrom)
	if !ok {
		return "", 0, false
	}
	a := src[toks[alias].pos:toks[alias].end]
	return "(SELECT " + rewriteCatalog(src[toks[i].pos:toks[closing].end]) + " AS " + a + ") " + a, alias - i + 1, true
}

// renamedRels are the catalog relations provided as tapdb_* temp views.
var renamedRels = map[string]bool{
	"pg_database": true, "pg_roles": true, "pg_user": true, "pg_inherits": true,
	"pg_settings": true, "pg_shadow": true, "pg_authid": true, "pg_class": true,
	"pg_namespace": true, "pg_type": true, "pg_attribute": true, "pg_auth_members": true,
	"pg_policy": true, "pg_statistic_ext": true, "pg_publication": true,
	"pg_publication_namespace": true, "pg_publication_rel": true,
	"pg_matviews": true, "pg_extension": true, "pg_stat_user_tables": true, "pg_tables": true, "pg_views": true,
}

// matchCastQualifier: ::pg_catalog.text → ::text
func matchCastQualifier(_ string, toks []token, i int) (string, int, bool) {
	if isPunct(toks, i, ":") && isPunct(toks, i+1, ":") && skipPGCatalog(toks, i+2) == i+4 {
		return "::", 4, true
	}
	return "", 0, false
}

// matchRenamedRel: pg_catalog.pg_database → tapdb_pg_database (not a
// column or function of that name).
func matchRenamedRel(_ string, toks []token, i int) (string, int, bool) {
	if i > 0 && isPunct(toks, i-1, ".") {
		return "", 0, false
	}
	j := skipPGCatalog(toks, i)
	if j >= len(toks) || toks[j].kind != tokWord || !renamedRels[toks[j].text] || isPunct(toks, j+1, "(") || isPunct(toks, j+1, ".") {
		return "", 0, false
	}
	// Only in a FROM or JOIN list: the previous token is FROM, JOIN or ','.
	if i == 0 || !(isWord(toks, i-1, "from", "join") || isPunct(toks, i-1, ",")) {
		return "", 0, false
	}
	repl := "tapdb_" + toks[j].text
	if !hasAlias(toks, j+1) {
		// Keep the original name for qualified references (pg_type.oid).
		repl += " AS " + toks[j].text
	}
	return repl, j - i + 1, true
}

// afterTable are the words that may follow a table reference without an
// alias.
var afterTable = map[string]bool{
	"where": true, "join": true, "left": true, "right": true, "inner": true, "outer": true,
	"full": true, "cross": true, "natural": true, "on": true, "using": true, "order": true,
	"group": true, "having": true, "limit": true, "offset": true, "union": true, "except": true,
	"intersect": true, "window": true, "fetch": true, "for": true, "qualify": true,
}

// hasAlias reports whether the table reference ending before toks[i] is
// followed by an alias.
func hasAlias(toks []token, i int) bool {
	if i >= len(toks) {
		return false
	}
	switch toks[i].kind {
	case tokIdent:
		return true
	case tokWord:
		return !afterTable[toks[i].text]
	}
	return false
}

// renamedFuncs are the functions provided as tapdb_* macros.
var renamedFuncs = map[string]bool{
	"pg_get_userbyid": true, "pg_encoding_to_char": true, "set_config": true, "version": true,
	"current_setting": true, "pg_get_expr": true, "obj_description": true, "col_description": true,
	"shobj_description": true, "pg_get_indexdef": true, "pg_get_constraintdef": true,
	"pg_tablespace_location": true, "pg_get_statisticsobjdef_columns": true,
	"pg_get_partkeydef": true, "pg_relation_is_publishable": true, "current_schemas": true,
	"pg_get_viewdef": true, "quote_ident": true, "array_lower": true, "array_upper": true,
	"pg_backend_pid": true, "format_type": true,
	"pg_get_function_result": true, "pg_get_function_arguments": true,
	"pg_get_keywords": true, "to_regclass": true, "pg_total_relation_size": true, "pg_relation_size": true,
	"pg_table_size": true, "pg_is_in_recovery": true, "pg_get_serial_sequence": true, "quote_literal": true, "quote_nullable": true, "parse_ident": true,
}

// maxRewriteLen bounds the statements the rewrite looks at: catalog
// queries are short, and two rules recurse into their arguments.
const maxRewriteLen = 16 << 10

// rewriteCatalog applies catalogRules to sql; it returns sql unchanged when
// no rule matches.
func rewriteCatalog(sql string) string {
	if len(sql) > maxRewriteLen {
		return sql
	}
	toks := tokenize(sql)
	rules := catalogRules()
	var b strings.Builder
	last := 0
	for i := 0; i < len(toks); {
		matched := false
		for _, r := range rules {
			repl, n, ok := r.match(sql, toks, i)
			if !ok {
				continue
			}
			b.WriteString(sql[last:toks[i].pos])
			b.WriteString(repl)
			last = toks[i+n-1].end
			i += n
			matched = true
			break
		}
		if !matched {
			i++
		}
	}
	if last == 0 {
		return sql
	}
	b.WriteString(sql[last:])
	return b.String()
}

func isWord(toks []token, i int, words ...string) bool {
	if i >= len(toks) || toks[i].kind != tokWord {
		return false
	}
	for _, w := range words {
		if toks[i].text == w {
			return true
		}
	}
	return false
}

func isPunct(toks []token, i int, p string) bool {
	return i < len(toks) && toks[i].kind == tokPunct && toks[i].text == p
}

// skipPGCatalog returns the index after an optional "pg_catalog." prefix.
func skipPGCatalog(toks []token, i int) int {
	if isWord(toks, i, "pg_catalog") && isPunct(toks, i+1, ".") {
		return i + 2
	}
	return i
}

// matchOperator: OPERATOR(pg_catalog.~) → ~
func matchOperator(_ string, toks []token, i int) (string, int, bool) {
	if !isWord(toks, i, "operator") || !isPunct(toks, i+1, "(") {
		return "", 0, false
	}
	j := skipPGCatalog(toks, i+2)
	var op strings.Builder
	for ; j < len(toks) && !isPunct(toks, j, ")"); j++ {
		if toks[j].kind != tokPunct {
			return "", 0, false
		}
		op.WriteString(toks[j].text)
	}
	if j >= len(toks) || op.Len() == 0 {
		return "", 0, false
	}
	return op.String(), j - i + 1, true
}

// matchCollate: COLLATE pg_catalog.default, COLLATE "C" … → nothing.
func matchCollate(_ string, toks []token, i int) (string, int, bool) {
	if !isWord(toks, i, "collate") {
		return "", 0, false
	}
	j := skipPGCatalog(toks, i+1)
	if j < len(toks) && (toks[j].kind == tokWord || toks[j].kind == tokIdent) {
		switch strings.ToLower(toks[j].text) {
		case "default", "c", "posix", "ucs_basic":
			return "", j - i + 1, true
		}
	}
	return "", 0, false
}

// regTypes are PostgreSQL's OID alias types.
var regTypes = map[string]bool{
	"regclass": true, "regtype": true, "regproc": true, "regprocedure": true,
	"regnamespace": true, "regrole": true, "regoper": true, "regoperator": true, "regconfig": true,
}

// regCastAt reports the number of tokens of "::[pg_catalog.]regX" at i and
// the type.
func regCastAt(toks []token, i int) (int, string) {
	if !isPunct(toks, i, ":") || !isPunct(toks, i+1, ":") {
		return 0, ""
	}
	j := skipPGCatalog(toks, i+2)
	if j < len(toks) && toks[j].kind == tokWord && regTypes[toks[j].text] {
		return j - i + 1, toks[j].text
	}
	return 0, ""
}

// matchRegclassLiteral: 'flows'::regclass → tapdb_regclass('flows')
func matchRegclassLiteral(src string, toks []token, i int) (string, int, bool) {
	if i >= len(toks) || toks[i].kind != tokString {
		return "", 0, false
	}
	n, typ := regCastAt(toks, i+1)
	if n == 0 || typ != "regclass" {
		return "", 0, false
	}
	return "tapdb_regclass(" + src[toks[i].pos:toks[i].end] + ")", n + 1, true
}

// matchRegCast: x::regtype → x (OIDs stay numbers).
func matchRegCast(_ string, toks []token, i int) (string, int, bool) {
	n, _ := regCastAt(toks, i)
	if n == 0 {
		return "", 0, false
	}
	return "", n, true
}

// matchRenamedFunc: pg_catalog.pg_get_userbyid( → tapdb_pg_get_userbyid(
func matchRenamedFunc(_ string, toks []token, i int) (string, int, bool) {
	if i > 0 && isPunct(toks, i-1, ".") {
		return "", 0, false // a qualified name other than pg_catalog's
	}
	j := skipPGCatalog(toks, i)
	if j >= len(toks) || toks[j].kind != tokWord || !isPunct(toks, j+1, "(") {
		return "", 0, false
	}
	if renamedFuncs[toks[j].text] {
		return "tapdb_" + toks[j].text, j - i + 1, true
	}
	if j > i {
		// DuckDB finds its pg_catalog functions unqualified, and its
		// own functions (array_to_string …) only so.
		return toks[j].text, j - i + 1, true
	}
	return "", 0, false
}

// catalogMacros are the session's TEMP macros behind the renamed functions.
func (ss *session) catalogMacros() []string {
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	version := ss.srv.cfg.ServerVersion
	settings := ss.pgSettings()
	var cases strings.Builder
	for name, p := range settings {
		fmt.Fprintf(&cases, " WHEN %s THEN %s", q(name), q(p[1]))
	}
	return []string{
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_get_userbyid(id) AS " + q(ss.params["user"]),
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_encoding_to_char(e) AS 'UTF8'",
		"CREATE OR REPLACE TEMP MACRO tapdb_set_config(name, value, is_local) AS value",
		"CREATE OR REPLACE TEMP MACRO tapdb_version() AS " + q("PostgreSQL "+version+" on x86_64-pc-linux-gnu, 64-bit"),
		"CREATE OR REPLACE TEMP MACRO tapdb_current_setting(name) AS CASE lower(name)" + cases.String() +
			" ELSE NULL END, (name, missing_ok) AS CASE lower(name)" + cases.String() + " ELSE NULL END",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_get_expr(e, r) AS NULL::VARCHAR, (e, r, p) AS NULL::VARCHAR",
		"CREATE OR REPLACE TEMP MACRO tapdb_obj_description(o) AS NULL::VARCHAR, (o, c) AS NULL::VARCHAR",
		"CREATE OR REPLACE TEMP MACRO tapdb_col_description(o, n) AS NULL::VARCHAR",
		"CREATE OR REPLACE TEMP MACRO tapdb_shobj_description(o, c) AS NULL::VARCHAR",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_get_indexdef(o) AS NULL::VARCHAR, (o, c, p) AS NULL::VARCHAR",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_get_constraintdef(o) AS NULL::VARCHAR, (o, p) AS NULL::VARCHAR",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_tablespace_location(o) AS ''",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_get_statisticsobjdef_columns(o) AS NULL::VARCHAR",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_get_partkeydef(o) AS NULL::VARCHAR",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_relation_is_publishable(o) AS false",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_get_function_result(o) AS NULL::VARCHAR",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_get_function_arguments(o) AS (SELECT any_value(array_to_string(parameters, ', ')) FROM duckdb_functions() WHERE function_oid = o)",
		"CREATE OR REPLACE TEMP MACRO tapdb_current_schemas(b) AS ['main']",
		"CREATE OR REPLACE TEMP MACRO tapdb_pg_get_viewdef(o) AS (SELECT any_value(sql) FROM duckdb_views() WHERE view_oid = o), " +
			"(o, p) AS (SELECT any_value(sql) FROM duckdb_views() WHERE view_oid = o)",
		"CREATE OR REPLACE TEMP MACRO tapdb_quote_ident(x) AS CASE WHEN regexp_full_match(x, '[a-z_][a-z0-9_$]*') THEN x " +
			"ELSE '\"' || replace(x, '\"', '\"\"') || '\"' END",
		"CREATE OR REPLACE TEMP MACRO tapdb_array_lower(a, d) AS CASE WHEN len(a) > 0 THEN 1 END",
		"CREATE OR REPLACE TEMP MACRO tapdb_array_upper(a, d) AS CASE WHEN len(a) > 0 THEN len(a) END",
		fmt.Sprintf("CREATE OR REPLACE TEMP MACRO tapdb_pg_backend_pid() AS %d", ss.pid),
		"CREATE OR REPLACE TEMP MACRO tapdb_regclass(name) AS (SELECT oid FROM pg_catalog.pg_class WHERE relname = name LIMIT 1)",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_database AS SELECT oid, datname, 10::BIGINT AS datdba, 6 AS encoding, 'c' AS datlocprovider, " +
			"false AS datistemplate, true AS datallowconn, -1 AS datconnlimit, 'C' AS datcollate, 'C' AS datctype, NULL::VARCHAR AS daticulocale, " +
			"NULL::VARCHAR AS datcollversion, NULL::VARCHAR[] AS datacl, 0::BIGINT AS dattablespace FROM pg_catalog.pg_database",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_roles AS SELECT " + q(ss.params["user"]) + " AS rolname, false AS rolsuper, false AS rolinherit, " +
			"false AS rolcreaterole, false AS rolcreatedb, true AS rolcanlogin, false AS rolreplication, -1 AS rolconnlimit, " +
			"'********' AS rolpassword, NULL::TIMESTAMPTZ AS rolvaliduntil, false AS rolbypassrls, NULL::VARCHAR[] AS rolconfig, 10::BIGINT AS oid",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_user AS SELECT rolname AS usename, oid AS usesysid, rolcreatedb AS usecreatedb, rolsuper AS usesuper, " +
			"false AS userepl, false AS usebypassrls, rolpassword AS passwd, rolvaliduntil AS valuntil, rolconfig AS useconfig FROM tapdb_pg_roles",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_shadow AS SELECT * FROM tapdb_pg_user",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_auth_members AS SELECT 0::BIGINT AS oid, 0::BIGINT AS roleid, 0::BIGINT AS member, 0::BIGINT AS grantor, false AS admin_option WHERE false",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_authid AS SELECT * FROM tapdb_pg_roles",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_inherits AS SELECT 0::BIGINT AS inhrelid, 0::BIGINT AS inhparent, 0 AS inhseqno, false AS inhdetachpending WHERE false",
		// No row-level security policies and no extended statistics:
		// psql's \d of a table asks for both.
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_policy AS SELECT 0::BIGINT AS oid, ''::VARCHAR AS polname, 0::BIGINT AS polrelid, 'r' AS polcmd, " +
			"true AS polpermissive, []::BIGINT[] AS polroles, NULL::VARCHAR AS polqual, NULL::VARCHAR AS polwithcheck WHERE false",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_statistic_ext AS SELECT 0::BIGINT AS oid, 0::BIGINT AS stxrelid, ''::VARCHAR AS stxname, 0::BIGINT AS stxnamespace, " +
			"0::BIGINT AS stxowner, -1 AS stxstattarget, []::SMALLINT[] AS stxkeys, []::VARCHAR[] AS stxkind, NULL::VARCHAR AS stxexprs WHERE false",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_publication AS SELECT 0::BIGINT AS oid, ''::VARCHAR AS pubname, 0::BIGINT AS pubowner, false AS puballtables, " +
			"false AS pubinsert, false AS pubupdate, false AS pubdelete, false AS pubtruncate, false AS pubviaroot WHERE false",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_publication_namespace AS SELECT 0::BIGINT AS oid, 0::BIGINT AS pnpubid, 0::BIGINT AS pnnspid WHERE false",
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_publication_rel AS SELECT 0::BIGINT AS oid, 0::BIGINT AS prpubid, 0::BIGINT AS prrelid, " +
			"NULL::VARCHAR AS prqual, NULL::SMALLINT[] AS prattrs WHERE false",
		// Only the database's own relations: not DuckDB's internal views (in
		// schemas pg_namespace does not list), the session's TEMP ones or
		// the store's tapdb_* tables.
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_class AS SELECT * REPLACE (NULL::VARCHAR[] AS reloptions), false AS relforcerowsecurity FROM pg_catalog.pg_class " +
			"WHERE relnamespace IN (SELECT oid FROM pg_catalog.pg_namespace) AND " + visibleRel("relname"),
		// DuckDB lists no pg_catalog schema, which psql's tab completion
		// compares with.
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_namespace AS SELECT oid, nspname, nspowner, nspacl FROM pg_catalog.pg_namespace " +
			"UNION ALL SELECT 11, 'pg_catalog', 10, NULL WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'pg_catalog')",
		"CREATE OR REPLACE TEMP VIEW tapdb_info_tables AS SELECT * FROM information_schema.tables WHERE table_catalog <> 'temp' AND " + visibleRel("table_name"),
		// PostgreSQL's type names in data_type and udt_name, as
		// RowDescription sends the columns.
		"CREATE OR REPLACE TEMP VIEW tapdb_info_columns AS SELECT * REPLACE (" + pgTypeName(duckToPGOid("data_type"), true) + " AS data_type, " +
			"table_catalog AS udt_catalog, 'pg_catalog' AS udt_schema, " + pgTypeName(duckToPGOid("data_type"), false) + " AS udt_name) " +
			"FROM information_schema.columns WHERE table_catalog <> 'temp' AND " + visibleRel("table_name"),
		"CREATE OR REPLACE TEMP VIEW tapdb_info_views AS SELECT * FROM information_schema.views WHERE table_catalog <> 'temp' AND " + visibleRel("table_name"),
		"CREATE OR REPLACE TEMP VIEW tapdb_pg_settings AS SELECT name, setting FROM (VALUES " + settingsValues(settings) + ") s(name, setting)",
	}
}

// installCatalog creates the session's macros and views, once, before the
// first query that the rewrite pointed at them, or before the session's
// first transaction (BEGIN), so that they are never created inside one: a
// ROLLBACK would drop them and fail every statement prepared on them.
// Failures are logged: the session works, only catalog queries suffer.
func (ss *session) installCatalog(ctx context.Context) {
	if ss.catalogReady {
		return
	}
	ss.catalogReady = true
	for _, m := range append(append(ss.catalogMacros(), typeCatalogSQL()...), biCatalogSQL()...) {
		if _, err := ss.driver(ctx).ExecContext(ctx, m, nil); err != nil {
			ss.log.Warn("create catalog macro", "sql", m, "err", err)
			return
		}
	}
}

func settingsValues(settings map[string][2]string) string {
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	var vals []string
	for _, p := range settings {
		vals = append(vals, "("+q(p[0])+", "+q(p[1])+")")
	}
	sort.Strings(vals)
	return strings.Join(vals, ", ")
}

// matchRegexOp rewrites PostgreSQL's regular-expression operators (~, !~,
// ~*, !~*), which match a substring, into DuckDB's ~ and !~, which match the
// whole string, by wrapping the pattern. The pattern must be a string
// literal or a parameter.
func matchRegexOp(src string, toks []token, i int) (string, int, bool) {
	j := i
	neg := false
	if isPunct(toks, j, "!") {
		neg = true
		j++
	}
	if !isPunct(toks, j, "~") || j > 0 && isPunct(toks, j-1, "~") || isPunct(toks, j+1, "~") {
		return "", 0, false
	}
	if !neg && i > 0 && isPunct(toks, i-1, "!") && toks[i-1].end == toks[i].pos {
		return "", 0, false // the ~ of a !~ seen from its second token
	}
	op := toks[j]
	j++
	flags := ""
	if isPunct(toks, j, "*") && toks[j].pos == op.end {
		flags = "(?i)"
		j++
	}
	// The operator's characters must be adjacent: "! ~" is not "!~".
	if neg && toks[i].end != op.pos {
		return "", 0, false
	}
	if j >= len(toks) {
		return "", 0, false
	}
	var pattern string
	switch toks[j].kind {
	case tokString:
		pattern = "'(?s:.*)(?:" + flags + strings.ReplaceAll(toks[j].text, "'", "''") + ")(?s:.*)'"
	case tokParam:
		pattern = "('(?s:.*)(?:" + flags + "' || " + toks[j].text + " || ')(?s:.*)')"
	default:
		return "", 0, false
	}
	result := "~ "
	if neg {
		result = "!~ "
	}
	return result + pattern, j - i + 1, true
}

// infoSchemaRels are the information_schema views that would list the
// session's TEMP tapdb_* views.
var infoSchemaRels = map[string]bool{"tables": true, "columns": true, "views": true}

// matchInfoSchema: FROM information_schema.tables → FROM tapdb_info_tables AS tables
func matchInfoSchema(_ string, toks []token, i int) (string, int, bool) {
	if i == 0 || !(isWord(toks, i-1, "from", "join") || isPunct(toks, i-1, ",")) {
		return "", 0, false
	}
	if !isWord(toks, i, "information_schema") || !isPunct(toks, i+1, ".") || i+2 >= len(toks) ||
		toks[i+2].kind != tokWord || !infoSchemaRels[toks[i+2].text] || isPunct(toks, i+3, "(") {
		return "", 0, false
	}
	name := toks[i+2].text
	repl := "tapdb_info_" + name
	if !hasAlias(toks, i+3) {
		repl += " AS " + name
	}
	return repl, 3, true
}
