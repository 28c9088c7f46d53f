package pgwire

import "testing"

// TestCatalogBIRules checks the rules of catalog_bi.go on the constructs
// they exist for and on look-alikes they must leave alone.
func TestCatalogBIRules(t *testing.T) {
	tests := []struct{ rule, in, want string }{
		{"expandarray", "SELECT (information_schema._pg_expandarray(i.indkey)).n", "SELECT (tapdb__pg_expandarray(i.indkey)).n"},
		{"expandarray", "SELECT a, information_schema._pg_expandarray(i.indkey) AS keys FROM t", "SELECT a, tapdb__pg_expandarray(i.indkey) AS keys FROM t"},
		{"expandarray", "SELECT * FROM t, information_schema._pg_expandarray(a) e", "SELECT * FROM t, tapdb__pg_expandarray_rows(a) e"},
		{"expandarray", "SELECT x.information_schema._pg_expandarray(a)", "SELECT x.information_schema._pg_expandarray(a)"},
		{"array literal", "WHERE word <> ALL ('{a,abs,\"b c\",NULL}'::text[])", "WHERE word <> ALL (['a', 'abs', 'b c', NULL]::text[])"},
		{"array literal", "SELECT '{}'::pg_catalog.int4[]", "SELECT []::int4[]"},
		{"array literal", "SELECT '{{1,2},{3,4}}'::int[]", "SELECT '{{1,2},{3,4}}'::int[]"},
		{"array literal", "SELECT '{a}'::text", "SELECT '{a}'::text"},
		{"synonym", "SELECT json_build_object('a', 1)", "SELECT json_object('a', 1)"},
		{"synonym", "SELECT format('%s', t.typname)", "SELECT printf('%s', t.typname)"},
		{"synonym", "SELECT format('{}', x)", "SELECT format('{}', x)"},
		{"renamed func", "SELECT pg_catalog.pg_get_keywords()", "SELECT tapdb_pg_get_keywords()"},
		{"renamed func", "SELECT to_regclass('flows'), parse_ident($1)", "SELECT tapdb_to_regclass('flows'), tapdb_parse_ident($1)"},
		{"renamed rel", "FROM pg_catalog.pg_matviews m JOIN pg_extension e ON true", "FROM tapdb_pg_matviews m JOIN tapdb_pg_extension e ON true"},
		{"renamed rel", "FROM pg_stat_user_tables stat", "FROM tapdb_pg_stat_user_tables stat"},
	}
	for _, tc := range tests {
		if got := rewriteCatalog(tc.in); got != tc.want {
			t.Errorf("%s: %q\n got  %q\n want %q", tc.rule, tc.in, got, tc.want)
		}
	}
}

// TestShowTransactionIsolationLevel: PostgreSQL's grammar makes SHOW
// TRANSACTION ISOLATION LEVEL the setting transaction_isolation.
func TestShowTransactionIsolationLevel(t *testing.T) {
	for _, sql := range []string{"SHOW TRANSACTION ISOLATION LEVEL", "show transaction isolation level"} {
		st, e := classifyStatement(sql)
		if e != nil || st.kind != kindShow || st.name != "transaction_isolation" {
			t.Errorf("%s: %+v %v", sql, st, e)
		}
	}
	if st, _ := classifyStatement("SHOW TRANSACTION ISOLATION"); st.kind == kindShow {
		t.Errorf("SHOW TRANSACTION ISOLATION: answered as a setting")
	}
}
