package schema

import (
	"fmt"
	"strconv"
	"strings"

	"tapdb/schema/rafmt"
)

// MergeRule says how racluster merges a stored column over the records of
// one flow when the column is not an aggregation key (-m). Package ra turns
// each rule into SQL.
type MergeRule uint8

const (
	// MergeNone is the rule of derived columns: they are worked out again
	// from the merged stored columns. A stored column never has it.
	MergeNone MergeRule = iota
	// MergePreserve keeps the value when every merged record agrees and
	// is NULL otherwise, as Argus's RACLUSTER_PRESERVE_FIELDS does.
	MergePreserve
	MergeSum    // counters: the sum
	MergeMin    // the least value (stime, seq)
	MergeMax    // the greatest value (ltime, handshake times)
	MergeLatest // the value of the record that ends last (by ltime)
	MergeBitOr  // the OR of TCP flag bytes
	// MergeFlags merges Argus flag strings position by position: a
	// position shows a letter when any merged record had one there.
	MergeFlags
	// MergeSameOrZero is the common value when every record agrees, 0
	// otherwise (pnum).
	MergeSameOrZero
	// MergeProto is the common protocol name when every record agrees,
	// "ip" otherwise.
	MergeProto
	// MergeDir is the common direction when every record agrees, otherwise
	// worked out again from the merged record as the sensor does.
	MergeDir
	// MergeState is the latest record's state, except that the plain
	// states of flows neither TCP nor ICMP are worked out again.
	MergeState
	// MergeAddr is the address when every record agrees, otherwise their
	// common prefix (Argus's rule; the earliest record's for MACs).
	MergeAddr
)

// Precision is the floating-point precision ra computes a float column
// in, which decides the digits it prints.
type Precision uint8

const (
	// PrecisionNone: not a float column.
	PrecisionNone Precision = iota
	// Double: computed in double precision, printed as is.
	Double
	// Single: computed in single precision (rates, loads, mean sizes);
	// printing the value through float32 gives ra's digits (2298.850586,
	// not 2298.850575).
	Single
)

// Import says how the importer (ingest/csvimport) sets a stored column
// from the text ra printed for it. Exactly one of Set and Joint is set for
// a stored column; a derived column has neither (it is never stored; the
// importer may read totals and Dur to fill stored columns, as part of
// their Joint reading).
type Import struct {
	// Set stores the text of a plain column (trimmed and not empty;
	// a flag string keeps its leading blanks, which are positions) in a
	// record.
	Set func(r *Record, text string) error
	// Joint is set for the columns whose values depend on one another
	// (times, addresses, ports, protocol, counters): the importer reads
	// them together rather than one by one.
	Joint bool
}

// setText stores text as is.
func setText(set func(r *Record, s string)) Import {
	return Import{Set: func(r *Record, s string) error { set(r, s); return nil }}
}

// setMAC stores a MAC address in lower case.
func setMAC(set func(r *Record, s string)) Import {
	return setText(func(r *Record, s string) { set(r, strings.ToLower(s)) })
}

// setUint stores a decimal or 0x-hex number of at most bits bits.
func setUint(bits int, set func(r *Record, v uint64)) Import {
	return Import{Set: func(r *Record, s string) error {
		v, err := rafmt.ParseUint(s, bits)
		if err != nil {
			return err
		}
		set(r, v)
		return nil
	}}
}

// setSeconds stores a number of seconds from 0 to 10⁹.
func setSeconds(set func(r *Record, v float64)) Import {
	return Import{Set: func(r *Record, s string) error {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v != v || v < 0 || v > 1e9 {
			return fmt.Errorf("%q is not a number of seconds", s)
		}
		set(r, v)
		return nil
	}}
}
