package ra

import (
	"fmt"
	"io"
	"strings"
)

// Totals are racount's sums over a set of records.
type Totals struct {
	Proto                     string // "" for the sum over every record
	Records                   int64
	Pkts, SrcPkts, DstPkts    int64
	Bytes, SrcBytes, DstBytes int64
}

// countSQL is racount: one row of totals, then with -M proto one row per
// protocol (IP protocols by number, then the others), in one statement.
// Columns: total row?, proto, records, pkts, spkts, dpkts, bytes, sbytes,
// dbytes.
func countSQL(o *Options, where string) string {
	sums := "count(*), coalesce(sum(spkts + dpkts), 0), coalesce(sum(spkts), 0), coalesce(sum(dpkts), 0), " +
		"coalesce(sum(sbytes + dbytes), 0), coalesce(sum(sbytes), 0), coalesce(sum(dbytes), 0)"
	from := " FROM " + source(o, where) + " AS f"
	if !o.hasMode("proto") {
		return "SELECT true, NULL, " + sums + from
	}
	return "SELECT grouping(proto) = 1 AS total, proto, " + sums + from +
		" GROUP BY GROUPING SETS ((), (proto))" +
		" ORDER BY total DESC, min(CASE WHEN etype IN (2048, 34525) THEN 0 ELSE 1 END), min(pnum), proto"
}

// scanTotals reads a countSQL row.
func scanTotals(vals []any) (Totals, error) {
	var t Totals
	if len(vals) < 9 {
		return t, fmt.Errorf("racount: %d columns, want 9", len(vals))
	}
	t.Proto = asString(vals[1])
	if total, _ := vals[0].(bool); total {
		t.Proto = ""
	}
	dst := []*int64{&t.Records, &t.Pkts, &t.SrcPkts, &t.DstPkts, &t.Bytes, &t.SrcBytes, &t.DstBytes}
	for i, d := range dst {
		x, ok := asInt(vals[i+2])
		if !ok {
			return t, fmt.Errorf("racount: column %d: unexpected value %v", i+3, vals[i+2])
		}
		*d = x
	}
	return t, nil
}

// PrintTotals prints racount's table as 3.0.8 lays it out: the sum, and a
// protocol summary when perProto is set. Records is the number of flow
// records: 3.0.8 prints one more in the sum row (it counts a management
// record even when none is printed); tapdb prints the true count.
func PrintTotals(w io.Writer, rows []Totals, perProto bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s%-12s%-15s%-15s%-15s%-19s%-19s%s\n",
		"racount", "records", "total_pkts", "src_pkts", "dst_pkts", "total_bytes", "src_bytes", "dst_bytes")
	line := func(name string, t Totals) {
		fmt.Fprintf(&b, "%-10s%-12d%-15d%-15d%-15d%-19d%-19d%-18d\n",
			fmt.Sprintf("%7.8s", name), t.Records, t.Pkts, t.SrcPkts, t.DstPkts, t.Bytes, t.SrcBytes, t.DstBytes)
	}
	for i, t := range rows {
		if i == 0 {
			line("sum", t)
			if perProto {
				b.WriteString("Protocol Summary\n")
			}
			continue
		}
		line(t.Proto, t)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// PrintTotalsJSON prints the totals as JSON lines: the sum first (proto
// null), then one line per protocol.
func PrintTotalsJSON(w io.Writer, rows []Totals, _ bool) error {
	var b strings.Builder
	for _, t := range rows {
		proto := "null"
		if t.Proto != "" {
			proto = fmt.Sprintf("%q", t.Proto)
		}
		fmt.Fprintf(&b, `{"proto":%s,"records":%d,"total_pkts":%d,"src_pkts":%d,"dst_pkts":%d,"total_bytes":%d,"src_bytes":%d,"dst_bytes":%d}`+"\n",
			proto, t.Records, t.Pkts, t.SrcPkts, t.DstPkts, t.Bytes, t.SrcBytes, t.DstBytes)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
