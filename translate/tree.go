package translate

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Expr is a parsed filter: a typed tree of nodes.
type Expr struct {
	// Text is the filter as given (after joining words).
	Text string
	// Root is the tree. A nil *Expr matches every record.
	Root Node
}

// String renders the tree as a fully parenthesised filter, the form the
// golden tests record.
func (e *Expr) String() string {
	if e == nil || e.Root == nil {
		return ""
	}
	return e.Root.String()
}

// Node is one node of the filter tree. Only the node types of this package
// implement it; each knows the SQL it stands for.
type Node interface {
	String() string
	sql(b *builder) string
}

// Dir is a direction qualifier.
type Dir int

// Direction qualifiers. DirAny (no qualifier, or "src or dst") tests the
// source side OR the destination side; DirBoth ("src and dst") both.
const (
	DirAny Dir = iota
	DirSrc
	DirDst
	DirBoth
)

func (d Dir) prefix() string {
	switch d {
	case DirSrc:
		return "src "
	case DirDst:
		return "dst "
	case DirBoth:
		return "src and dst "
	}
	return ""
}

// BoolOp joins two nodes.
type BoolOp int

// Boolean operators; and and or have equal precedence in the filter
// language and group left to right.
const (
	OpAnd BoolOp = iota
	OpOr
)

// Binary is "Left and Right" or "Left or Right".
type Binary struct {
	Op          BoolOp
	Left, Right Node
}

func (n *Binary) String() string {
	op := " and "
	if n.Op == OpOr {
		op = " or "
	}
	return "(" + n.Left.String() + op + n.Right.String() + ")"
}

// Not negates its operand.
type Not struct{ X Node }

func (n *Not) String() string { return "not " + n.X.String() }

// Const matches every record (far) or none (man, mar, event, index: the
// store holds flow records only).
type Const struct {
	Word  string
	Match bool
}

func (n *Const) String() string { return n.Word }

// Class is a protocol class without value: ip, ipv4, ipv6, tcp, udp, icmp,
// icmpv6, igmp, arp, rarp.
type Class struct{ Name string }

func (n *Class) String() string { return n.Name }

// IPProto is "proto N": an IPv4 or IPv6 flow with IP protocol N.
type IPProto struct {
	Num int
	// Family restricts to "ipv4" or "ipv6"; "" is both.
	Family string
}

func (n *IPProto) String() string {
	if n.Family != "" {
		return n.Family + " proto " + strconv.Itoa(n.Num)
	}
	return "proto " + strconv.Itoa(n.Num)
}

// EtherType is "ether proto N".
type EtherType struct{ Num int }

func (n *EtherType) String() string { return "ether proto " + strconv.Itoa(n.Num) }

// Host is an address equality test.
type Host struct {
	Dir  Dir
	Addr netip.Addr
}

func (n *Host) String() string { return n.Dir.prefix() + "host " + n.Addr.String() }

// Net is a prefix test.
type Net struct {
	Dir    Dir
	Prefix netip.Prefix
}

func (n *Net) String() string { return n.Dir.prefix() + "net " + n.Prefix.String() }

// MAC is "ether host|src|dst M".
type MAC struct {
	Dir  Dir
	Addr string // lower-case, colon separated, two digits a byte
}

func (n *MAC) String() string { return "ether " + n.Dir.prefix() + "host " + n.Addr }

// Port is a port test on flows whose protocol has ports: equality
// (Lo = Hi), a range Lo-Hi, or a comparison (Cmp: port Op Lo, "port gt
// 1024").
//
// A range without a direction is what Argus 3.0.8 compiles: (sport >= Lo
// or dport >= Lo) and (sport <= Hi or dport <= Hi), so "port 1000-2000"
// also matches a flow from port 80 to port 50000. With src, dst or "src
// and dst" each named port is within Lo-Hi.
type Port struct {
	Dir    Dir
	Lo, Hi int
	Cmp    bool
	Op     CmpOp
	Protos []int // IP protocols the test applies to (6, 17)
}

func (n *Port) String() string {
	q := ""
	if len(n.Protos) == 1 {
		q = protoName(n.Protos[0]) + " "
	}
	v := strconv.Itoa(n.Lo)
	switch {
	case n.Cmp:
		v = cmpWord[n.Op] + " " + v
	case n.Hi != n.Lo:
		v += "-" + strconv.Itoa(n.Hi)
	}
	return q + n.Dir.prefix() + "port " + v
}

// CmpOp is a comparison operator.
type CmpOp int

// Comparison operators.
const (
	CmpEq CmpOp = iota
	CmpNe
	CmpGt
	CmpGe
	CmpLt
	CmpLe
)

var cmpSQL = [...]string{"=", "<>", ">", ">=", "<", "<="}
var cmpWord = [...]string{"eq", "ne", "gt", "gte", "lt", "lte"}

// Number is a numeric filter value.
type Number struct {
	Int     int64
	Float   float64
	IsFloat bool
}

func (n Number) String() string {
	if n.IsFloat {
		return strconv.FormatFloat(n.Float, 'f', -1, 64)
	}
	return strconv.FormatInt(n.Int, 10)
}

func (n Number) value() any {
	if n.IsFloat {
		return n.Float
	}
	return n.Int
}

// Compare is a numeric comparison on a column pair (src/dst) or on a
// single column.
type Compare struct {
	Keyword string // filter word: bytes, ttl, dur, or a column name
	Dir     Dir
	Op      CmpOp
	Value   Number
	Src     string // source-side column, or the only column
	Dst     string // destination-side column; "" for single columns
	// DSCP compares the top six bits of the TOS columns.
	DSCP bool
	// PairZero reads a missing side as 0 when the other side has a value.
	PairZero bool
	// IPv4 restricts the test to IPv4 flows and reads a missing side as 0
	// (ttl, tos, dsb, as Argus does).
	IPv4 bool
}

func (n *Compare) String() string {
	return n.Dir.prefix() + n.Keyword + " " + cmpWord[n.Op] + " " + n.Value.String()
}

// TCPFlag is a TCP flag seen from the source, the destination or either.
type TCPFlag struct {
	Word string
	Dir  Dir
	Bit  int
}

func (n *TCPFlag) String() string { return n.Dir.prefix() + n.Word }

// Pred is a fixed predicate word without value (state, cause, flag-string
// positions, ICMP classes, …); Kind picks its SQL.
type Pred struct {
	Word string
	Dir  Dir
	Kind PredKind
	// Values are the state or cause values the predicate matches, or the
	// flag characters for KindFlags.
	Values []string
	// Pos is the 1-based position in flgs for KindFlags and KindICMP.
	Pos int
	// Prefix is a state prefix (unreach: "UR").
	Prefix string
	// Mapped is the flgs position-3 letter of an ICMP error mapped onto a
	// flow (KindICMP).
	Mapped string
	// IPv4 restricts the predicate to IPv4 flows (frag).
	IPv4 bool
}

// PredKind says which columns a Pred tests.
type PredKind int

// Predicate kinds.
const (
	KindState       PredKind = iota // state IN (Values)
	KindCause                       // cause IN (Values)
	KindFlags                       // substr(flgs, Pos, 1) IN (Values)
	KindICMP                        // ICMP (IPv4) state Values/Prefix, or flgs Pos = Mapped
	KindRetrans                     // sretrans/dretrans > 0
	KindSynAck                      // the destination answered with SYN+ACK
	KindFinAck                      // a FIN was acknowledged
	KindEstablished                 // the connection was established
	KindPresent                     // svlan/dvlan (Values) not NULL
	KindMulticast                   // IP multicast destination
	KindBroadcast                   // IP broadcast destination
	KindEtherBcast                  // Ethernet broadcast destination
	KindEtherMcast                  // Ethernet multicast destination
)

func (n *Pred) String() string { return n.Dir.prefix() + n.Word }

// Text is an equality test on a text column (srcid, inode, encaps member).
type Text struct {
	Word   string
	Column string
	Value  string
	// Member tests membership in a comma-separated list column.
	Member bool
}

func (n *Text) String() string {
	switch n.Word {
	case "encaps":
		return "encaps \\" + n.Value
	case "inode":
		return "inode " + n.Value
	}
	// The filter's "…" strings have no escapes (a string cannot hold a
	// quote), so the value is written back as it was read.
	return n.Word + ` "` + n.Value + `"`
}

func protoName(p int) string {
	switch p {
	case 6:
		return "tcp"
	case 17:
		return "udp"
	}
	return fmt.Sprintf("proto%d", p)
}

// macString normalises a MAC written with one or two hex digits a byte.
func macString(s string) (string, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return "", false
	}
	out := make([]string, 6)
	for i, p := range parts {
		if len(p) < 1 || len(p) > 2 {
			return "", false
		}
		v, err := strconv.ParseUint(p, 16, 8)
		if err != nil {
			return "", false
		}
		out[i] = fmt.Sprintf("%02x", v)
	}
	return strings.Join(out, ":"), true
}
