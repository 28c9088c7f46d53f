package pgwire

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{";", nil},
		{" ; ;\n", nil},
		{"-- only a comment", nil},
		{"select 1", []string{"select 1"}},
		{"select 1; select 2;", []string{"select 1", "select 2"}},
		{"select ';'; select 2", []string{"select ';'", "select 2"}},
		{"select 'it''s;'; x", []string{"select 'it''s;'", "x"}},
		{`select E'\';' ; y`, []string{`select E'\';'`, "y"}},
		{`select "a;b" from t; z`, []string{`select "a;b" from t`, "z"}},
		{"select $$a;b$$; w", []string{"select $$a;b$$", "w"}},
		{"select $tag$a;$$;b$tag$; w", []string{"select $tag$a;$$;b$tag$", "w"}},
		{"select 1 -- c;\n; v", []string{"select 1 -- c;", "v"}},
		{"select /* a; /* nested; */ b; */ 1; u", []string{"select /* a; /* nested; */ b; */ 1", "u"}},
		{"select $1; select $2", []string{"select $1", "select $2"}},
		{"select 'unterminated; x", []string{"select 'unterminated; x"}},
	}
	for _, tc := range tests {
		if got := splitStatements(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitStatements(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTokenize(t *testing.T) {
	var got []string
	for _, tk := range tokenize(`SELECT "Ab", 'x''y', E'a\'b', $1, 1.5e3, a.b::int -- c`) {
		got = append(got, tk.text)
	}
	want := []string{"select", "Ab", ",", "x'y", ",", "a'b", ",", "$1", ",", "1.5e3", ",", "a", ".", "b", ":", ":", "int"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// FuzzSplit checks that splitting never panics and never loses a token.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"select 1; select 2", "select ';'", "$$a;$$", "/* ; */", "E'\\';'", `"a;"`, "$1;$a$;$a$"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pieces := splitStatements(s)
		n := 0
		for _, tk := range tokenize(s) {
			if !(tk.kind == tokPunct && tk.text == ";") {
				n++
			}
		}
		m := 0
		for _, p := range pieces {
			if len(tokenize(p)) == 0 {
				t.Fatalf("piece without a token in %q", pieces)
			}
			m += len(tokenize(p))
		}
		// Re-tokenizing a piece can only merge or split around an
		// unterminated construct; counts match for well-formed input.
		if m < n-len(pieces) && !strings.ContainsAny(s, "'\"$/-") {
			t.Fatalf("lost tokens: %d pieces hold %d tokens of %d", len(pieces), m, n)
		}
		for _, p := range pieces {
			classifyStatement(p)
			rewriteCatalog(p)
		}
	})
}
