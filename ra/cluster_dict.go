package ra

import (
	"fmt"
	"slices"
	"strings"

	"tapdb/schema"
)

// Merging string columns record by record is what makes a large GROUP BY
// slow: cutting flag strings into characters, and min and max over
// strings. The string columns racluster merges take few distinct values (a
// few dozen flag strings, protocols and directions in millions of
// records), so the query first lists those values in a small dictionary,
// joins every record to its entry, and merges integer codes instead: the
// code point of each flag position, and each value's position in the
// sorted list of its column's values (so min and max of positions are min
// and max of the strings). After the GROUP BY the positions are turned
// back into strings.

// dictColumns are the string columns the merge reads through the
// dictionary, in table order: those merged as flag strings (flgs, when
// printed), as protocol names (proto, unless it is a key) and as
// directions (dir). state stays a string: arg_max(state, ltime) costs
// little next to the rest (and the SQL tests look for it).
func (cl *cluster) dictColumns() []string {
	var out []string
	for _, c := range schema.StoredColumns() {
		if (c.Merge == schema.MergeFlags || dictRanked(c)) && cl.need[c.Name] && !slices.Contains(cl.keys, c.Name) {
			out = append(out, c.Name)
		}
	}
	return out
}

// dictRanked reports whether column c is merged by rank (flag strings are
// merged by code points instead); rankCode is its rank column, listName
// the column holding its sorted values.
func dictRanked(c schema.Column) bool {
	return c.Merge == schema.MergeProto || c.Merge == schema.MergeDir
}

func rankCode(n string) string { return "_r" + n }

func listName(n string) string { return "_l" + n }

// dictCTEs are the dictionary's common table expressions: dk, the
// distinct combinations of the columns among the filtered records; for
// each ranked column a one-row list of its distinct non-NULL values in
// order (with reverse-key correction, dir's list also holds each Dir read
// the other way round, which records turned round carry); and d, each
// combination with its codes.
func (cl *cluster) dictCTEs(where string) []string {
	cols := cl.dictColumns()
	out := []string{"dk AS (SELECT DISTINCT " + strings.Join(cols, ", ") + " FROM flows WHERE " + where + ")"}
	from := []string{"dk"}
	var sel []string
	for _, n := range cols {
		sel = append(sel, n+" AS _k_"+n)
		if n == "flgs" {
			for i := range flagPositions {
				sel = append(sel, fmt.Sprintf("ascii(substr(rpad(coalesce(flgs, ''), %d, ' '), %d, 1)) AS _fp%d", flagPositions, i+1, i+1))
			}
			continue
		}
		values := "SELECT DISTINCT " + n + " AS v FROM dk WHERE " + n + " IS NOT NULL"
		if n == "dir" && cl.correct {
			values += " UNION SELECT " + flipDir("dir") + " FROM dk WHERE dir IS NOT NULL"
		}
		l := listName(n)
		out = append(out, "l"+l+" AS (SELECT list(v ORDER BY v) AS "+l+" FROM ("+values+"))")
		from = append(from, "l"+l)
		sel = append(sel, position(l, n)+" AS "+rankCode(n))
		if n == "dir" {
			sel = append(sel, "contains(coalesce(dir, ''), '?') AS _dq")
			if cl.correct {
				sel = append(sel, position(l, flipDir("dir"))+" AS "+rankCode(n)+"_flip")
			}
		}
	}
	return append(out, "d AS (SELECT "+strings.Join(sel, ", ")+" FROM "+strings.Join(from, ", ")+")")
}

// position is the 1-based position of the value e in the list column l,
// NULL for NULL.
func position(l, e string) string {
	return "CASE WHEN " + e + " IS NOT NULL THEN list_position(" + l + ", " + e + ") END"
}

// dictJoin joins the records (r) to their dictionary entries.
func (cl *cluster) dictJoin() string {
	var on []string
	for _, n := range cl.dictColumns() {
		on = append(on, "r."+n+" IS NOT DISTINCT FROM d._k_"+n)
	}
	return " LEFT JOIN d ON " + strings.Join(on, " AND ")
}

// dictCodes are the code columns the GROUP BY reads, as the canonical
// orientation step passes them on: a record turned round takes its
// reversed Dir's rank. ('?' stays where it is when a Dir is reversed.)
func (cl *cluster) dictCodes() []string {
	var out []string
	for _, n := range cl.dictColumns() {
		switch n {
		case "flgs":
			out = append(out, flagCodes()...)
		case "dir":
			r := rankCode(n)
			if cl.correct {
				out = append(out, "CASE WHEN _fwd THEN "+r+" ELSE "+r+"_flip END AS "+r)
			} else {
				out = append(out, r)
			}
			out = append(out, "_dq")
		default:
			out = append(out, rankCode(n))
		}
	}
	return out
}

// dictDecoded is the select list that turns the GROUP BY's ranks back
// into strings, reading the lists (cross-joined, one row each), and the
// lists it reads.
func (cl *cluster) dictDecoded() (sel, lists []string) {
	for _, n := range cl.dictColumns() {
		switch n {
		case "proto":
			sel = append(sel, "CASE WHEN _rproto_min = _rproto_max THEN list_extract(_lproto, _rproto_min) ELSE 'ip' END AS proto")
		case "dir":
			sel = append(sel, "list_extract(_ldir, _rdir_min) AS dir")
		default:
			continue
		}
		lists = append(lists, "l"+listName(n))
	}
	return sel, lists
}

// dictHelpers are the GROUP BY's rank columns that dictDecoded replaces.
func (cl *cluster) dictHelpers() []string {
	var out []string
	for _, n := range cl.dictColumns() {
		if c, _ := schema.Lookup(n); dictRanked(c) {
			out = append(out, rankCode(n)+"_min")
		}
		if n == "proto" {
			out = append(out, "_rproto_max")
		}
	}
	return out
}

// flagCodes names the flag dictionary's code columns.
func flagCodes() []string {
	out := make([]string, flagPositions)
	for i := range out {
		out[i] = fmt.Sprintf("_fp%d", i+1)
	}
	return out
}
