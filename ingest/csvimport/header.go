package csvimport

import (
	"fmt"
	"strings"

	"tapdb/schema"
)

// lookupColumn finds the flow table column a header word names: its ra
// label (the first column with that label: "Proto" is proto, not pnum),
// else its field name, else either ignoring case.
func lookupColumn(word string) (schema.Column, bool) {
	cols := schema.Columns()
	for _, c := range cols {
		if c.Label != "" && c.Label == word {
			return c, true
		}
	}
	for _, c := range cols {
		if c.Name == word {
			return c, true
		}
	}
	for _, c := range cols {
		if strings.EqualFold(c.Name, word) || c.Label != "" && strings.EqualFold(c.Label, word) {
			return c, true
		}
	}
	return schema.Column{}, false
}

// total says where a side pair's values come from.
type total int

const (
	sidesGiven   total = iota // both per-side columns (or neither and no total)
	srcFromTotal              // src = total − dst
	dstFromTotal              // dst = total − src
	totalOnSrc                // only the total: all of it on the source side
)

// layout is a header mapped onto the flow table.
type layout struct {
	header []string
	idx    map[string]int // column name → field index
	// set holds, per field, the import setter of a plain stored column
	// (nil for the columns the reader reads jointly and for ignored ones).
	set      []func(r *schema.Record, text string) error
	cols     []schema.Column // per field: the column, the zero Column if ignored
	pkts     total
	bytes    total
	appbytes total
	warnings []string
}

// newLayout maps header words to columns.
func newLayout(header []string) (*layout, error) {
	l := &layout{
		header: header,
		idx:    make(map[string]int, len(header)),
		set:    make([]func(*schema.Record, string) error, len(header)),
		cols:   make([]schema.Column, len(header)),
	}
	for i, h := range header {
		word := strings.TrimSpace(h)
		if i == 0 {
			word = strings.TrimPrefix(word, "\ufeff")
		}
		c, ok := lookupColumn(word)
		if !ok {
			l.warnings = append(l.warnings, fmt.Sprintf("column %d %q is not in the flow table: ignored", i+1, word))
			continue
		}
		if j, dup := l.idx[c.Name]; dup {
			return nil, fmt.Errorf("header: columns %d %q and %d %q both name %s", j+1, strings.TrimSpace(header[j]), i+1, word, c.Name)
		}
		l.idx[c.Name] = i
		l.cols[i] = c
		if !c.Stored() || c.Import.Joint {
			continue // derived, or read by Reader.record with the columns it depends on
		}
		if c.Import.Set == nil {
			l.warnings = append(l.warnings, fmt.Sprintf("column %d %q (%s) is not imported", i+1, word, c.Name))
			continue
		}
		l.set[i] = c.Import.Set
	}
	for _, need := range [...]string{"stime", "saddr", "daddr"} {
		if _, ok := l.idx[need]; !ok {
			c, _ := schema.Lookup(need)
			return nil, fmt.Errorf("header: no %s (%s) column", c.Label, need)
		}
	}
	if !l.has("proto") && !l.has("pnum") {
		return nil, fmt.Errorf("header: no Proto (proto) column")
	}
	l.pkts = l.totals("spkts", "dpkts", "pkts")
	l.bytes = l.totals("sbytes", "dbytes", "bytes")
	l.appbytes = l.totals("sappbytes", "dappbytes", "appbytes")
	return l, nil
}

func (l *layout) has(name string) bool { _, ok := l.idx[name]; return ok }

// totals works out how a src/dst pair is filled, warning when a total has
// to be put on the source side.
func (l *layout) totals(src, dst, tot string) total {
	hs, hd, ht := l.has(src), l.has(dst), l.has(tot)
	switch {
	case hs && hd || !ht:
		return sidesGiven
	case hs:
		return dstFromTotal
	case hd:
		return srcFromTotal
	}
	c, _ := schema.Lookup(tot)
	l.warnings = append(l.warnings, fmt.Sprintf("%s without per-side columns: the totals are stored as %s (source side), %s is 0", c.Label, src, dst))
	return totalOnSrc
}
