package schema

import (
	"os"
	"strings"
	"testing"
)

// The README's description of the flow record names every column of the
// table, so the prose cannot drift from the one column list.
func TestREADMENamesEveryColumn(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(b), "## The flow record")
	end := strings.Index(string(b), "## Storage")
	if start < 0 || end < start {
		t.Fatal("README has no 'The flow record' section before 'Storage'")
	}
	section := string(b[start:end])
	for _, c := range Columns() {
		if !strings.Contains(section, "`"+c.Name+"`") {
			t.Errorf("README's flow record section does not name column %s", c.Name)
		}
	}
}
