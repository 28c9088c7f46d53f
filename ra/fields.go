package ra

import (
	"slices"
	"strconv"
	"strings"

	"tapdb/schema"
)

// Field is one printed column: a column of the flow table and the width
// ra prints it with.
type Field struct {
	schema.Column
	// Width is the column width; for times it is worked out from the time
	// format unless Custom.
	Width int
	// Custom is set when the -s spec gave the width (field:len).
	Custom bool
}

// ResolveFields applies -s specs to the default field list. A plain name
// starts a new list (the first one replaces the default list, later ones
// append); "+name" appends, "+Nname" inserts at 0-based position N, "-name"
// removes; ":len" after a name sets its width (":len:fmt" is accepted, the
// printf format ignored).
func ResolveFields(specs []string) ([]Field, error) {
	return ResolveFieldsFrom(nil, specs)
}

// ResolveFieldsFrom is ResolveFields starting from base (an rarc's
// RA_FIELD_SPECIFIER, in -s syntax) instead of ra's default columns when
// base is not empty.
func ResolveFieldsFrom(base, specs []string) ([]Field, error) {
	var out []Field
	if len(base) > 0 {
		var err error
		if out, err = ResolveFields(base); err != nil {
			return nil, optErr("RA_FIELD_SPECIFIER: %v", err)
		}
	} else {
		for _, name := range schema.DefaultRaFields() {
			f, err := newField(name, 0)
			if err != nil {
				return nil, err
			}
			out = append(out, f)
		}
	}
	replaced := false
	for _, spec := range specs {
		for _, s := range strings.Fields(spec) {
			op := byte(0)
			if s[0] == '+' || s[0] == '-' {
				op, s = s[0], s[1:]
			}
			pos := -1
			if op == '+' {
				i := 0
				for i < len(s) && s[i] >= '0' && s[i] <= '9' {
					i++
				}
				if i > 0 {
					pos, _ = strconv.Atoi(s[:i])
					s = s[i:]
				}
			}
			name, rest, hasWidth := strings.Cut(s, ":")
			width := 0
			if hasWidth {
				w, _, _ := strings.Cut(rest, ":")
				n, err := strconv.Atoi(w)
				if err != nil || n < 1 || n > 1024 {
					return nil, optErr("-s %s: bad width %q", spec, w)
				}
				width = n
			}
			f, err := newField(name, width)
			if err != nil {
				return nil, err
			}
			switch op {
			case '-':
				out = slices.DeleteFunc(out, func(g Field) bool { return g.Name == f.Name })
			case '+':
				if pos < 0 || pos > len(out) {
					pos = len(out)
				}
				out = slices.Insert(out, pos, f)
			default:
				if !replaced {
					out, replaced = nil, true
				}
				out = append(out, f)
			}
		}
	}
	if len(out) == 0 {
		return nil, optErr("-s: no fields left to print")
	}
	return out, nil
}

// aliases are Argus field names that name a tapdb column differently.
var aliases = map[string]string{
	"svid": "svlan",
	"dvid": "dvlan",
}

func newField(name string, width int) (Field, error) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	c, ok := schema.Lookup(name)
	if !ok || c.Kind == schema.KindAddrNum {
		return Field{}, optErr("-s: unknown field %q", name)
	}
	f := Field{Column: c, Width: c.Width}
	if width > 0 {
		f.Width, f.Custom = width, true
	}
	return f, nil
}
