package translate

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"tapdb/schema"
)

// Placeholder is the bound-parameter style of the generated SQL.
type Placeholder int

// Placeholder styles: $1, $2, … (PostgreSQL, DuckDB) or ? (DuckDB, database/sql).
const (
	Dollar Placeholder = iota
	Question
)

// SQLOptions control SQL generation.
type SQLOptions struct {
	Placeholder Placeholder
	// ArgBase is the number of parameters already bound before this
	// clause's: with Dollar, the first placeholder is $(ArgBase+1).
	ArgBase int
}

// SQL translates the filter into a boolean SQL expression over the flows
// view (stored and derived columns of schema.Columns) and its parameters.
// A nil Expr gives "TRUE". The expression text comes only from tree nodes;
// every value from the filter travels in args.
func (e *Expr) SQL(opts SQLOptions) (where string, args []any, err error) {
	if e == nil || e.Root == nil {
		return "TRUE", nil, nil
	}
	b := newBuilder(opts)
	where = e.Root.sql(b)
	if b.err != nil {
		return "", nil, b.err
	}
	return where, b.args, nil
}

// builder accumulates parameters while nodes render their SQL.
type builder struct {
	opts SQLOptions
	args []any
	used map[string]bool // columns referred to
	err  error
}

func newBuilder(opts SQLOptions) *builder {
	return &builder{opts: opts, used: map[string]bool{}}
}

// col names a column of the flows view, checking it against the schema.
func (b *builder) col(name string) string {
	if _, ok := schema.Lookup(name); !ok && b.err == nil {
		b.err = fmt.Errorf("filter: internal error: column %q is not in the schema", name)
	}
	b.used[name] = true
	return name
}

// arg binds a value and returns its placeholder.
func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	if b.opts.Placeholder == Question {
		return "?"
	}
	return "$" + strconv.Itoa(b.opts.ArgBase+len(b.args))
}

// addr binds a 128-bit address number; it travels as a decimal string so
// that no driver needs to bind big integers.
// u64 binds an unsigned 64-bit number as a parameter (as text cast in
// SQL: a client driver may not send numbers above the signed range).
func (b *builder) u64(v uint64) string {
	return "CAST(" + b.arg(strconv.FormatUint(v, 10)) + " AS UBIGINT)"
}

// addrEq tests that the address side (saddr or daddr) is a.
func (b *builder) addrEq(side string, a netip.Addr) string {
	hi, lo := schema.AddrHalves(a)
	return "(" + b.col(side+"_hi") + " = " + b.u64(hi) + " AND " + b.col(side+"_lo") + " = " + b.u64(lo) + ")"
}

// addrRange tests that the address side lies in prefix p: a prefix of 64
// bits or less (IPv4 ones count 96 more) is a range of upper halves, a
// longer one an upper half and a range of lower halves.
func (b *builder) addrRange(side string, p netip.Prefix) string {
	p = p.Masked()
	bits := p.Bits()
	if p.Addr().Is4() {
		bits += 96
	}
	hi, lo := schema.AddrHalves(p.Addr())
	if bits < 64 {
		return "(" + b.col(side+"_hi") + " BETWEEN " + b.u64(hi) + " AND " + b.u64(hi|^uint64(0)>>bits) + ")"
	}
	return "(" + b.col(side+"_hi") + " = " + b.u64(hi) + " AND " + b.col(side+"_lo") + " BETWEEN " + b.u64(lo) + " AND " + b.u64(lo|^uint64(0)>>(bits-64)) + ")"
}

// in renders "col IN (args…)" or "col = arg".
func (b *builder) in(col string, vals []string) string {
	if len(vals) == 1 {
		return col + " = " + b.arg(vals[0])
	}
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = b.arg(v)
	}
	return col + " IN (" + strings.Join(ph, ", ") + ")"
}

// sides applies f to the source column, the destination column or both,
// as the direction says.
func sides(d Dir, src, dst string, f func(col string) string) string {
	switch d {
	case DirSrc:
		return f(src)
	case DirDst:
		return f(dst)
	case DirBoth:
		return "(" + f(src) + " AND " + f(dst) + ")"
	}
	return "(" + f(src) + " OR " + f(dst) + ")"
}

func (b *builder) etype(family string) string {
	switch family {
	case "ipv4":
		return b.col("etype") + " = 2048"
	case "ipv6":
		return b.col("etype") + " = 34525"
	}
	return b.col("etype") + " IN (2048, 34525)"
}

func (b *builder) ipProto(nums ...int) string {
	s := make([]string, len(nums))
	for i, n := range nums {
		s[i] = strconv.Itoa(n)
	}
	p := b.col("pnum") + " = " + s[0]
	if len(s) > 1 {
		p = b.col("pnum") + " IN (" + strings.Join(s, ", ") + ")"
	}
	return "(" + b.etype("") + " AND " + p + ")"
}

func (n *Binary) sql(b *builder) string {
	op := " AND "
	if n.Op == OpOr {
		op = " OR "
	}
	return "(" + n.Left.sql(b) + op + n.Right.sql(b) + ")"
}

// A comparison with a NULL column is NULL, and NOT NULL is NULL too: a
// negated primitive must treat "unknown" as "no match" first, as Argus
// does when a record lacks the field.
func (n *Not) sql(b *builder) string { return "(NOT COALESCE(" + n.X.sql(b) + ", FALSE))" }

func (n *Const) sql(*builder) string {
	if n.Match {
		return "TRUE"
	}
	return "FALSE"
}

var classProto = map[string]int{"tcp": 6, "udp": 17, "icmp": 1, "igmp": 2, "icmpv6": 58}

func (n *Class) sql(b *builder) string {
	switch n.Name {
	case "ip":
		return "(" + b.etype("") + ")"
	case "ipv4", "ipv6":
		return "(" + b.etype(n.Name) + ")"
	case "arp":
		return "(" + b.col("etype") + " = 2054)"
	case "rarp":
		return "(" + b.col("etype") + " = 32821)"
	}
	if p, ok := classProto[n.Name]; ok {
		return b.ipProto(p)
	}
	if b.err == nil {
		b.err = fmt.Errorf("filter: internal error: unknown class %q", n.Name)
	}
	return "FALSE"
}

func (n *IPProto) sql(b *builder) string {
	return "(" + b.etype(n.Family) + " AND " + b.col("pnum") + " = " + b.arg(int64(n.Num)) + ")"
}

func (n *EtherType) sql(b *builder) string {
	return "(" + b.col("etype") + " = " + b.arg(int64(n.Num)) + ")"
}

func (n *Host) sql(b *builder) string {
	return sides(n.Dir, "saddr", "daddr", func(side string) string {
		return b.addrEq(side, n.Addr)
	})
}

func (n *Net) sql(b *builder) string {
	return sides(n.Dir, "saddr", "daddr", func(side string) string {
		return b.addrRange(side, n.Prefix)
	})
}

func (n *MAC) sql(b *builder) string {
	return sides(n.Dir, b.col("smac"), b.col("dmac"), func(c string) string {
		return c + " = " + b.arg(n.Addr)
	})
}

func (n *Port) sql(b *builder) string {
	var test string
	switch {
	case n.Cmp:
		test = sides(n.Dir, b.col("sport"), b.col("dport"), func(c string) string {
			return c + " " + cmpSQL[n.Op] + " " + b.arg(int64(n.Lo))
		})
	case n.Lo == n.Hi:
		test = sides(n.Dir, b.col("sport"), b.col("dport"), func(c string) string {
			return c + " = " + b.arg(int64(n.Lo))
		})
	case n.Dir == DirAny:
		// Argus 3.0.8: each bound on either side (Port's doc).
		lo := sides(DirAny, b.col("sport"), b.col("dport"), func(c string) string {
			return c + " >= " + b.arg(int64(n.Lo))
		})
		hi := sides(DirAny, b.col("sport"), b.col("dport"), func(c string) string {
			return c + " <= " + b.arg(int64(n.Hi))
		})
		test = "(" + lo + " AND " + hi + ")"
	default:
		test = sides(n.Dir, b.col("sport"), b.col("dport"), func(c string) string {
			return c + " BETWEEN " + b.arg(int64(n.Lo)) + " AND " + b.arg(int64(n.Hi))
		})
	}
	return "(" + b.ipProto(n.Protos...) + " AND " + test + ")"
}

func (n *Compare) sql(b *builder) string {
	f := func(c string) string {
		lhs := b.col(c)
		switch {
		case n.IPv4:
			lhs = "COALESCE(" + lhs + ", 0)"
		case n.PairZero && n.Dst != "":
			other := n.Dst
			if c == n.Dst {
				other = n.Src
			}
			lhs = "COALESCE(" + lhs + ", CASE WHEN " + b.col(other) + " IS NOT NULL THEN 0 END)"
		}
		if n.DSCP {
			lhs = "(" + lhs + " >> 2)"
		}
		return lhs + " " + cmpSQL[n.Op] + " " + b.arg(n.Value.value())
	}
	var test string
	if n.Dst == "" {
		test = f(n.Src)
	} else {
		test = sides(n.Dir, n.Src, n.Dst, f)
	}
	if n.IPv4 {
		return "(" + b.etype("ipv4") + " AND " + test + ")"
	}
	return "(" + test + ")"
}

func (n *TCPFlag) sql(b *builder) string {
	bit := strconv.Itoa(n.Bit)
	test := sides(n.Dir, b.col("stcpflags"), b.col("dtcpflags"), func(c string) string {
		return "(" + c + " & " + bit + ") <> 0"
	})
	return "(" + b.ipProto(6) + " AND " + test + ")"
}

func (n *Text) sql(b *builder) string {
	c := b.col(n.Column)
	if n.Member {
		return "list_contains(string_split(" + c + ", " + b.arg(",") + "), " + b.arg(n.Value) + ")"
	}
	return "(" + c + " = " + b.arg(n.Value) + ")"
}

func (n *Pred) sql(b *builder) string {
	if n.IPv4 {
		return "(" + b.etype("ipv4") + " AND " + n.test(b) + ")"
	}
	return n.test(b)
}

func (n *Pred) test(b *builder) string {
	switch n.Kind {
	case KindState:
		return "(" + b.in(b.col("state"), n.Values) + ")"
	case KindCause:
		return "(" + b.in(b.col("cause"), n.Values) + ")"
	case KindFlags:
		return "(" + b.in("substr("+b.col("flgs")+", "+strconv.Itoa(n.Pos)+", 1)", n.Values) + ")"
	case KindICMP:
		var st []string
		if len(n.Values) > 0 {
			st = append(st, b.in(b.col("state"), n.Values))
		}
		if n.Prefix != "" {
			st = append(st, "starts_with("+b.col("state")+", "+b.arg(n.Prefix)+")")
		}
		// ICMP (protocol 1) only: Argus 3.0.8 does not apply these words
		// to ICMPv6 flows.
		icmp := "(" + b.ipProto(1) + " AND (" + strings.Join(st, " OR ") + "))"
		if n.Mapped == "" {
			return icmp
		}
		return "(" + icmp + " OR substr(" + b.col("flgs") + ", 3, 1) = " + b.arg(n.Mapped) + ")"
	case KindRetrans:
		// Argus tests the loss letter of Flgs (position 4: * both, s
		// source, d destination); the counters say the same where the
		// sensor filled them.
		loss := map[Dir][]string{DirAny: {"*", "s", "d"}, DirSrc: {"*", "s"}, DirDst: {"*", "d"}, DirBoth: {"*"}}[n.Dir]
		counters := sides(n.Dir, b.col("sretrans"), b.col("dretrans"), func(c string) string { return c + " > 0" })
		return "(" + b.in("substr("+b.col("flgs")+", 4, 1)", loss) + " OR " + counters + ")"
	case KindSynAck:
		// Argus sets "SYN/ACK seen" from its TCP state over the flow's
		// life, which per-record flags cannot show. What matches it best on
		// real captures: every TCP record except those where the source
		// sent nothing but SYNs that were not answered with a SYN
		// (unanswered or refused connections), first records of
		// connections picked up mid-stream (no SYN either way), and ECN
		// handshakes (Argus does not take SYN+ACK+ECE for a SYN/ACK).
		s, d := b.col("stcpflags"), b.col("dtcpflags")
		return "(" + b.ipProto(6) + " AND NOT (" + s + " = 2 AND (" + d + " & 2) = 0)" +
			" AND (" + d + " & 66) <> 66" +
			" AND NOT (" + b.col("cause") + " = " + b.arg("Start") + " AND ((" + s + " | " + d + ") & 2) = 0))"
	case KindFinAck:
		s, d := b.col("stcpflags"), b.col("dtcpflags")
		return "(" + b.ipProto(6) + " AND (((" + s + " & 1) <> 0 AND (" + d + " & 16) <> 0) OR ((" + d + " & 1) <> 0 AND (" + s + " & 16) <> 0)))"
	case KindEstablished:
		// Argus 3.0.8 "con": an IP flow (TCP included) in which both
		// sides sent packets, or a TCP record in state CON.
		return "(" + b.etype("") + " AND ((" + b.col("spkts") + " > 0 AND " + b.col("dpkts") + " > 0) OR (" +
			b.col("pnum") + " = 6 AND " + b.col("state") + " = " + b.arg("CON") + ")))"
	case KindPresent:
		return sides(n.Dir, b.col(n.Values[0]), b.col(n.Values[1]), func(c string) string { return c + " IS NOT NULL" })
	case KindMulticast:
		// As tcpdump's "ip multicast", IPv4 only; Argus 3.0.8 takes every
		// destination from 224.0.0.0 up (class D and E, 255.255.255.255
		// included).
		return b.addrRange("daddr", netip.MustParsePrefix("224.0.0.0/3"))
	case KindBroadcast:
		return b.addrEq("daddr", netip.MustParseAddr("255.255.255.255"))
	case KindEtherBcast:
		return "(" + b.col("dmac") + " = " + b.arg("ff:ff:ff:ff:ff:ff") + ")"
	case KindEtherMcast:
		return "(" + b.in("substr("+b.col("dmac")+", 2, 1)", []string{"1", "3", "5", "7", "9", "b", "d", "f"}) + ")"
	}
	if b.err == nil {
		b.err = fmt.Errorf("filter: internal error: unknown predicate %q", n.Word)
	}
	return "FALSE"
}
