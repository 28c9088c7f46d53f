package argusref

import (
	"fmt"
	"sort"
	"strings"
)

// SplitReport says how far two sides split their flows into the same
// records (status records every status interval, new records after idle
// timeouts), before any merging. It is finer than Report: two sides can
// agree on every flow's totals and still cut the flows differently.
type SplitReport struct {
	Tuples int // 5-tuples (direction ignored) seen on either side
	Same   int // 5-tuples with the same sequence of records on both sides
	// Diffs has one line per 5-tuple that differs, in the order of
	// Argus's records.
	Diffs []string
}

// Fraction is Same / Tuples (1 when there is no record at all).
func (r *SplitReport) Fraction() float64 { return fraction(r.Same, r.Tuples) }

// CompareSplits compares the raw records of both sides (Argus's from a
// NAME.ra.csv golden) 5-tuple by 5-tuple, direction ignored: the records of
// a 5-tuple, in time order, must carry the same packet and byte totals
// (both ways together, so an initiator difference does not count here).
func CompareSplits(argus, tapdb []Record) SplitReport {
	a, order := splits(argus)
	t, torder := splits(tapdb)
	for _, k := range torder {
		if _, ok := a[k]; !ok {
			order = append(order, k)
		}
	}
	var rep SplitReport
	for _, k := range order {
		rep.Tuples++
		as, ts := a[k], t[k]
		if equalSplits(as, ts) {
			rep.Same++
			continue
		}
		rep.Diffs = append(rep.Diffs, fmt.Sprintf("%s: argus %s; tapdb %s", k, formatSplits(as), formatSplits(ts)))
	}
	return rep
}

// part is one record's share of a flow.
type part struct{ pkts, bytes int64 }

// splits groups records by direction-free 5-tuple (the lower-sorting
// orientation) and orders each group's records by start time.
func splits(recs []Record) (map[Key][]part, []Key) {
	type timed struct {
		nanos int64
		part
	}
	groups := make(map[Key][]timed)
	var order []Key
	for i := range recs {
		r := &recs[i]
		k := r.Key
		if rk := k.Reverse(); rk.String() < k.String() {
			k = rk
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], timed{r.Stime.UnixNano(), part{r.Spkts + r.Dpkts, r.Sbytes + r.Dbytes}})
	}
	out := make(map[Key][]part, len(groups))
	for k, g := range groups {
		sort.SliceStable(g, func(i, j int) bool { return g[i].nanos < g[j].nanos })
		ps := make([]part, len(g))
		for i := range g {
			ps[i] = g[i].part
		}
		out[k] = ps
	}
	return out, order
}

func equalSplits(a, b []part) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func formatSplits(ps []part) string {
	if len(ps) == 0 {
		return "no record"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprintf("%d/%d", p.pkts, p.bytes)
	}
	return fmt.Sprintf("%d records (pkts/bytes) %s", len(ps), strings.Join(s, " "))
}
