package ra

import (
	"fmt"
	"strings"

	"tapdb/schema"
)

// sortKey is the ORDER BY term of one rasort key: the key's column, or
// the column it sorts by (schema.Column.SortBy: addresses by their numeric
// form, the protocol by its number), in the column's direction
// (schema.Column.SortDesc: counters, rates and loads largest first).
func sortKey(key string) (string, error) {
	name := key
	if a, ok := aliases[name]; ok {
		name = a
	}
	c, ok := schema.Lookup(name)
	if !ok || c.Kind == schema.KindAddrNum {
		return "", &OptionError{Msg: fmt.Sprintf("-m: unknown sort key %q", key)}
	}
	col := c.Name
	if c.SortBy != "" {
		col = c.SortBy
	}
	if c.SortDesc {
		return col + " DESC NULLS LAST", nil
	}
	return col + " ASC NULLS FIRST", nil
}

// sortSQL is rasort: the records in key order, ties in input order. With
// no -m, Argus sorts by stime.
func sortSQL(o *Options, where string, fields []Field) (string, error) {
	keys := o.Keys
	if len(keys) == 0 {
		keys = []string{"stime"}
	}
	var order []string
	for _, k := range keys {
		for _, k := range strings.Fields(k) {
			t, err := sortKey(k)
			if err != nil {
				return "", err
			}
			order = append(order, t)
		}
	}
	order = append(order, inputOrder)
	return "SELECT " + selectList(fields, nil) + " FROM " + source(o, where) + " AS f ORDER BY " +
		strings.Join(order, ", ") + outputLimit(o), nil
}
