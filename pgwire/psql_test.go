package pgwire_test

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const psqlPath = "/usr/bin/psql"

// runPSQL runs the real psql client with args against addr.
func runPSQL(t *testing.T, addr, user, password string, args ...string) (string, error) {
	t.Helper()
	return runPSQLMode(t, addr, user, password, "disable", args...)
}

// runPSQLMode is runPSQL with a libpq sslmode.
func runPSQLMode(t *testing.T, addr, user, password, sslmode string, args ...string) (string, error) {
	t.Helper()
	if _, err := os.Stat(psqlPath); err != nil {
		t.Skip("psql not installed")
	}
	host, port, _ := net.SplitHostPort(addr)
	full := append([]string{"host=" + host + " port=" + port + " user=" + user + " dbname=flows sslmode=" + sslmode, "-X", "-v", "ON_ERROR_STOP=1"}, args...)
	cmd := exec.Command(psqlPath, full...)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+password, "PGCONNECT_TIMEOUT=10", "PAGER=", "PSQL_PAGER=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestPSQLQueries(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"select", []string{"-c", "select proto, count(*) as n, sum(bytes) as b from flows group by 1 order by 1"},
			" proto | n |   b    \n-------+---+--------\n tcp   | 2 | 330500\n udp   | 1 |    200\n(2 rows)\n\n"},
		{"timestamptz", []string{"-At", "-c", "select min(stime) from flows"}, "2026-11-27 05:06:02.189339+00\n"},
		{"multi", []string{"-At", "-c", "select 1; select 'a' || 'b'"}, "1\nab\n"},
		{"types", []string{"-At", "-F", "|", "-c", "select true, 1.5::double, 0.1::float, 12.340::decimal(10,3), interval '1 day 2 hours', 'x'::blob, uuid '0a0b0c0d-0000-0000-0000-000000000001', date '2026-01-02'"},
			"t|1.5|0.1|12.340|1 day 02:00:00|\\x78|0a0b0c0d-0000-0000-0000-000000000001|2026-01-02\n"},
		{"copy", []string{"-c", "copy (select proto, dport from flows order by stime) to stdout with (format csv, header)"},
			"proto,dport\ntcp,443\nudp,53\ntcp,22\n"},
		{"show", []string{"-At", "-c", "show server_version"}, "15.0 (tapdb)\n"},
		{"empty", []string{"-At", "-c", ";"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runPSQL(t, addr, "tester", "", tc.args...)
			if err != nil {
				t.Fatalf("psql: %v\n%s", err, out)
			}
			if out != tc.want {
				t.Errorf("got\n%q\nwant\n%q", out, tc.want)
			}
		})
	}
}

func TestPSQLErrors(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	for _, tc := range []struct{ sql, want string }{
		{"create table x(a int)", "ERROR:  permission denied"},
		{"select nope from flows", "ERROR:  "},
		{"selec 1", "ERROR:  syntax error"},
	} {
		out, err := runPSQL(t, addr, "tester", "", "-c", tc.sql)
		if err == nil || !strings.Contains(out, tc.want) {
			t.Errorf("%s: err %v, output %q, want %q", tc.sql, err, out, tc.want)
		}
	}
}

// TestPSQLMetaCommands runs psql 15's meta-commands, whose catalog queries
// go through the rewrite layer and the session's tapdb_* macros.
func TestPSQLMetaCommands(t *testing.T) {
	db := newTestDB(t)
	if _, err := db.Exec("CREATE MACRO in_net(a, c) AS a = c"); err != nil {
		t.Fatal(err)
	}
	_, addr := startServer(t, pgwireConfig(), db)
	out := filepath.Join(t.TempDir(), "flows.csv")
	const sep = "\x00"
	tests := []struct {
		cmd  string
		want []string
	}{
		{`\dt`, []string{"flows | table"}},
		{`\dv`, []string{"flows_tcp | view"}},
		{`\d`, []string{"flows     | table", "flows_tcp | view"}},
		{`\dn`, []string{"main"}},
		{`\df`, []string{"main   | in_net | ", "| a, c "}},
		{`\du`, []string{"tester"}},
		{`select string_agg(table_name, ',' order by table_name) from information_schema.tables where table_schema = 'main'`,
			[]string{" flows,flows_tcp\n"}},
		{`SELECT pg_catalog.quote_ident(c.relname) FROM pg_catalog.pg_class c WHERE substring(pg_catalog.quote_ident(c.relname),1,2)='fl' AND pg_catalog.pg_table_is_visible(c.oid) AND c.relnamespace <> (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'pg_catalog') ORDER BY 1`,
			[]string{" flows\n", " flows_tcp\n"}},
		{`\l`, []string{"List of databases", "UTF8"}},
		{`\d flows`, []string{`Table "main.flows"`, "stime     | timestamp with time zone", "dport     | integer", "dmeansz"}},
		{`\d+ flows`, []string{`Table "main.flows"`, "dmeansz"}},
		{`\d+ flows_tcp`, []string{"View definition:", "flows"}},
		{`\x on` + sep + `select proto, dport from flows order by stime limit 1`, []string{"-[ RECORD 1 ]", "proto | tcp", "dport | 443"}},
		{`\timing on` + sep + `select 1 as one`, []string{"Time: "}},
		{`\copy (select proto, dport from flows order by stime) to '` + out + `' csv header`, []string{"COPY 3"}},
		{`\copy flows (proto, dport) to stdout`, []string{"tcp\t443\n", "udp\t53\n"}},
	}
	for _, tc := range tests {
		var args []string
		for _, c := range strings.Split(tc.cmd, sep) {
			args = append(args, "-c", c)
		}
		got, err := runPSQL(t, addr, "tester", "", args...)
		if err != nil || strings.Contains(got, "ERROR") {
			t.Errorf("%s: %v\n%s", tc.cmd, err, got)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: output lacks %q:\n%s", tc.cmd, w, got)
			}
		}
	}
	data, err := os.ReadFile(out)
	if err != nil || string(data) != "proto,dport\ntcp,443\nudp,53\ntcp,22\n" {
		t.Errorf(`\copy wrote %q, %v`, data, err)
	}
}
