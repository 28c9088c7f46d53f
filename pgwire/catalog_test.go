package pgwire

import (
	"testing"
)

// TestCatalogRules checks each rewrite rule on the construct it exists for
// and on look-alikes it must leave alone.
func TestCatalogRules(t *testing.T) {
	tests := []struct{ rule, in, want string }{
		{"operator", "WHERE c.relname OPERATOR(pg_catalog.~) '^(flows)$'", "WHERE c.relname ~ '^(flows)$'"},
		{"operator", "WHERE a OPERATOR(pg_catalog.!~*) b", "WHERE a !~* b"},
		{"operator", "WHERE a OPERATOR(pg_catalog.=) b", "WHERE a = b"},
		{"operator", "select operator from t", "select operator from t"},
		{"collate", "'^(flows)$' COLLATE pg_catalog.default", "'^(flows)$' "},
		{"collate", `x COLLATE "C" = y`, "x  = y"},
		{"collate", `x COLLATE "de_DE" = y`, `x COLLATE "de_DE" = y`},
		{"regclass literal", "select 'flows'::regclass", "select tapdb_regclass('flows')"},
		{"regclass literal", "select 'flows'::pg_catalog.regclass", "select tapdb_regclass('flows')"},
		{"regcast", "c.oid::pg_catalog.regclass", "c.oid"},
		{"regcast", "c.reloftype::pg_catalog.regtype::pg_catalog.text", "c.reloftype::text"},
		{"cast qualifier", "'1'::pg_catalog.oid", "'1'::oid"},
		{"renamed func", "pg_catalog.pg_get_userbyid(c.relowner)", "tapdb_pg_get_userbyid(c.relowner)"},
		{"renamed func", "select version()", "select tapdb_version()"},
		{"renamed func", "select current_setting('server_version_num')", "select tapdb_current_setting('server_version_num')"},
		{"renamed func", "select t.version, version from t", "select t.version, version from t"},
		{"renamed func", "select x.version() from t", "select x.version() from t"},
		{"pg_catalog func", "pg_catalog.array_to_string(d.datacl, ', ')", "array_to_string(d.datacl, ', ')"},
		{"pg_catalog func", "pg_catalog.pg_table_is_visible(c.oid)", "pg_table_is_visible(c.oid)"},
		{"renamed rel", "FROM pg_catalog.pg_database d", "FROM tapdb_pg_database d"},
		{"renamed rel", "FROM pg_class c, pg_roles AS r", "FROM tapdb_pg_class c, tapdb_pg_roles AS r"},
		{"renamed rel", "FROM pg_catalog.pg_type WHERE pg_type.oid = 1", "FROM tapdb_pg_type AS pg_type WHERE pg_type.oid = 1"},
		{"renamed rel", "FROM pg_type LEFT JOIN pg_namespace ON true", "FROM tapdb_pg_type AS pg_type LEFT JOIN tapdb_pg_namespace AS pg_namespace ON true"},
		{"renamed rel", "FROM pg_type", "FROM tapdb_pg_type AS pg_type"},
		{"renamed rel", "select pg_class.relname, c.pg_roles from x", "select pg_class.relname, c.pg_roles from x"},
		{"regex", "where saddr ~ '^10\\.'", "where saddr ~ '(?s:.*)(?:^10\\.)(?s:.*)'"},
		{"regex", "where n.nspname !~ '^pg_toast'", "where n.nspname !~ '(?s:.*)(?:^pg_toast)(?s:.*)'"},
		{"regex", "where proto ~* 'TCP'", "where proto ~ '(?s:.*)(?:(?i)TCP)(?s:.*)'"},
		{"regex", "where proto !~* $1", "where proto !~ ('(?s:.*)(?:(?i)' || $1 || ')(?s:.*)')"},
		{"regex", "where proto ~ 'it''s'", "where proto ~ '(?s:.*)(?:it''s)(?s:.*)'"},
		{"regex", "where a ~~ 'x%' and b !~~ 'y'", "where a ~~ 'x%' and b !~~ 'y'"},
		{"regex", "where a ~ b", "where a ~ b"},
		{"srf alias", "from generate_series(1, 3) as i, t", "from generate_series(1, 3) as i(i), t"},
		{"srf alias", "from t, pg_catalog.generate_series(1, array_upper(a, 1)) i", "from t, generate_series(1, tapdb_array_upper(a, 1)) i(i)"},
		{"srf alias", "from generate_series(1, 3) as s(r)", "from generate_series(1, 3) as s(r)"},
		{"srf alias", "from generate_series(1, 3) where true", "from generate_series(1, 3) where true"},
		{"scalar in from", "from t, string_to_array(current_setting('search_path'), ',') s where true",
			"from t, (SELECT string_to_array(tapdb_current_setting('search_path'), ',') AS s) s where true"},
		{"scalar in from", "select string_to_array(a, ',') s from t", "select string_to_array(a, ',') s from t"},
		{"information_schema", "from information_schema.tables where x", "from tapdb_info_tables AS tables where x"},
		{"information_schema", "from information_schema.columns c", "from tapdb_info_columns c"},
		{"information_schema", "from information_schema.schemata", "from information_schema.schemata"},
		{"strings untouched", "select 'OPERATOR(pg_catalog.~)', 'version()'", "select 'OPERATOR(pg_catalog.~)', 'version()'"},
		{"no change", "select * from flows where dport = 53", "select * from flows where dport = 53"},
	}
	for _, tc := range tests {
		if got := rewriteCatalog(tc.in); got != tc.want {
			t.Errorf("%s: %q\n got  %q\n want %q", tc.rule, tc.in, got, tc.want)
		}
	}
}
