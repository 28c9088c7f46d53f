package translate

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"tapdb/schema"
)

var sqlToken = regexp.MustCompile(`^(\s+|[A-Za-z_][A-Za-z0-9_]*|\$[0-9]+|\?|[0-9]+|<>|>=|<=|>>|[()=<>,&|])`)

// sqlWords are the only words the translator writes besides column names.
var sqlWords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "IN": true, "BETWEEN": true, "CAST": true,
	"AS": true, "UBIGINT": true, "COALESCE": true, "TRUE": true, "FALSE": true,
	"IS": true, "NULL": true, "substr": true, "starts_with": true,
	"list_contains": true, "string_split": true, "CASE": true, "WHEN": true, "THEN": true, "END": true,
}

// checkSQL fails unless where is made only of schema column names, the
// translator's fixed SQL words, integers, operators and placeholders: no
// text from a filter (no quote, semicolon or unknown identifier) can be in it.
func checkSQL(t testing.TB, filter, where string) {
	t.Helper()
	s := where
	for s != "" {
		m := sqlToken.FindString(s)
		if m == "" {
			t.Fatalf("filter %q: SQL has unexpected text at %q\nSQL: %s", filter, s, where)
		}
		if c := m[0]; c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
			if _, ok := schema.Lookup(m); !ok && !sqlWords[m] {
				t.Fatalf("filter %q: SQL names %q, neither a schema column nor a fixed SQL word\nSQL: %s", filter, m, where)
			}
		}
		s = s[len(m):]
	}
}

// TestSQLOnlyFromTree checks every golden filter's SQL against the token
// whitelist: values are parameters, identifiers are schema columns.
func TestSQLOnlyFromTree(t *testing.T) {
	n := 0
	for _, f := range readFilters(t) {
		e, err := Parse(f)
		if err != nil {
			continue
		}
		for _, p := range []Placeholder{Dollar, Question} {
			where, _, err := e.SQL(SQLOptions{Placeholder: p})
			if err != nil {
				t.Fatalf("%q: %v", f, err)
			}
			checkSQL(t, f, where)
		}
		n++
	}
	if n < 100 {
		t.Fatalf("only %d filters translated", n)
	}
}

// TestColumnsExist checks that every column the translator refers to, for
// every golden filter, is in schema.Columns().
func TestColumnsExist(t *testing.T) {
	names := map[string]bool{}
	for _, c := range schema.Columns() {
		names[c.Name] = true
	}
	used := map[string]bool{}
	for _, f := range readFilters(t) {
		e, err := Parse(f)
		if err != nil {
			continue
		}
		b := newBuilder(SQLOptions{})
		e.Root.sql(b)
		if b.err != nil {
			t.Fatalf("%q: %v", f, b.err)
		}
		for c := range b.used {
			used[c] = true
		}
	}
	for c := range used {
		if !names[c] {
			t.Errorf("translator emits column %q, which schema.Columns() lacks", c)
		}
	}
	if len(used) < 30 {
		t.Errorf("golden filters exercise only %d columns", len(used))
	}
}

// TestInjection: hostile filter text is either rejected or carried only
// as a parameter.
func TestInjection(t *testing.T) {
	for _, f := range []string{
		`srcid "x'; DROP TABLE flows; --"`,
		`srcid "a' OR '1'='1"`,
		`tcp; DROP TABLE flows`,
		`tcp' OR 1=1 --`,
		`host 1.2.3.4) OR (1=1`,
		`srcid x/*`,
		`encaps eth) OR TRUE --`,
		`port 80 UNION SELECT`,
		"tcp\x00",
		`bytes gt 1;DELETE`,
	} {
		e, err := Parse(f)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) {
				t.Errorf("%q: error %v is not a *Error", f, err)
			}
			continue
		}
		where, args, err := e.SQL(SQLOptions{})
		if err != nil {
			t.Fatalf("%q: %v", f, err)
		}
		checkSQL(t, f, where)
		if strings.Contains(f, "'") {
			found := false
			for _, a := range args {
				if s, ok := a.(string); ok && strings.Contains(s, "'") {
					found = true
				}
			}
			if !found {
				t.Errorf("%q accepted but the quoted text is not a parameter: %v", f, args)
			}
		}
	}
}

// TestErrors checks that errors name the offending word and its column.
func TestErrors(t *testing.T) {
	tests := []struct {
		filter string
		col    int
		word   string
		msg    string
	}{
		{"prot 5", 1, "prot", "filter: unknown word 'prot' at column 1, did you mean 'proto'?"},
		{"tcp and prot 5", 9, "prot", "filter: unknown word 'prot' at column 9, did you mean 'proto'?"},
		{"TCP", 1, "TCP", "filter: unknown word 'TCP' at column 1, did you mean 'tcp'? (keywords are lower-case)"},
		{"udp port http", 10, "http", "filter: port 'http' is tcp at column 10"},
		{"port xyzzy", 6, "xyzzy", "filter: unknown port 'xyzzy' at column 6"},
		{"192.0.2.2", 1, "192.0.2.2", "filter: value '192.0.2.2' at column 1 needs a keyword before it (host, net, port, proto, …)"},
		{"tcp or 5", 8, "5", "filter: value '5' at column 8 needs a keyword before it (host, net, port, proto, …)"},
		{"pkts > 5 and bytes gt", 20, "gt", "filter: comparison 'gt' at column 20 needs a number after it"},
		{"tcp and", 8, "", "filter: filter ends too early at column 8"},
		{"tcp )", 5, ")", "filter: syntax error at column 5 near ')'"},
		{"tcp host 192.0.2.1", 5, "tcp", "filter: 'tcp' modifier applied to host at column 5"},
		{"ipid 4", 1, "ipid", "filter: keyword 'ipid' at column 1: IP ids are not stored in tapdb"},
		{"", 0, "", "filter: empty filter"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.filter)
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("Parse(%q) = %v, want *Error", tc.filter, err)
			continue
		}
		if fe.Column != tc.col || fe.Word != tc.word || err.Error() != tc.msg {
			t.Errorf("Parse(%q):\n got col %d word %q %q\nwant col %d word %q %q", tc.filter, fe.Column, fe.Word, err.Error(), tc.col, tc.word, tc.msg)
		}
	}
}

// TestParseArgs: words are joined with spaces; no words match everything.
func TestParseArgs(t *testing.T) {
	e, err := ParseArgs(nil)
	if err != nil || e != nil {
		t.Fatalf("ParseArgs(nil) = %v, %v", e, err)
	}
	where, args, err := e.SQL(SQLOptions{})
	if where != "TRUE" || args != nil || err != nil {
		t.Fatalf("nil Expr SQL = %q %v %v", where, args, err)
	}
	e, err = ParseArgs([]string{"tcp", "and", "(port", "80", "or", "port", "443)"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.String(), "(tcp and (port 80 or port 443))"; got != want {
		t.Errorf("tree %q, want %q", got, want)
	}
	_, err = ParseArgs([]string{"tcp", "and", "prot", "6"})
	var fe *Error
	if !errors.As(err, &fe) || fe.Column != 9 {
		t.Errorf("error %v, want column 9", err)
	}
}

// TestArgBase: $n numbering continues after parameters bound before.
func TestArgBase(t *testing.T) {
	e, err := Parse("port 80 and host 192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	where, args, err := e.SQL(SQLOptions{ArgBase: 2})
	if err != nil {
		t.Fatal(err)
	}
	// port 80: two arguments; a host: four (each side's two halves).
	if !strings.Contains(where, "$3") || !strings.Contains(where, "$8") || strings.Contains(where, "$2 ") || len(args) != 6 {
		t.Errorf("ArgBase 2 gave %s with %d args", where, len(args))
	}
}

// TestParseConcurrent: the parser has no shared mutable state (run with -race).
func TestParseConcurrent(t *testing.T) {
	filters := readFilters(t)
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for _, f := range filters {
				if e, err := Parse(f); err == nil {
					_, _, _ = e.SQL(SQLOptions{})
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

// TestRoundTrip: the tree's String is itself a filter that parses to the
// same tree and SQL.
func TestRoundTrip(t *testing.T) {
	for _, f := range readFilters(t) {
		e, err := Parse(f)
		if err != nil {
			continue
		}
		e2, err := Parse(e.String())
		if err != nil {
			t.Errorf("%q: its tree %q does not parse: %v", f, e.String(), err)
			continue
		}
		w1, a1, _ := e.SQL(SQLOptions{})
		w2, a2, _ := e2.SQL(SQLOptions{})
		if e2.String() != e.String() || w1 != w2 || formatArgs(a1) != formatArgs(a2) {
			t.Errorf("%q: round trip through %q changed it to %q", f, e.String(), e2.String())
		}
	}
}

// TestLimits: huge or deeply nested filters get an error, not a panic or
// SQL DuckDB refuses.
func TestLimits(t *testing.T) {
	for _, f := range []string{
		strings.Repeat("not ", 300) + "tcp",
		strings.Repeat("tcp or ", 500) + "tcp",
		strings.Repeat("x", 9000),
	} {
		if _, err := Parse(f); err == nil {
			t.Errorf("%.20s… (%d bytes) accepted", f, len(f))
		}
	}
	for _, f := range []string{
		strings.Repeat("not ", 150) + "tcp",
		strings.Repeat("(", 2000) + "tcp" + strings.Repeat(")", 2000), // parentheses add no SQL
	} {
		if _, err := Parse(f); err != nil {
			t.Errorf("%.20s…: %v", f, err)
		}
	}
}
