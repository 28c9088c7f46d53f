package schema

import (
	"reflect"
	"testing"
)

// TestColumnBehaviour checks that every column says what the ra family
// and the importer do with it: each stored column has a merge rule and an
// import (a setter, or a place among the columns read jointly), each
// printed column a width, each float column a precision; derived columns
// have no merge rule (they are computed from the merged stored columns)
// and no import (they are not stored).
func TestColumnBehaviour(t *testing.T) {
	for _, c := range Columns() {
		if c.Stored() {
			if c.Merge == MergeNone {
				t.Errorf("stored column %s has no merge rule", c.Name)
			}
			if (c.Import.Set != nil) == c.Import.Joint {
				t.Errorf("stored column %s: want exactly one of an import setter and Joint", c.Name)
			}
		} else {
			if c.Merge != MergeNone {
				t.Errorf("derived column %s has a merge rule: it is worked out from the merged columns", c.Name)
			}
			if c.Import.Set != nil || c.Import.Joint {
				t.Errorf("derived column %s has an import: it is not stored", c.Name)
			}
			if c.ClusterKey {
				t.Errorf("derived column %s is a racluster key", c.Name)
			}
		}
		if printed := c.Label != ""; printed != (c.Width > 0) {
			t.Errorf("column %s: label %q, width %d: a printed column needs both", c.Name, c.Label, c.Width)
		}
		if isFloat := c.Kind == KindFloat; isFloat != (c.Precision != PrecisionNone) {
			t.Errorf("column %s: kind %d, precision %d: float columns and only they have a precision", c.Name, c.Kind, c.Precision)
		}
		if (c.Merge == MergeAddr) != (c.Kind == KindAddr) {
			t.Errorf("column %s: address columns and only they merge as addresses", c.Name)
		}
		if c.Merge == MergeSum && !c.SortDesc {
			t.Errorf("summed column %s sorts ascending: rasort puts counters largest first", c.Name)
		}
		if c.CentreLabel && c.Label == "" {
			t.Errorf("column %s centres a label it does not print", c.Name)
		}
		if c.SortBy != "" {
			if _, ok := Lookup(c.SortBy); !ok {
				t.Errorf("column %s sorts by %q, not a column", c.Name, c.SortBy)
			}
		}
	}
}

// TestImportSetters sets every plain column from text and checks that the
// setter set that column's value, and refuses what the column cannot
// hold.
func TestImportSetters(t *testing.T) {
	var zero Record
	for _, c := range StoredColumns() {
		if c.Import.Set == nil {
			continue
		}
		var r Record
		if err := c.Import.Set(&r, "1"); err != nil {
			t.Errorf("%s: set 1: %v", c.Name, err)
			continue
		}
		if reflect.DeepEqual(c.Value(&r), c.Value(&zero)) {
			t.Errorf("%s: setting 1 does not change the column's value", c.Name)
		}
	}
	for _, tc := range []struct {
		col, text string
		want      any  // the column's value after Set
		err       bool // Set fails
	}{
		{col: "sttl", text: "0x40", want: uint8(64)},
		{col: "sttl", text: "256", err: true},
		{col: "svlan", text: "4095", want: uint16(4095)},
		{col: "smac", text: "00:1B:D4:1B:A4:D8", want: "00:1b:d4:1b:a4:d8"},
		{col: "flgs", text: " e", want: " e"},
		{col: "synack", text: "0.000123", want: 0.000123},
		{col: "synack", text: "-1", err: true},
		{col: "synack", text: "NaN", err: true},
		{col: "swin", text: "65535", want: uint32(65535)},
		{col: "swin", text: "1073725440", want: uint32(1073725440)}, // 65535 << 14, a scaled window kept exactly
		{col: "swin", text: "4294967296", err: true},
		{col: "trans", text: "2147483648", err: true},
	} {
		c, _ := Lookup(tc.col)
		var r Record
		err := c.Import.Set(&r, tc.text)
		if tc.err != (err != nil) {
			t.Errorf("%s %q: error %v, want error %v", tc.col, tc.text, err, tc.err)
		}
		if !tc.err && !reflect.DeepEqual(c.Value(&r), tc.want) {
			t.Errorf("%s %q: value %#v, want %#v", tc.col, tc.text, c.Value(&r), tc.want)
		}
	}
}
