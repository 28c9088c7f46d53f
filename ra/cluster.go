package ra

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"tapdb/schema"
)

// defaultKey is racluster's flow key when -m is not given.
var defaultKey = []string{"srcid", "proto", "saddr", "sport", "daddr", "dport"}

// Columns that are not part of the key are merged by their column's
// merge rule (schema.Column.Merge); the -m objects racluster accepts are
// the columns marked schema.Column.ClusterKey (Argus's list, less the
// objects tapdb has no column for), and "matrix", the unordered address
// pair.

// flagPositions is the width of the Argus flag string.
const flagPositions = 9

// v4Base is ::ffff:0.0.0.0, where IPv4 addresses sit in the 128-bit
// numeric address columns.
const v4Base = "281470681743360"

type cluster struct {
	keys    []string
	correct bool
	matrix  bool            // -m matrix: the unordered address pair, lesser address first
	masks   map[string]int  // address keys given as saddr/N: prefix length
	need    map[string]bool // stored columns the output needs
}

// clusterKeyList resolves -m into the key columns, the address keys that
// are masked (saddr/24) and whether reversed keys are joined; nil for -m
// none.
func clusterKeyList(o *Options) (*cluster, error) {
	if len(o.Keys) == 0 {
		return &cluster{keys: defaultKey, correct: o.correct()}, nil
	}
	matrix := false
	var keys []string
	masks := map[string]int{}
	correct := o.correct()
	add := func(k string) {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, spec := range o.Keys {
		for _, k := range strings.Fields(spec) {
			if a, ok := aliases[k]; ok {
				k = a
			}
			switch {
			case k == "none":
				return nil, nil
			case k == "matrix":
				add("saddr")
				add("daddr")
				correct, matrix = true, true
			case strings.HasPrefix(k, "saddr/") || strings.HasPrefix(k, "daddr/"):
				name, bits, _ := strings.Cut(k, "/")
				n, err := strconv.Atoi(bits)
				if err != nil || n < 0 || n > 128 {
					return nil, &OptionError{Msg: fmt.Sprintf("-m %s: want a prefix length from 0 to 128", k)}
				}
				masks[name] = n
				add(name)
			case isClusterKey(k):
				if k == "sport" || k == "dport" {
					add("proto")
				}
				add(k)
			default:
				return nil, &OptionError{Msg: fmt.Sprintf("-m: unknown aggregation object %q", k)}
			}
		}
	}
	return &cluster{keys: keys, masks: masks, correct: correct, matrix: matrix}, nil
}

// isClusterKey reports whether -m accepts the column name as an
// aggregation object.
func isClusterKey(name string) bool {
	c, ok := schema.Lookup(name)
	return ok && c.ClusterKey
}

// clusterSQL is racluster: one GROUP BY over the filtered records.
//
// With reverse-key correction each record is first put in a canonical
// orientation (the lesser address/port pair as source, its counters and
// attributes swapped with it), grouped, and the merged record is turned
// back to the orientation of the group's earliest record, so that A→B and
// B→A records merge into one record that reads the way the flow started.
func clusterSQL(o *Options, where string, fields []Field) (string, error) {
	cl, err := clusterKeyList(o)
	if err != nil {
		return "", err
	}
	if cl == nil { // -m none: records pass through, as in Argus 3.0.8
		return "SELECT " + selectList(fields, nil) + " FROM " + source(o, where) + " AS f ORDER BY " +
			inputOrder + outputLimit(o), nil
	}
	keys, masks, correct := cl.keys, cl.masks, cl.correct
	cl.need = map[string]bool{}
	cl.collect(fields)
	var b strings.Builder
	b.WriteString("WITH ")
	dict := len(cl.dictColumns()) > 0
	if dict {
		b.WriteString(strings.Join(cl.dictCTEs(where), ",\n") + ",\n")
	}
	b.WriteString("f AS (SELECT *")
	if len(masks) > 0 {
		var repl []string
		for _, n := range []string{"saddr", "daddr"} {
			if bits, ok := masks[n]; ok {
				repl = append(repl, maskedAddr(n, bits)+" AS "+n, maskedNum(n, bits)+" AS "+n+"_num")
			}
		}
		b.WriteString(" REPLACE (" + strings.Join(repl, ", ") + ")")
	}
	switch {
	case cl.matrix:
		b.WriteString(", " + matrixFwdExpr + " AS _fwd")
	case correct:
		b.WriteString(", " + fwdExpr + " AS _fwd")
	}
	b.WriteString(" FROM " + source(o, where) + " AS r")
	if dict {
		b.WriteString(cl.dictJoin())
	}
	b.WriteString("),\n")
	grouped := "f"
	if correct {
		b.WriteString("c AS (SELECT _fwd, " + strings.Join(cl.canonical(), ", ") + " FROM f),\n")
		grouped = "c"
	}
	groupBy := keys
	if !slices.Contains(keys, "proto") {
		// Argus keeps ARP records apart from IP flows between the same
		// addresses even when the protocol is not an aggregation object.
		groupBy = append(slices.Clone(keys), "(proto IN ('arp', 'rarp'))")
	}
	b.WriteString("g AS (SELECT " + strings.Join(cl.aggregates(), ", ") + " FROM " + grouped +
		" GROUP BY " + strings.Join(groupBy, ", ") + "),\n")
	merged := "g"
	if helpers := cl.dictHelpers(); len(helpers) > 0 {
		sel, lists := cl.dictDecoded()
		b.WriteString("gd AS (SELECT * EXCLUDE (" + strings.Join(helpers, ", ") + "), " + strings.Join(sel, ", ") +
			" FROM g, " + strings.Join(lists, ", ") + "),\n")
		merged = "gd"
	}
	b.WriteString("m AS (SELECT " + strings.Join(cl.merged(), ", ") + " FROM " + merged + ")")
	final := "m"
	if correct && !cl.matrix {
		b.WriteString(",\no AS (SELECT " + strings.Join(cl.oriented(), ", ") + " FROM m)")
		final = "o"
	}
	b.WriteString("\nSELECT " + selectList(fields, derivedExpr) + " FROM " + final +
		" ORDER BY stime" + outputLimit(o))
	return b.String(), nil
}

// maskedNum is the numeric address n cut to its first bits (an IPv4
// address to bits of its 32, IPv6 of 128); ARP and non-IP records keep
// their addresses, as in Argus.
func maskedNum(n string, bits int) string {
	num := n + "_num"
	v4 := 32 - min(bits, 32)
	v6 := 128 - bits
	return fmt.Sprintf("CASE WHEN %[1]s IS NULL OR proto IN ('arp', 'rarp') THEN %[1]s WHEN %[1]s >> 32 = 65535 THEN (%[1]s >> %[2]d) << %[2]d ELSE (%[1]s >> %[3]d) << %[3]d END", num, v4, v6)
}

// maskedAddr is the text of maskedNum: dotted quad, or IPv6 with the
// first run of zero groups compressed to ::.
func maskedAddr(n string, bits int) string {
	m := maskedNum(n, bits)
	num := n + "_num"
	low := "CAST((" + m + ") - " + v4Base + " AS UBIGINT)"
	dotted := "concat_ws('.', " + low + " >> 24, (" + low + " >> 16) & 255, (" + low + " >> 8) & 255, " + low + " & 255)"
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = fmt.Sprintf("printf('%%x', CAST(((%s) >> %d) %% 65536 AS INTEGER))", m, 112-16*i)
	}
	v6 := "regexp_replace(concat_ws(':', " + strings.Join(groups, ", ") + "), '(^|:)0(:0)+(:|$)', '::')"
	return "CASE WHEN " + num + " IS NULL OR proto IN ('arp', 'rarp') THEN " + n +
		" WHEN " + num + " >> 32 = 65535 THEN " + dotted + " ELSE " + v6 + " END"
}

// matrixFwdExpr orders a matrix key as Argus does: the lesser address
// first, IPv4 numerically, IPv6 by the last 32 bits first; ARP records
// keep their direction.
const matrixFwdExpr = "(proto IN ('arp', 'rarp') OR coalesce(CASE WHEN saddr_num >> 32 = 65535 THEN saddr_num <= daddr_num " +
	"ELSE (saddr_num % 4294967296, saddr_num) <= (daddr_num % 4294967296, daddr_num) END, saddr <= daddr))"

// fwdExpr is true when a record already has the canonical orientation.
// ICMP and ARP records are never reversed: their "ports" are not ports.
const fwdExpr = "(pnum IN (1, 58) OR proto IN ('arp', 'rarp') OR saddr < daddr OR " +
	"(saddr = daddr AND coalesce(sport, -1) <= coalesce(dport, -1)))"

// derivedExpr is the SQL of a printed column over merged stored columns.
func derivedExpr(c schema.Column) string {
	if c.Stored() {
		return c.Name
	}
	return "(" + c.Expr + ")"
}

// collect finds the stored columns the output needs.
func (cl *cluster) collect(fields []Field) {
	add := func(name string) {
		if c, ok := schema.Lookup(name); ok && c.Stored() {
			cl.need[name] = true
		}
	}
	for _, k := range cl.keys {
		add(k)
	}
	for _, n := range []string{"stime", "ltime", "pnum", "proto"} {
		add(n)
	}
	for _, f := range fields {
		if f.Stored() {
			add(f.Name)
			continue
		}
		for _, id := range identifiers(f.Expr) {
			add(id)
		}
	}
	if cl.need["dir"] || cl.need["state"] {
		add("spkts")
		add("dpkts")
	}
	for name := range cl.need {
		if c, _ := schema.Lookup(name); c.Kind == schema.KindAddr {
			add(name + "_num")
		}
	}
	if cl.correct {
		for name := range cl.need {
			if t := twin(name); t != "" {
				add(t)
			}
		}
	}
}

// names lists the needed stored columns in table order.
func (cl *cluster) names() []string {
	var out []string
	for _, c := range schema.StoredColumns() {
		if cl.need[c.Name] {
			out = append(out, c.Name)
		}
	}
	return out
}

// identifiers are the words of a SQL expression.
func identifiers(expr string) []string {
	return strings.FieldsFunc(expr, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// twin is the other side's column of a source/destination pair
// (spkts ↔ dpkts, saddr ↔ daddr, …), "" for columns without one.
func twin(name string) string {
	if len(name) < 2 {
		return ""
	}
	var t string
	switch name[0] {
	case 's':
		t = "d" + name[1:]
	case 'd':
		t = "s" + name[1:]
	default:
		return ""
	}
	if c, ok := schema.Lookup(t); ok && c.Stored() {
		return t
	}
	return ""
}

// flipDir is the Dir string of a record read the other way round.
func flipDir(e string) string {
	return "CASE WHEN " + e + " IN ('who', 'tel') THEN " + e + " ELSE translate(reverse(" + e + "), '<>', '><') END"
}

// canonical is the select list that puts a record in canonical orientation.
func (cl *cluster) canonical() []string {
	return append(cl.orient("_fwd"), cl.dictCodes()...)
}

// orient is the select list of the columns as they are where the boolean
// column keep is true, and read the other way round (source and
// destination swapped, dir flipped) where it is false.
func (cl *cluster) orient(keep string) []string {
	var out []string
	for _, n := range cl.names() {
		switch t := twin(n); {
		case t != "":
			out = append(out, "CASE WHEN "+keep+" THEN "+n+" ELSE "+t+" END AS "+n)
		case n == "dir":
			out = append(out, "CASE WHEN "+keep+" THEN dir ELSE "+flipDir("dir")+" END AS dir")
		default:
			out = append(out, n)
		}
	}
	return out
}

// aggregates is the GROUP BY select list: keys as they are, every other
// column merged by its rule, plus the helper columns the next step needs.
func (cl *cluster) aggregates() []string {
	var out []string
	if cl.correct {
		out = append(out, "arg_min(_fwd, stime) AS _orient")
	}
	for _, n := range cl.names() {
		if slices.Contains(cl.keys, n) {
			out = append(out, n)
			continue
		}
		c, _ := schema.Lookup(n)
		switch c.Merge {
		case schema.MergeSum:
			out = append(out, "CAST(sum("+n+") AS BIGINT) AS "+n)
		case schema.MergeMin:
			out = append(out, "min("+n+") AS "+n)
		case schema.MergeMax:
			out = append(out, "max("+n+") AS "+n)
		case schema.MergeState:
			out = append(out, "arg_max("+n+", ltime) AS "+n, "bool_or("+n+" = 'INT') AS _state_int")
		case schema.MergeLatest:
			out = append(out, "arg_max("+n+", ltime) AS "+n)
		case schema.MergeBitOr:
			out = append(out, "bit_or("+n+") AS "+n)
		case schema.MergeFlags:
			out = append(out, flagsUnion()+" AS "+n)
		case schema.MergeProto: // decoded by dictDecoded
			r := rankCode(n)
			out = append(out, "min("+r+") AS "+r+"_min", "max("+r+") AS "+r+"_max")
		case schema.MergeSameOrZero:
			out = append(out, "CASE WHEN min("+n+") = max("+n+") THEN min("+n+") ELSE 0 END AS "+n)
		case schema.MergeDir: // decoded by dictDecoded
			r := rankCode(n)
			out = append(out, "min("+r+") AS "+r+"_min", "min("+r+") IS NOT DISTINCT FROM max("+r+") AS _dir_same", "bool_and(_dq) AS _dir_q")
		case schema.MergeAddr:
			num := n + "_num"
			out = append(out, "min("+n+") AS "+n, "min("+n+") IS NOT DISTINCT FROM max("+n+") AS _"+n+"_same",
				"min("+num+") AS _"+n+"_lo", "max("+num+") AS _"+n+"_hi",
				"count("+num+") = count(*) AS _"+n+"_all", "arg_min("+n+", stime) AS _"+n+"_first")
		default: // schema.MergePreserve
			out = append(out, "CASE WHEN min("+n+") = max("+n+") THEN min("+n+") END AS "+n)
		}
	}
	return out
}

// flagsUnion merges flag strings position by position: a position shows a
// letter when any merged record had one there (space sorts lowest). It
// takes the greatest code of each position (_fp1 … _fp9, from the flags
// dictionary), which is the greatest character there: cutting every
// record's string into characters costs far more than the join that
// looks its codes up.
func flagsUnion() string {
	parts := make([]string, flagPositions)
	for i := range parts {
		parts[i] = fmt.Sprintf("chr(max(_fp%d))", i+1)
	}
	return "rtrim(concat(" + strings.Join(parts, ", ") + "))"
}

// merged finishes the merge rules that need the group's aggregates:
// addresses that differ become their common prefix, a Dir that differs is
// worked out again from the merged record.
func (cl *cluster) merged() []string {
	var out []string
	if cl.correct {
		out = append(out, "_orient")
	}
	for _, n := range cl.names() {
		c, _ := schema.Lookup(n)
		switch {
		case slices.Contains(cl.keys, n):
			out = append(out, n)
		case c.Merge == schema.MergeDir:
			out = append(out, mergedDir+" AS "+n)
		case c.Merge == schema.MergeState:
			out = append(out, mergedState+" AS "+n)
		case c.Merge == schema.MergeAddr:
			out = append(out, addrPrefix(n)+" AS "+n)
		default:
			out = append(out, n)
		}
	}
	return out
}

// mergedDir recomputes Dir as the sensor does (ARGUS-NOTES 2.4) when the
// merged records disagree.
const mergedDir = "CASE WHEN _dir_same THEN dir " +
	"WHEN proto = 'arp' THEN 'who' WHEN proto = 'rarp' THEN 'tel' " +
	"WHEN _dir_q THEN concat(CASE WHEN dpkts > 0 THEN '<' ELSE '' END, '?', CASE WHEN spkts > 0 THEN '>' ELSE '' END) " +
	"WHEN proto = 'tcp' THEN CASE WHEN spkts = 0 AND dpkts > 0 THEN '<-' ELSE '->' END " +
	"WHEN spkts > 0 AND dpkts > 0 THEN '<->' WHEN spkts > 0 THEN '->' WHEN dpkts > 0 THEN '<-' ELSE '' END"

// mergedState is the merged record's state: the latest record's, except
// for the plain states of UDP and other flows that are neither TCP nor
// ICMP (INT REQ RSP CON), which Argus works out again for the merged
// record: CON when both sides sent, INT when the flow's first record is
// among those merged.
const mergedState = "CASE WHEN proto NOT IN ('tcp', 'icmp', 'ipv6-icmp') AND state IN ('INT', 'REQ', 'RSP', 'CON') THEN " +
	"CASE WHEN spkts > 0 AND dpkts > 0 THEN 'CON' WHEN _state_int THEN 'INT' ELSE state END ELSE state END"

// addrPrefix is the merged address column n: the address when all agree;
// for IPv4 addresses that differ, their longest common prefix with the
// host bits zero (Argus prints 128.0.0.0 for 141.… and 208.…); 0.0.0.0 for
// a mix of IPv4 and IPv6 and for ARP records (as Argus), :: for IPv6
// addresses that differ (Argus prints their common prefix; tapdb does not
// yet), the earliest record's for MAC addresses (as Argus).
func addrPrefix(n string) string {
	lo, hi := "_"+n+"_lo", "_"+n+"_hi"
	a := "CAST(" + lo + " - " + v4Base + " AS UBIGINT)"
	bb := "CAST(" + hi + " - " + v4Base + " AS UBIGINT)"
	shift := "(CASE WHEN " + a + " = " + bb + " THEN 0 ELSE CAST(floor(log2(xor(" + a + ", " + bb + "))) AS INTEGER) + 1 END)"
	p := "((" + a + " >> " + shift + ") << " + shift + ")"
	dotted := "concat_ws('.', " + p + " >> 24, (" + p + " >> 16) & 255, (" + p + " >> 8) & 255, " + p + " & 255)"
	return "CASE WHEN _" + n + "_same THEN " + n +
		" WHEN _" + n + "_all AND proto NOT IN ('arp', 'rarp') AND " + lo + " >> 32 = 65535 AND " + hi + " >> 32 = 65535 THEN " + dotted +
		" WHEN " + lo + " >> 32 > 65535 THEN '::'" +
		" WHEN " + lo + " IS NOT NULL THEN '0.0.0.0' ELSE _" + n + "_first END"
}

// oriented turns a merged canonical record back to the orientation of its
// earliest record.
func (cl *cluster) oriented() []string {
	return cl.orient("_orient")
}
