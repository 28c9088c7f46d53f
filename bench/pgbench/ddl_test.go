package main

import (
	"strings"
	"testing"
	"time"

	"tapdb/schema"
)

// TestWriteDDL checks that every stored column gets a PostgreSQL type, so
// a column added to the schema with a new wire type fails here rather than
// in the middle of a benchmark load.
func TestWriteDDL(t *testing.T) {
	var b strings.Builder
	if err := writeDDL(&b); err != nil {
		t.Fatal(err)
	}
	ddl := b.String()
	for _, c := range schema.StoredColumns() {
		want := "\t" + c.Name + " " + pgTypeNames[c.PGType]
		if !strings.Contains(ddl, want) {
			t.Errorf("DDL lacks %q:\n%s", want, ddl)
		}
	}
	if got, want := strings.Count(columnList(), ",")+1, len(schema.StoredColumns()); got != want {
		t.Errorf("columnList has %d columns, want %d", got, want)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want int
	}{{[]int{5}, 5}, {[]int{3, 1, 2}, 2}, {[]int{4, 1, 3, 2}, 2}} {
		ds := make([]time.Duration, len(tc.in))
		for i, v := range tc.in {
			ds[i] = time.Duration(v)
		}
		if got := median(ds); got != time.Duration(tc.want) {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
