package argusref

import (
	"fmt"
	"strings"
)

// Report is the result of comparing tapdb's flows for one capture with
// Argus's.
type Report struct {
	Argus, Tapdb int // flows on each side
	// Tuples counts the 5-tuples seen on either side; a flow matched through
	// its reversed 5-tuple counts once.
	Tuples int
	// CountsEqual counts the 5-tuples present on both sides whose packets and
	// bytes are equal in each direction.
	CountsEqual int
	// Agree counts the 5-tuples present on both sides with the same
	// initiator (source) and the same final state.
	Agree int
	// Mismatches lists every 5-tuple that is not counted in both CountsEqual
	// and Agree, Argus's flows first in their order, then tapdb's extra ones.
	Mismatches []Mismatch
}

// Mismatch is one 5-tuple on which the two sides differ.
type Mismatch struct {
	Argus, Tapdb *Flow // nil when the flow is missing on that side
	// Reversed says the sides were matched through the reversed 5-tuple:
	// tapdb's source is Argus's destination.
	Reversed bool
	Problems []string
}

// CountsFraction is CountsEqual / Tuples (1 when neither side has a flow).
func (r *Report) CountsFraction() float64 { return fraction(r.CountsEqual, r.Tuples) }

// AgreeFraction is Agree / Tuples (1 when neither side has a flow).
func (r *Report) AgreeFraction() float64 { return fraction(r.Agree, r.Tuples) }

func fraction(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

// String summarises the report in one line.
func (r *Report) String() string {
	return fmt.Sprintf("argus %d flows, tapdb %d flows, %d 5-tuples: counts equal %d (%.2f%%), tuple/initiator/state agree %d (%.2f%%)",
		r.Argus, r.Tapdb, r.Tuples, r.CountsEqual, 100*r.CountsFraction(), r.Agree, 100*r.AgreeFraction())
}

// Diff lists every mismatch, one 5-tuple per paragraph: the problems, then
// each side's totals. It is empty when the sides agree completely.
func (r *Report) Diff() string {
	var b strings.Builder
	for i := range r.Mismatches {
		m := &r.Mismatches[i]
		k := m.key()
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(m.Problems, "; "))
		fmt.Fprintf(&b, "    argus: %s\n", describe(m.Argus))
		fmt.Fprintf(&b, "    tapdb: %s\n", describe(m.Tapdb))
	}
	return b.String()
}

// key is the 5-tuple a mismatch is listed under: Argus's when it has the
// flow, else tapdb's.
func (m *Mismatch) key() Key {
	if m.Argus != nil {
		return m.Argus.Key
	}
	return m.Tapdb.Key
}

func describe(f *Flow) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprintf("%s  pkts %d/%d  bytes %d/%d  %s  (%d records)",
		f.Key, f.Spkts, f.Dpkts, f.Sbytes, f.Dbytes, f.State, f.Records)
}

// Compare matches Argus's flows with tapdb's by 5-tuple and reports how far
// they agree. Both sides should come from Merge (Argus's may also be
// racluster's output read with ParseCSV and passed through Merge). A flow
// matches a flow with the same 5-tuple first; flows left over then match
// through the reversed 5-tuple, which counts as a different initiator, and
// their counters are compared direction by direction.
func Compare(argus, tapdb []Flow) Report {
	rep := Report{Argus: len(argus), Tapdb: len(tapdb)}

	unmatched := make(map[Key][]int, len(tapdb))
	for i := range tapdb {
		unmatched[tapdb[i].Key] = append(unmatched[tapdb[i].Key], i)
	}
	take := func(k Key) (int, bool) {
		l := unmatched[k]
		if len(l) == 0 {
			return 0, false
		}
		unmatched[k] = l[1:]
		return l[0], true
	}

	pair := make([]int, len(argus)) // index into tapdb, or -1
	reversed := make([]bool, len(argus))
	for i := range argus {
		j, ok := take(argus[i].Key)
		if !ok {
			j = -1
		}
		pair[i] = j
	}
	for i := range argus {
		if pair[i] >= 0 {
			continue
		}
		if j, ok := take(argus[i].Key.Reverse()); ok {
			pair[i], reversed[i] = j, true
		}
	}

	matched := make([]bool, len(tapdb))
	for i := range argus {
		rep.Tuples++
		a := &argus[i]
		if pair[i] < 0 {
			rep.Mismatches = append(rep.Mismatches, Mismatch{Argus: a, Problems: []string{"missing in tapdb"}})
			continue
		}
		t := &tapdb[pair[i]]
		matched[pair[i]] = true
		m := Mismatch{Argus: a, Tapdb: t, Reversed: reversed[i]}
		counts := compareCounts(a, t, reversed[i])
		m.Problems = append(m.Problems, counts...)
		agree := true
		if reversed[i] {
			agree = false
			m.Problems = append(m.Problems, "initiator reversed: tapdb's source is argus's destination")
		}
		if a.State != t.State {
			agree = false
			m.Problems = append(m.Problems, fmt.Sprintf("state argus %s tapdb %s", a.State, t.State))
		}
		if len(counts) == 0 {
			rep.CountsEqual++
		}
		if agree {
			rep.Agree++
		}
		if len(m.Problems) > 0 {
			rep.Mismatches = append(rep.Mismatches, m)
		}
	}
	for j := range tapdb {
		if matched[j] {
			continue
		}
		rep.Tuples++
		rep.Mismatches = append(rep.Mismatches, Mismatch{Tapdb: &tapdb[j], Problems: []string{"extra in tapdb (argus has no such flow)"}})
	}
	return rep
}

// compareCounts lists the packet and byte counters that differ, direction
// by direction; reversed means t's source is a's destination.
func compareCounts(a, t *Flow, reversed bool) []string {
	ts, td, tsb, tdb := t.Spkts, t.Dpkts, t.Sbytes, t.Dbytes
	if reversed {
		ts, td, tsb, tdb = td, ts, tdb, tsb
	}
	var out []string
	check := func(name string, av, tv int64) {
		if av != tv {
			out = append(out, fmt.Sprintf("%s argus %d tapdb %d", name, av, tv))
		}
	}
	check("spkts", a.Spkts, ts)
	check("dpkts", a.Dpkts, td)
	check("sbytes", a.Sbytes, tsb)
	check("dbytes", a.Dbytes, tdb)
	return out
}

// Totals sums packets and bytes over flows. Captures whose flows cannot be
// matched one to one (tunnels Argus reports as outer flows while tapdb
// decapsulates) are compared on these totals instead.
func Totals(flows []Flow) (pkts, bytes int64) {
	for i := range flows {
		pkts += flows[i].Pkts()
		bytes += flows[i].Bytes()
	}
	return pkts, bytes
}
