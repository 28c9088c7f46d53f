package translate

import (
	"errors"
	"testing"
)

// FuzzParse: no panic on any input; an accepted filter's tree prints as a
// filter that parses to the same tree, and yields SQL made only of
// tree-produced text, which DuckDB accepts and runs with its parameters
// against the flows view.
func FuzzParse(f *testing.F) {
	for _, s := range readFilters(f) {
		f.Add(s)
	}
	db := openFlows(f, fixture())
	f.Fuzz(func(t *testing.T, filter string) {
		e, err := Parse(filter)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("Parse(%q) error %v is not a *Error", filter, err)
			}
			return
		}
		again, err := Parse(e.String())
		if err != nil || again.String() != e.String() {
			t.Fatalf("Parse(%q) = %q, which reparses to %v, %v", filter, e.String(), again, err)
		}
		for _, p := range []Placeholder{Dollar, Question} {
			where, args, err := e.SQL(SQLOptions{Placeholder: p})
			if err != nil {
				t.Fatalf("Parse(%q) accepted, SQL failed: %v", filter, err)
			}
			checkSQL(t, filter, where)
			rows, err := db.Query("SELECT count(*) FROM flows WHERE "+where, args...)
			if err != nil {
				t.Fatalf("filter %q: DuckDB rejects %s %v: %v", filter, where, args, err)
			}
			rows.Close()
		}
	})
}
