package translate

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/filters.golden")

// readFilters reads testdata/filters.txt: one filter a line, # comments.
func readFilters(t testing.TB) []string {
	t.Helper()
	f, err := os.Open("testdata/filters.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// translateOne renders a filter's tree, SQL and arguments, or its error.
func translateOne(filter string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "filter: %s\n", filter)
	e, err := Parse(filter)
	if err != nil {
		fmt.Fprintf(&sb, "error:  %v\n", err)
		return sb.String()
	}
	where, args, err := e.SQL(SQLOptions{})
	if err != nil {
		fmt.Fprintf(&sb, "error:  %v\n", err)
		return sb.String()
	}
	fmt.Fprintf(&sb, "tree:   %s\nsql:    %s\n", e, where)
	if len(args) > 0 {
		fmt.Fprintf(&sb, "args:   %s\n", formatArgs(args))
	}
	return sb.String()
}

func formatArgs(args []any) string {
	s := make([]string, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			s[i] = fmt.Sprintf("%q", v)
		default:
			s[i] = fmt.Sprintf("%v(%T)", v, v)
		}
	}
	return strings.Join(s, ", ")
}

// TestGolden translates every filter of testdata/filters.txt and compares
// tree, SQL and parameters (or the error) with testdata/filters.golden.
func TestGolden(t *testing.T) {
	var sb strings.Builder
	for _, f := range readFilters(t) {
		sb.WriteString(translateOne(f))
		sb.WriteString("\n")
	}
	got := sb.String()
	const path = "testdata/filters.golden"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("golden mismatch at line %d:\n got: %s\nwant: %s\n(go test -update rewrites it)", i+1, g, w)
			}
		}
	}
}
