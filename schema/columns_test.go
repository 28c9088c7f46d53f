package schema

import (
	"reflect"
	"testing"
	"time"
)

func TestColumnTableIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	derived := false
	for _, c := range Columns() {
		if seen[c.Name] {
			t.Errorf("column %s listed twice", c.Name)
		}
		seen[c.Name] = true
		if c.Type == "" || c.PGType == 0 || c.Doc == "" {
			t.Errorf("column %s lacks a type, a Postgres type or a doc line", c.Name)
		}
		if c.Stored() {
			if derived {
				t.Errorf("stored column %s after a derived one: stored columns come first", c.Name)
			}
			if got := accessorTypes(c.typed); len(got) != 1 || got[0] != c.Type {
				t.Errorf("stored column %s of type %s has typed accessors for %v, want one for its type", c.Name, c.Type, got)
			}
		} else {
			derived = true
			if got := accessorTypes(c.typed); len(got) != 0 {
				t.Errorf("derived column %s has typed accessors for %v", c.Name, got)
			}
		}
		if c.Kind != KindAddrNum && c.Label == "" {
			t.Errorf("column %s has no ra label", c.Name)
		}
	}
	for _, f := range DefaultRaFields() {
		if !seen[f] {
			t.Errorf("default ra field %s is not a column", f)
		}
	}
}

// Every field of Record reaches some column (no field silently dropped).
func TestEveryRecordFieldIsWritten(t *testing.T) {
	base := Record{Stime: time.Unix(0, 0), Ltime: time.Unix(0, 0), HasAddrNum: true, HasPorts: true,
		HasSttl: true, HasDttl: true, HasSvlan: true, HasDvlan: true, HasSmpls: true, HasDmpls: true}
	values := func(r *Record) []any {
		var out []any
		for _, c := range StoredColumns() {
			out = append(out, c.Value(r))
		}
		return out
	}
	want := values(&base)
	rt := reflect.TypeOf(base)
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		r := base
		v := reflect.ValueOf(&r).Elem().Field(i)
		switch v.Kind() {
		case reflect.String:
			v.SetString("x")
		case reflect.Bool:
			v.SetBool(false) // every Has* flag is set in base
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			v.SetInt(7)
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			v.SetUint(7)
		case reflect.Float64:
			v.SetFloat(7)
		case reflect.Struct: // time.Time
			v.Set(reflect.ValueOf(time.Unix(7, 0)))
		default:
			t.Fatalf("field %s: unhandled kind %s", f.Name, v.Kind())
		}
		if reflect.DeepEqual(values(&r), want) {
			t.Errorf("Record.%s changes no column value", f.Name)
		}
	}
}

// accessorTypes lists the DuckDB types whose accessor g sets.
func accessorTypes(g Typed) []string {
	var out []string
	for _, a := range []struct {
		set bool
		typ string
	}{
		{g.Time != nil, "TIMESTAMPTZ"}, {g.String != nil, "VARCHAR"}, {g.Int32 != nil, "INTEGER"},
		{g.Int64 != nil, "BIGINT"}, {g.Uint8 != nil, "UTINYINT"}, {g.Uint16 != nil, "USMALLINT"},
		{g.Uint32 != nil, "UINTEGER"}, {g.Uint64 != nil, "UBIGINT"}, {g.Float64 != nil, "DOUBLE"},
	} {
		if a.set {
			out = append(out, a.typ)
		}
	}
	return out
}
