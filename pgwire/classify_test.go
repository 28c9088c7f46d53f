package pgwire

import (
	"testing"
)

func TestClassifyStatement(t *testing.T) {
	tests := []struct {
		sql  string
		kind stmtKind
		code string // expected SQLSTATE of a refusal
		name string
		tag  string
	}{
		{sql: "select 1", kind: kindQuery},
		{sql: "BEGIN", kind: kindBegin, tag: "BEGIN"},
		{sql: "start transaction isolation level read committed", kind: kindBegin, tag: "START TRANSACTION"},
		{sql: "end", kind: kindCommit, tag: "COMMIT"},
		{sql: "abort", kind: kindRollback, tag: "ROLLBACK"},
		{sql: "rollback to savepoint x", code: codeFeatureNotSupported},
		{sql: "savepoint x", code: codeFeatureNotSupported},
		{sql: "SET extra_float_digits = 3", kind: kindSet, name: "extra_float_digits", tag: "SET"},
		{sql: "set session timezone to 'UTC'", kind: kindSet, name: "timezone"},
		{sql: "SET TIME ZONE 'UTC'", kind: kindSet, name: "time zone"},
		{sql: "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", kind: kindSet, name: "session characteristics"},
		{sql: "set enable_external_access = true", code: codeInsufficientPrivilege},
		{sql: "set local threads to 1", code: codeInsufficientPrivilege},
		{sql: "SET SESSION AUTHORIZATION postgres", code: codeInsufficientPrivilege},
		{sql: "set role admin", code: codeInsufficientPrivilege},
		{sql: "reset all", kind: kindReset},
		{sql: "reset memory_limit", code: codeInsufficientPrivilege},
		{sql: "show transaction_isolation", kind: kindShow, name: "transaction_isolation"},
		{sql: "show tables", kind: kindQuery},
		{sql: `declare "c" binary cursor with hold for select 1`, kind: kindDeclare, name: "c"},
		{sql: "declare c cursor for", code: codeSyntaxError},
		{sql: "fetch forward 10 from c", kind: kindFetch, name: "c"},
		{sql: "fetch backward 1 from c", code: codeFeatureNotSupported},
		{sql: "close all", kind: kindCloseCursor, tag: "CLOSE CURSOR ALL"},
		{sql: "copy (select 1) to stdout with csv header", kind: kindCopyOut},
		{sql: "copy (select 1) to '/tmp/x'", code: codeInsufficientPrivilege},
		{sql: "copy t to stdout", kind: kindCopyOut},
		{sql: "copy main.t (a, b) to stdout with csv", kind: kindCopyOut},
		{sql: "copy t from stdin", code: codeInsufficientPrivilege},
		{sql: "copy t to '/tmp/x'", code: codeInsufficientPrivilege},
		{sql: "copy t () to stdout", code: codeSyntaxError},
		{sql: "copy (select 1) to program 'sh'", code: codeInsufficientPrivilege},
		{sql: "copy (select 1) to stdout (format binary)", code: codeFeatureNotSupported},
		{sql: "explain analyze select 1", kind: kindQuery},
		{sql: "discard all", kind: kindDiscard, tag: "DISCARD ALL"},
		{sql: "deallocate prepare s1", kind: kindDeallocate, name: "s1"},
		{sql: "listen x", code: codeFeatureNotSupported},
	}
	for _, tc := range tests {
		st, e := classifyStatement(tc.sql)
		if tc.code != "" {
			if e == nil || e.Code != tc.code {
				t.Errorf("%s: got %v, want SQLSTATE %s", tc.sql, e, tc.code)
			}
			continue
		}
		if e != nil {
			t.Errorf("%s: %v", tc.sql, e)
			continue
		}
		if st.kind != tc.kind || tc.name != "" && st.name != tc.name || tc.tag != "" && st.tag != tc.tag {
			t.Errorf("%s: got kind %d name %q tag %q", tc.sql, st.kind, st.name, st.tag)
		}
	}
}

func TestClassifyCopyOptions(t *testing.T) {
	st, e := classifyStatement("COPY ( select a, (b) from t ) TO STDOUT WITH (FORMAT csv, HEADER true, DELIMITER ';')")
	if e != nil {
		t.Fatal(e)
	}
	if st.query != "select a, (b) from t " || !st.csv || !st.header || st.delim != ";" {
		t.Errorf("got query %q csv %v header %v delim %q", st.query, st.csv, st.header, st.delim)
	}
	st, e = classifyStatement(`COPY main."Flows" (a, "b") TO STDOUT`)
	if e != nil || st.query != `SELECT a, "b" FROM main."Flows"` {
		t.Errorf("copy of a table: query %q, %v", st.query, e)
	}
	st, e = classifyStatement("explain (format json) select 1")
	if e != nil || st.query != "select 1" {
		t.Errorf("explain inner query %q, %v", st.query, e)
	}
}
