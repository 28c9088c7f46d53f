package layering

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "tapdb/"

// rules lists, per package pattern, the packages it must not depend on,
// directly or through another package. A pattern ending in "/..." covers
// the package and every package below it.
var rules = []struct {
	pkg       string
	forbidden []string
	why       string
}{
	{"store/...", []string{"ingest/...", "pgwire/...", "ra/..."}, "the store does not know where records come from or who reads them"},
	{"ingest/...", []string{"store/..."}, "sources emit records to a callback"},
	{"pgwire/...", []string{"ingest/..."}, "the endpoint serves SQL only"},
	{"...", []string{"internal/argusref"}, "the golden-file reader is for tests only"},
}

// deps returns, for every package matched by pattern, its non-test
// dependencies inside the module.
func deps(t *testing.T, pattern string) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+strings.TrimPrefix(pattern, "./"))
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", pattern, err, stderr.String())
	}
	m := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		var own []string
		for _, d := range f[1:] {
			if strings.HasPrefix(d, module) {
				own = append(own, strings.TrimPrefix(d, module))
			}
		}
		m[strings.TrimPrefix(f[0], module)] = own
	}
	return m
}

// matches reports whether pkg (module-relative) is covered by pattern.
func matches(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

func TestImportRules(t *testing.T) {
	for _, r := range rules {
		pkgs := deps(t, r.pkg)
		if len(pkgs) == 0 {
			t.Errorf("%s: go list found no package", r.pkg)
		}
		for pkg, ds := range pkgs {
			if pkg == "internal/argusref" {
				continue // the reader itself
			}
			for _, d := range ds {
				for _, f := range r.forbidden {
					if matches(f, d) {
						t.Errorf("%s depends on %s: %s", pkg, d, r.why)
					}
				}
			}
		}
	}
}

func TestMatches(t *testing.T) {
	for _, c := range []struct {
		pattern, pkg string
		want         bool
	}{
		{"store/...", "store", true},
		{"store/...", "store/x", true},
		{"store/...", "storex", false},
		{"internal/argusref", "internal/argusref", true},
		{"internal/argusref", "internal/argusrefx", false},
	} {
		if got := matches(c.pattern, c.pkg); got != c.want {
			t.Errorf("matches(%q, %q) = %v, want %v", c.pattern, c.pkg, got, c.want)
		}
	}
}
