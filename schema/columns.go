package schema

import (
	"database/sql/driver"
	"time"
)

// PostgreSQL type OIDs used by the column table (pg_type.oid).
const (
	OIDBool        uint32 = 16
	OIDInt8        uint32 = 20
	OIDInt2        uint32 = 21
	OIDInt4        uint32 = 23
	OIDText        uint32 = 25
	OIDFloat8      uint32 = 701
	OIDVarchar     uint32 = 1043
	OIDTimestamptz uint32 = 1184
	OIDNumeric     uint32 = 1700
)

// Kind says how a column's values are printed by the ra family.
type Kind int

const (
	KindText    Kind = iota // printed as is
	KindInt                 // integer counter or number
	KindFloat               // seconds, rates: printed with -p precision
	KindTime                // timestamp: printed with the ra time format
	KindPort                // port; ICMP type/code printed Argus's way
	KindAddr                // address; joined to the port when the delimiter is a space
	KindFlags               // Argus's flag string, padded to its width
	KindDir                 // direction indicator, padded as ra pads it
	KindHex                 // printed as 0x… hex
	KindAddrNum             // 128-bit numeric address: not printed by ra
)

// Column describes one column of the flows table or view.
type Column struct {
	Name   string // SQL column, ra -s field and filter vocabulary
	Type   string // DuckDB type
	PGType uint32 // PostgreSQL type OID the wire endpoint reports
	Label  string // ra header label ("" for columns ra does not print)
	Width  int    // ra default column width
	Kind   Kind
	Doc    string
	// Expr is the SQL expression of a derived column over stored columns;
	// empty for stored columns.
	Expr string

	// What the column does in the ra family and the importer (see
	// behaviour.go for the rules and which columns need which).

	// Merge is racluster's merge rule (MergeNone for derived columns).
	Merge MergeRule
	// ClusterKey is set when racluster -m accepts the column as an
	// aggregation object.
	ClusterKey bool
	// SortDesc is set when rasort sorts the column largest first
	// (counters, rates, loads; and the TCP base sequence numbers, as
	// 3.0.8 does); others sort ascending.
	SortDesc bool
	// SortBy names the column rasort orders by instead of this one
	// (addresses by their numeric form, so that 10.0.0.9 comes before
	// 10.0.0.10; the protocol by its number); "" for the column itself.
	SortBy string
	// Precision is the precision ra computes a KindFloat column in.
	Precision Precision
	// CentreLabel is set when ra centres the header label instead of
	// right-aligning it (3.0.8 prints "    Seq     ").
	CentreLabel bool
	// Import is how the importer sets a stored column from ra's text.
	Import Import

	// typed extracts a stored column's value from a record (see Typed).
	typed Typed
}

// Typed holds a stored column's typed accessor: the one field matching the
// column's Type is set (TIMESTAMPTZ Time, VARCHAR String, INTEGER Int32,
// BIGINT Int64, UTINYINT Uint8, USMALLINT Uint16, UINTEGER Uint32, UBIGINT
// Uint64, DOUBLE Float64). It returns what Value returns, without boxing it
// in an interface, with ok false for NULL; a writer filling typed column
// vectors reads records through it without allocating. It is the only
// definition of how a record maps to a column: Value is derived from it.
type Typed struct {
	Time    func(r *Record) time.Time
	String  func(r *Record) (v string, ok bool)
	Int32   func(r *Record) (v int32, ok bool)
	Int64   func(r *Record) (v int64, ok bool)
	Uint8   func(r *Record) (v uint8, ok bool)
	Uint16  func(r *Record) (v uint16, ok bool)
	Uint32  func(r *Record) (v uint32, ok bool)
	Uint64  func(r *Record) (v uint64, ok bool)
	Float64 func(r *Record) (v float64, ok bool)
}

// Stored reports whether the column is stored in partition tables (rather
// than computed in the flows view).
func (c *Column) Stored() bool { return c.Expr == "" }

// Value returns the record's value for a stored column, boxed for
// database/sql (nil for NULL; times in UTC), read through the typed
// accessor.
func (c *Column) Value(r *Record) driver.Value {
	g := &c.typed
	switch {
	case g.Time != nil:
		return g.Time(r).UTC()
	case g.String != nil:
		return boxed(g.String(r))
	case g.Int32 != nil:
		return boxed(g.Int32(r))
	case g.Int64 != nil:
		return boxed(g.Int64(r))
	case g.Uint8 != nil:
		return boxed(g.Uint8(r))
	case g.Uint16 != nil:
		return boxed(g.Uint16(r))
	case g.Uint32 != nil:
		return boxed(g.Uint32(r))
	case g.Uint64 != nil:
		return boxed(g.Uint64(r))
	case g.Float64 != nil:
		return boxed(g.Float64(r))
	}
	return nil
}

// boxed is v, or nil for NULL.
func boxed[T any](v T, ok bool) driver.Value {
	if !ok {
		return nil
	}
	return v
}

// Typed returns the column's typed accessor (the zero Typed for a derived
// column).
func (c *Column) Typed() Typed { return c.typed }

// Columns is the flow table. Order is the physical column order of every
// partition and of the flows view (derived columns follow the stored ones).
var columns = []Column{
	{Name: "stime", Type: "TIMESTAMPTZ", PGType: OIDTimestamptz, Label: "StartTime", Width: 15, Kind: KindTime,
		Doc:   "time of the record's first packet (µs)",
		Merge: MergeMin, Import: Import{Joint: true},
		typed: Typed{Time: func(r *Record) time.Time { return r.Stime }}},
	{Name: "ltime", Type: "TIMESTAMPTZ", PGType: OIDTimestamptz, Label: "LastTime", Width: 15, Kind: KindTime,
		Doc:   "time of the record's last packet (µs)",
		Merge: MergeMax, Import: Import{Joint: true},
		typed: Typed{Time: func(r *Record) time.Time { return r.Ltime }}},
	{Name: "flgs", Type: "VARCHAR", PGType: OIDText, Label: "Flgs", Width: 9, Kind: KindFlags,
		Doc:   "Argus flag string: encapsulation, ICMP mapping, loss, window, ECN, fragments, IP options",
		Merge: MergeFlags, Import: setText(func(r *Record, s string) { r.Flgs = s }),
		typed: Typed{String: func(r *Record) (string, bool) { return r.Flgs, true }}},
	{Name: "proto", Type: "VARCHAR", PGType: OIDText, Label: "Proto", Width: 6, Kind: KindText,
		Doc:   "protocol name as ra prints it (tcp, udp, icmp, ipv6-icmp, arp, …)",
		Merge: MergeProto, ClusterKey: true, SortBy: "pnum", Import: Import{Joint: true},
		typed: Typed{String: func(r *Record) (string, bool) { return r.Proto, true }}},
	{Name: "pnum", Type: "INTEGER", PGType: OIDInt4, Label: "Proto", Width: 6, Kind: KindInt,
		Doc:   "protocol number: IP protocol, or the ethertype for non-IP flows",
		Merge: MergeSameOrZero, Import: Import{Joint: true},
		typed: Typed{Int32: func(r *Record) (int32, bool) { return r.PNum, true }}},
	{Name: "etype", Type: "INTEGER", PGType: OIDInt4, Label: "Etype", Width: 6, Kind: KindInt,
		Doc:   "ethertype of the flow's network layer (2048 IPv4, 34525 IPv6, 2054 ARP)",
		Merge: MergePreserve, Import: Import{Joint: true},
		typed: Typed{Int32: func(r *Record) (int32, bool) { return int32(r.EType), true }}},
	{Name: "saddr", Type: "VARCHAR", PGType: OIDText, Label: "SrcAddr", Width: 18, Kind: KindAddr,
		Doc:   "source address (the flow's initiator); MAC for non-IP flows",
		Merge: MergeAddr, ClusterKey: true, SortBy: "saddr_num", Import: Import{Joint: true},
		typed: Typed{String: func(r *Record) (string, bool) { return r.Saddr, true }}},
	{Name: "sport", Type: "INTEGER", PGType: OIDInt4, Label: "Sport", Width: 6, Kind: KindPort,
		Doc:   "source port; for ICMP type | code<<8 as Argus keeps it",
		Merge: MergePreserve, ClusterKey: true, Import: Import{Joint: true},
		typed: Typed{Int32: func(r *Record) (int32, bool) { return r.Sport, r.HasPorts }}},
	{Name: "dir", Type: "VARCHAR", PGType: OIDText, Label: "Dir", Width: 5, Kind: KindDir,
		Doc:   "direction indicator as ra prints it (->, <->, <?>, who)",
		Merge: MergeDir, Import: setText(func(r *Record, s string) { r.Dir = s }),
		typed: Typed{String: func(r *Record) (string, bool) { return r.Dir, true }}},
	{Name: "daddr", Type: "VARCHAR", PGType: OIDText, Label: "DstAddr", Width: 18, Kind: KindAddr,
		Doc:   "destination address; MAC for non-IP flows",
		Merge: MergeAddr, ClusterKey: true, SortBy: "daddr_num", Import: Import{Joint: true},
		typed: Typed{String: func(r *Record) (string, bool) { return r.Daddr, true }}},
	{Name: "dport", Type: "INTEGER", PGType: OIDInt4, Label: "Dport", Width: 6, Kind: KindPort,
		Doc:   "destination port; for ICMP the echo id or the detail Argus keeps",
		Merge: MergePreserve, ClusterKey: true, Import: Import{Joint: true},
		typed: Typed{Int32: func(r *Record) (int32, bool) { return r.Dport, r.HasPorts }}},
	{Name: "spkts", Type: "BIGINT", PGType: OIDInt8, Label: "SrcPkts", Width: 8, Kind: KindInt,
		Doc:   "packets sent by the source",
		Merge: MergeSum, SortDesc: true, Import: Import{Joint: true},
		typed: Typed{Int64: func(r *Record) (int64, bool) { return r.Spkts, true }}},
	{Name: "dpkts", Type: "BIGINT", PGType: OIDInt8, Label: "DstPkts", Width: 8, Kind: KindInt,
		Doc:   "packets sent by the destination",
		Merge: MergeSum, SortDesc: true, Import: Import{Joint: true},
		typed: Typed{Int64: func(r *Record) (int64, bool) { return r.Dpkts, true }}},
	{Name: "sbytes", Type: "BIGINT", PGType: OIDInt8, Label: "SrcBytes", Width: 12, Kind: KindInt,
		Doc:   "frame bytes sent by the source, link header included",
		Merge: MergeSum, SortDesc: true, Import: Import{Joint: true},
		typed: Typed{Int64: func(r *Record) (int64, bool) { return r.Sbytes, true }}},
	{Name: "dbytes", Type: "BIGINT", PGType: OIDInt8, Label: "DstBytes", Width: 12, Kind: KindInt,
		Doc:   "frame bytes sent by the destination",
		Merge: MergeSum, SortDesc: true, Import: Import{Joint: true},
		typed: Typed{Int64: func(r *Record) (int64, bool) { return r.Dbytes, true }}},
	{Name: "sappbytes", Type: "BIGINT", PGType: OIDInt8, Label: "SAppBytes", Width: 12, Kind: KindInt,
		Doc:   "payload bytes above layer 4 sent by the source",
		Merge: MergeSum, SortDesc: true, Import: Import{Joint: true},
		typed: Typed{Int64: func(r *Record) (int64, bool) { return r.Sappbytes, true }}},
	{Name: "dappbytes", Type: "BIGINT", PGType: OIDInt8, Label: "DAppBytes", Width: 12, Kind: KindInt,
		Doc:   "payload bytes above layer 4 sent by the destination",
		Merge: MergeSum, SortDesc: true, Import: Import{Joint: true},
		typed: Typed{Int64: func(r *Record) (int64, bool) { return r.Dappbytes, true }}},
	{Name: "state", Type: "VARCHAR", PGType: OIDText, Label: "State", Width: 5, Kind: KindText,
		Doc:   "Argus state (REQ ACC CON CLO FIN RST TIM, INT, ECO ECR URP …)",
		Merge: MergeState, Import: setText(func(r *Record, s string) { r.State = s }),
		typed: Typed{String: func(r *Record) (string, bool) { return r.State, true }}},
	{Name: "cause", Type: "VARCHAR", PGType: OIDText, Label: "Cause", Width: 7, Kind: KindText,
		Doc:   "why the record was emitted: Start, Status, Timeout",
		Merge: MergeLatest, Import: setText(func(r *Record, s string) { r.Cause = s }),
		typed: Typed{String: func(r *Record) (string, bool) { return r.Cause, true }}},
	{Name: "smac", Type: "VARCHAR", PGType: OIDText, Label: "SrcMac", Width: 18, Kind: KindText,
		Doc:   "source MAC address",
		Merge: MergePreserve, ClusterKey: true, Import: setMAC(func(r *Record, s string) { r.Smac = s }),
		typed: Typed{String: func(r *Record) (string, bool) { return r.Smac, r.Smac != "" }}},
	{Name: "dmac", Type: "VARCHAR", PGType: OIDText, Label: "DstMac", Width: 18, Kind: KindText,
		Doc:   "destination MAC address",
		Merge: MergePreserve, ClusterKey: true, Import: setMAC(func(r *Record, s string) { r.Dmac = s }),
		typed: Typed{String: func(r *Record) (string, bool) { return r.Dmac, r.Dmac != "" }}},
	{Name: "sttl", Type: "UTINYINT", PGType: OIDInt2, Label: "sTtl", Width: 4, Kind: KindInt,
		Doc:   "IP TTL / hop limit of the source's packets",
		Merge: MergePreserve, ClusterKey: true, Import: setUint(8, func(r *Record, v uint64) { r.Sttl, r.HasSttl = uint8(v), true }),
		typed: Typed{Uint8: func(r *Record) (uint8, bool) { return r.Sttl, r.HasSttl }}},
	{Name: "dttl", Type: "UTINYINT", PGType: OIDInt2, Label: "dTtl", Width: 4, Kind: KindInt,
		Doc:   "IP TTL / hop limit of the destination's packets",
		Merge: MergePreserve, ClusterKey: true, Import: setUint(8, func(r *Record, v uint64) { r.Dttl, r.HasDttl = uint8(v), true }),
		typed: Typed{Uint8: func(r *Record) (uint8, bool) { return r.Dttl, r.HasDttl }}},
	{Name: "stos", Type: "UTINYINT", PGType: OIDInt2, Label: "sTos", Width: 5, Kind: KindInt,
		Doc:   "IP TOS / traffic class of the source's packets",
		Merge: MergePreserve, ClusterKey: true, Import: setUint(8, func(r *Record, v uint64) { r.Stos, r.HasSttl = uint8(v), true }),
		typed: Typed{Uint8: func(r *Record) (uint8, bool) { return r.Stos, r.HasSttl }}},
	{Name: "dtos", Type: "UTINYINT", PGType: OIDInt2, Label: "dTos", Width: 5, Kind: KindInt,
		Doc:   "IP TOS / traffic class of the destination's packets",
		Merge: MergePreserve, ClusterKey: true, Import: setUint(8, func(r *Record, v uint64) { r.Dtos, r.HasDttl = uint8(v), true }),
		typed: Typed{Uint8: func(r *Record) (uint8, bool) { return r.Dtos, r.HasDttl }}},
	{Name: "svlan", Type: "USMALLINT", PGType: OIDInt4, Label: "sVlan", Width: 8, Kind: KindInt,
		Doc:   "802.1Q VLAN id of the source's packets",
		Merge: MergePreserve, ClusterKey: true, Import: setUint(16, func(r *Record, v uint64) { r.Svlan, r.HasSvlan = uint16(v), true }),
		typed: Typed{Uint16: func(r *Record) (uint16, bool) { return r.Svlan, r.HasSvlan }}},
	{Name: "dvlan", Type: "USMALLINT", PGType: OIDInt4, Label: "dVlan", Width: 8, Kind: KindInt,
		Doc:   "802.1Q VLAN id of the destination's packets",
		Merge: MergePreserve, ClusterKey: true, Import: setUint(16, func(r *Record, v uint64) { r.Dvlan, r.HasDvlan = uint16(v), true }),
		typed: Typed{Uint16: func(r *Record) (uint16, bool) { return r.Dvlan, r.HasDvlan }}},
	{Name: "smpls", Type: "UINTEGER", PGType: OIDInt8, Label: "sMpls", Width: 8, Kind: KindInt,
		Doc:   "top MPLS label of the source's packets",
		Merge: MergePreserve, ClusterKey: true, Import: setUint(32, func(r *Record, v uint64) { r.Smpls, r.HasSmpls = uint32(v), true }),
		typed: Typed{Uint32: func(r *Record) (uint32, bool) { return r.Smpls, r.HasSmpls }}},
	{Name: "dmpls", Type: "UINTEGER", PGType: OIDInt8, Label: "dMpls", Width: 8, Kind: KindInt,
		Doc:   "top MPLS label of the destination's packets",
		Merge: MergePreserve, ClusterKey: true, Import: setUint(32, func(r *Record, v uint64) { r.Dmpls, r.HasDmpls = uint32(v), true }),
		typed: Typed{Uint32: func(r *Record) (uint32, bool) { return r.Dmpls, r.HasDmpls }}},
	{Name: "stcpflags", Type: "UTINYINT", PGType: OIDInt2, Label: "STcpFlags", Width: 4, Kind: KindHex,
		Doc:   "OR of the TCP flags the source sent (FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128)",
		Merge: MergeBitOr, Import: setUint(8, func(r *Record, v uint64) { r.STCPFlags = uint8(v) }),
		typed: Typed{Uint8: func(r *Record) (uint8, bool) { return r.STCPFlags, true }}},
	{Name: "dtcpflags", Type: "UTINYINT", PGType: OIDInt2, Label: "DTcpFlags", Width: 4, Kind: KindHex,
		Doc:   "OR of the TCP flags the destination sent",
		Merge: MergeBitOr, Import: setUint(8, func(r *Record, v uint64) { r.DTCPFlags = uint8(v) }),
		typed: Typed{Uint8: func(r *Record) (uint8, bool) { return r.DTCPFlags, true }}},
	{Name: "sretrans", Type: "BIGINT", PGType: OIDInt8, Label: "SrcRetra", Width: 8, Kind: KindInt,
		Doc:   "TCP retransmissions by the source",
		Merge: MergeSum, SortDesc: true, Import: setUint(63, func(r *Record, v uint64) { r.Sretrans = int64(v) }),
		typed: Typed{Int64: func(r *Record) (int64, bool) { return r.Sretrans, true }}},
	{Name: "dretrans", Type: "BIGINT", PGType: OIDInt8, Label: "DstRetra", Width: 8, Kind: KindInt,
		Doc:   "TCP retransmissions by the destination",
		Merge: MergeSum, SortDesc: true, Import: setUint(63, func(r *Record, v uint64) { r.Dretrans = int64(v) }),
		typed: Typed{Int64: func(r *Record) (int64, bool) { return r.Dretrans, true }}},
	{Name: "swin", Type: "UINTEGER", PGType: OIDInt8, Label: "SrcWin", Width: 6, Kind: KindInt,
		Doc:   "last TCP window advertised by the source (scaled by the window-scale option where known, as argus reports it)",
		Merge: MergeLatest, Import: setUint(32, func(r *Record, v uint64) { r.Swin = uint32(v) }),
		typed: Typed{Uint32: func(r *Record) (uint32, bool) { return r.Swin, true }}},
	{Name: "dwin", Type: "UINTEGER", PGType: OIDInt8, Label: "DstWin", Width: 6, Kind: KindInt,
		Doc:   "last TCP window advertised by the destination (scaled where known)",
		Merge: MergeLatest, Import: setUint(32, func(r *Record, v uint64) { r.Dwin = uint32(v) }),
		typed: Typed{Uint32: func(r *Record) (uint32, bool) { return r.Dwin, true }}},
	{Name: "stcpb", Type: "UINTEGER", PGType: OIDInt8, Label: "SrcTCPBase", Width: 12, Kind: KindInt,
		Doc:   "source's initial TCP sequence number",
		Merge: MergePreserve, ClusterKey: true, SortDesc: true, Import: setUint(32, func(r *Record, v uint64) { r.Stcpb = uint32(v) }),
		typed: Typed{Uint32: func(r *Record) (uint32, bool) { return r.Stcpb, true }}},
	{Name: "dtcpb", Type: "UINTEGER", PGType: OIDInt8, Label: "DstTCPBase", Width: 12, Kind: KindInt,
		Doc:   "destination's initial TCP sequence number",
		Merge: MergePreserve, ClusterKey: true, SortDesc: true, Import: setUint(32, func(r *Record, v uint64) { r.Dtcpb = uint32(v) }),
		typed: Typed{Uint32: func(r *Record) (uint32, bool) { return r.Dtcpb, true }}},
	{Name: "synack", Type: "DOUBLE", PGType: OIDFloat8, Label: "SynAck", Width: 12, Kind: KindFloat,
		Doc:   "seconds from SYN to SYN/ACK",
		Merge: MergeMax, Precision: Double, Import: setSeconds(func(r *Record, v float64) { r.Synack = v }),
		typed: Typed{Float64: func(r *Record) (float64, bool) { return r.Synack, true }}},
	{Name: "ackdat", Type: "DOUBLE", PGType: OIDFloat8, Label: "AckDat", Width: 12, Kind: KindFloat,
		Doc:   "seconds from SYN/ACK to the handshake's ACK",
		Merge: MergeMax, Precision: Double, Import: setSeconds(func(r *Record, v float64) { r.Ackdat = v }),
		typed: Typed{Float64: func(r *Record) (float64, bool) { return r.Ackdat, true }}},
	{Name: "encaps", Type: "VARCHAR", PGType: OIDText, Label: "Encaps", Width: 12, Kind: KindText,
		Doc:   "encapsulations the flow was carried in, outermost first (eth,vlan,mpls,gre,ipnip,6in4,pppoe,…)",
		Merge: MergePreserve, Import: setText(func(r *Record, s string) { r.Encaps = s }),
		typed: Typed{String: func(r *Record) (string, bool) { return r.Encaps, true }}},
	{Name: "inode", Type: "VARCHAR", PGType: OIDText, Label: "Inode", Width: 18, Kind: KindText,
		Doc:   "sender of an ICMP error mapped onto this flow",
		Merge: MergePreserve, ClusterKey: true, Import: setText(func(r *Record, s string) { r.Inode = s }),
		typed: Typed{String: func(r *Record) (string, bool) { return r.Inode, r.Inode != "" }}},
	{Name: "srcid", Type: "VARCHAR", PGType: OIDText, Label: "SrcId", Width: 18, Kind: KindText,
		Doc:   "the sensor or exporter that produced the record",
		Merge: MergePreserve, ClusterKey: true, Import: setText(func(r *Record, s string) { r.Srcid = s }),
		typed: Typed{String: func(r *Record) (string, bool) { return r.Srcid, true }}},
	{Name: "seq", Type: "BIGINT", PGType: OIDInt8, Label: "Seq", Width: 12, Kind: KindInt,
		Doc:   "record sequence number per sensor",
		Merge: MergeMin, CentreLabel: true, Import: setUint(63, func(r *Record, v uint64) { r.Seq = int64(v) }),
		typed: Typed{Int64: func(r *Record) (int64, bool) { return r.Seq, true }}},
	{Name: "trans", Type: "INTEGER", PGType: OIDInt4, Label: "Trans", Width: 6, Kind: KindInt,
		Doc:   "number of records merged into this one (1 for sensor records)",
		Merge: MergeSum, SortDesc: true, Import: setUint(31, func(r *Record, v uint64) { r.Trans = int32(v) }),
		typed: Typed{Int32: func(r *Record) (int32, bool) { return r.Trans, true }}},
	// Addresses as numbers are stored as two 64-bit halves: DuckDB reads a
	// 128-bit column ten times slower (bench/README.md), and every net and
	// host filter reads these.
	{Name: "saddr_hi", Type: "UBIGINT", PGType: OIDNumeric, Kind: KindAddrNum,
		Doc:   "source address as a number (IPv4 mapped into ::ffff:0:0/96), its upper 64 bits",
		Merge: MergePreserve, Import: Import{Joint: true},
		typed: Typed{Uint64: func(r *Record) (uint64, bool) { return r.SaddrHi, r.HasAddrNum }}},
	{Name: "saddr_lo", Type: "UBIGINT", PGType: OIDNumeric, Kind: KindAddrNum,
		Doc:   "source address as a number, its lower 64 bits",
		Merge: MergePreserve, Import: Import{Joint: true},
		typed: Typed{Uint64: func(r *Record) (uint64, bool) { return r.SaddrLo, r.HasAddrNum }}},
	{Name: "daddr_hi", Type: "UBIGINT", PGType: OIDNumeric, Kind: KindAddrNum,
		Doc:   "destination address as a number, its upper 64 bits",
		Merge: MergePreserve, Import: Import{Joint: true},
		typed: Typed{Uint64: func(r *Record) (uint64, bool) { return r.DaddrHi, r.HasAddrNum }}},
	{Name: "daddr_lo", Type: "UBIGINT", PGType: OIDNumeric, Kind: KindAddrNum,
		Doc:   "destination address as a number, its lower 64 bits",
		Merge: MergePreserve, Import: Import{Joint: true},
		typed: Typed{Uint64: func(r *Record) (uint64, bool) { return r.DaddrLo, r.HasAddrNum }}},

	// Derived columns: virtual generated columns of the flows table.
	{Name: "saddr_num", Type: "UHUGEINT", PGType: OIDNumeric, Kind: KindAddrNum,
		Doc:  "source address as a 128-bit number (IPv4 mapped into ::ffff:0:0/96), for exact CIDR tests (in_net_num)",
		Expr: "(saddr_hi::UHUGEINT << 64) | saddr_lo::UHUGEINT"},
	{Name: "daddr_num", Type: "UHUGEINT", PGType: OIDNumeric, Kind: KindAddrNum,
		Doc:  "destination address as a 128-bit number",
		Expr: "(daddr_hi::UHUGEINT << 64) | daddr_lo::UHUGEINT"},
	{Name: "dur", Type: "DOUBLE", PGType: OIDFloat8, Label: "Dur", Width: 10, Kind: KindFloat,
		Doc: "ltime − stime in seconds", Expr: "(epoch_us(ltime) - epoch_us(stime)) / 1e6",
		Precision: Double},
	{Name: "pkts", Type: "BIGINT", PGType: OIDInt8, Label: "TotPkts", Width: 8, Kind: KindInt,
		Doc: "packets both ways", Expr: "spkts + dpkts",
		SortDesc: true},
	{Name: "bytes", Type: "BIGINT", PGType: OIDInt8, Label: "TotBytes", Width: 10, Kind: KindInt,
		Doc: "bytes both ways", Expr: "sbytes + dbytes",
		SortDesc: true},
	{Name: "appbytes", Type: "BIGINT", PGType: OIDInt8, Label: "TotAppByte", Width: 10, Kind: KindInt,
		Doc: "application bytes both ways", Expr: "sappbytes + dappbytes",
		SortDesc: true},
	{Name: "tcprtt", Type: "DOUBLE", PGType: OIDFloat8, Label: "TcpRtt", Width: 12, Kind: KindFloat,
		Doc: "TCP handshake round trip: synack + ackdat", Expr: "synack + ackdat",
		Precision: Double},
	{Name: "rate", Type: "DOUBLE", PGType: OIDFloat8, Label: "Rate", Width: 12, Kind: KindFloat,
		Doc:       "packets per second, (pkts − 1) / dur as ra computes it",
		Expr:      "CASE WHEN ltime > stime AND spkts + dpkts > 1 THEN (spkts + dpkts - 1) / ((epoch_us(ltime) - epoch_us(stime)) / 1e6) ELSE 0 END",
		Precision: Single, SortDesc: true},
	{Name: "srate", Type: "DOUBLE", PGType: OIDFloat8, Label: "SrcRate", Width: 12, Kind: KindFloat,
		Doc: "source packets per second", Expr: "CASE WHEN ltime > stime AND spkts > 1 THEN (spkts - 1) / ((epoch_us(ltime) - epoch_us(stime)) / 1e6) ELSE 0 END",
		Precision: Single, SortDesc: true},
	{Name: "drate", Type: "DOUBLE", PGType: OIDFloat8, Label: "DstRate", Width: 12, Kind: KindFloat,
		Doc: "destination packets per second", Expr: "CASE WHEN ltime > stime AND dpkts > 1 THEN (dpkts - 1) / ((epoch_us(ltime) - epoch_us(stime)) / 1e6) ELSE 0 END",
		Precision: Single, SortDesc: true},
	{Name: "sload", Type: "DOUBLE", PGType: OIDFloat8, Label: "SrcLoad", Width: 8, Kind: KindFloat,
		Doc: "source bits per second as ra computes it", Expr: "CASE WHEN ltime > stime AND spkts > 1 THEN (sbytes - sbytes // spkts) * 8 / ((epoch_us(ltime) - epoch_us(stime)) / 1e6) ELSE 0 END",
		Precision: Single, SortDesc: true},
	{Name: "dload", Type: "DOUBLE", PGType: OIDFloat8, Label: "DstLoad", Width: 8, Kind: KindFloat,
		Doc: "destination bits per second", Expr: "CASE WHEN ltime > stime AND dpkts > 1 THEN (dbytes - dbytes // dpkts) * 8 / ((epoch_us(ltime) - epoch_us(stime)) / 1e6) ELSE 0 END",
		Precision: Single, SortDesc: true},
	{Name: "load", Type: "DOUBLE", PGType: OIDFloat8, Label: "Load", Width: 8, Kind: KindFloat,
		Doc: "bits per second both ways", Expr: "CASE WHEN ltime > stime AND spkts + dpkts > 1 THEN ((CASE WHEN spkts > 1 THEN sbytes - sbytes // spkts ELSE 0 END) + (CASE WHEN dpkts > 1 THEN dbytes - dbytes // dpkts ELSE 0 END)) * 8 / ((epoch_us(ltime) - epoch_us(stime)) / 1e6) ELSE 0 END",
		Precision: Single, SortDesc: true},
	{Name: "smeansz", Type: "DOUBLE", PGType: OIDFloat8, Label: "sMeanPktSz", Width: 12, Kind: KindFloat,
		Doc: "mean packet size from the source", Expr: "CASE WHEN spkts > 0 THEN sbytes / spkts ELSE 0 END",
		Precision: Single},
	{Name: "dmeansz", Type: "DOUBLE", PGType: OIDFloat8, Label: "dMeanPktSz", Width: 12, Kind: KindFloat,
		Doc: "mean packet size from the destination", Expr: "CASE WHEN dpkts > 0 THEN dbytes / dpkts ELSE 0 END",
		Precision: Single},
}

// Columns returns the flow table's columns, stored ones first. The slice is
// shared: callers must not modify it.
func Columns() []Column { return columns }

// StoredColumns returns the columns kept in partition tables, in order.
func StoredColumns() []Column {
	var out []Column
	for _, c := range columns {
		if c.Stored() {
			out = append(out, c)
		}
	}
	return out
}

// Lookup finds a column by name.
func Lookup(name string) (Column, bool) {
	for _, c := range columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// DefaultRaFields are the columns ra prints when -s is not given.
var defaultRaFields = []string{"stime", "flgs", "proto", "saddr", "sport", "dir", "daddr", "dport", "pkts", "bytes", "state"}

// DefaultRaFields returns the columns ra prints when -s is not given.
func DefaultRaFields() []string { return append([]string(nil), defaultRaFields...) }
