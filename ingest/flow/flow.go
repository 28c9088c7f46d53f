package flow

import (
	"bytes"

	"tapdb/ingest/decode"
)

// sideRec is what one direction contributed to the current record; it is
// zeroed when the record is emitted.
type sideRec struct {
	first            int64 // time of the side's earliest packet in the record
	pkts, bytes, app int64
	retrans          int64
	outOfOrder       bool
	tcpFlags         uint8
	win              uint16
	zeroWin          bool
}

// sideFlow is what the table remembers about one direction for the whole
// life of the flow.
type sideFlow struct {
	ttl, tos uint8 // last seen; kept across records (emp.)
	hasTTL   bool
	last     int64 // time of the side's last packet
	vlan     uint16
	hasVLAN  bool
	mpls     uint32
	hasMPLS  bool

	// TCP sequence tracking, as Argus's per-direction metrics: plain
	// (not modular) 32-bit comparisons and 0 meaning unset, like Argus.
	base     uint32 // seqbase: initial sequence number (seq-1 mid-stream)
	seq      uint32 // highest sequence number + length sent
	ack      uint32 // last acknowledgement number sent, minus one
	win      uint16 // last non-zero window sent
	winBytes uint32 // bytes sent and not yet acknowledged
	ipid     uint16 // IP id of the last data segment (out-of-order test)
	flags    uint8  // TCP flags sent over the flow's life
	synSeq   uint32
	sawSyn   bool
	fin      bool
	ecn      bool // congestion signalled (ECE with ECN negotiated): flgs ECN, sticky
}

// tcpFlow is the TCP connection state Argus accumulates over a flow.
type tcpFlow struct {
	syn, synAck, est, fin, rst bool
	firstSynAck                bool  // the first packet seen was a SYN/ACK
	flipped                    bool  // ... and the client answered (see flow.flip)
	ecnOK                      bool  // ECN negotiated (SYN with ECE+CWR, or first SYN/ACK with ECE)
	synackDur, ackdatDur       int64 // nanoseconds, 0 = not measured
}

// flow is one entry of the table. Flows live in Table.flows and are
// addressed by index; gen changes each time a slot is reused so that timer
// and index entries pointing at an older flow can be told apart.
type flow struct {
	key      flowKey
	gen      uint32
	seq      int64 // the flow's number, Record.Seq of each of its records
	live     bool
	class    uint8 // timeout class of the key (see timeoutClass)
	expireAt int64 // scheduled idle removal, valid while !pending

	// Orientation: the record's source and destination as seen in packets.
	sAddr, dAddr decode.Addr
	sPort, dPort uint16 // record ports (TCP/UDP ports, ICMP type/code and detail)
	sMAC, dMAC   [6]byte
	hasMAC       bool
	srcIsReq     bool // kindEcho: the source sent requests
	etype        uint16
	icmpType     uint8 // first ICMP type/code seen (state of kindICMP)
	icmpCode     uint8

	stop      bool // the flow ends because of port reuse: cause Stop
	multipath bool // more than one MAC pair seen: flgs position 2 'M'
	sllSrc    bool // cooked-capture packets seen from the source
	sllDst    bool // ... and from the destination
	encaps    uint32
	inode     decode.Addr
	hasInode  bool
	tcp       tcpFlow
	sf, df    sideFlow
	records   int64 // records emitted so far (0 → next cause is Start)
	lastSeen  int64

	// Current record.
	pending  bool  // the record holds at least one packet
	recStart int64 // when the record's status timer started
	recLast  int64
	s, d     sideRec
	mapped   byte // ICMP mapping letter for flgs position 3
	frag     bool // fragments folded into this record
	ipOpts   uint8
	sawReq   bool // ICMP request (or any non-reply) in this record

	// Links of Table.lru.
	prev, next int32
}

// fromSrc reports whether p was sent by the flow's source.
func (f *flow) fromSrc(p *decode.Packet) bool {
	switch f.key.kind {
	case kindEcho:
		return isEchoRequest(p.ICMPType) == f.srcIsReq
	case kindARP:
		return !arpIsReply(p.ARPOp)
	case kindOther:
		return p.SrcMAC == f.sMAC
	case kindPorts:
		if p.Src != f.sAddr {
			return false
		}
		if f.sAddr == f.dAddr {
			return p.SrcPort == f.sPort
		}
		return true
	}
	return p.Src == f.sAddr
}

// orient sets the flow's source and destination from the packet that
// creates the flow.
func (f *flow) orient(p *decode.Packet) {
	f.sAddr, f.dAddr = p.Src, p.Dst
	f.sPort, f.dPort = p.SrcPort, p.DstPort
	f.hasMAC = p.HasMAC
	f.sMAC, f.dMAC = p.SrcMAC, p.DstMAC
	switch f.key.kind {
	case kindPorts:
		if p.IsTCP && p.TCPFlags&(decode.TCPSyn|decode.TCPAck) == decode.TCPSyn|decode.TCPAck {
			// First seen at the SYN/ACK: the sender is the source until
			// the client answers, then the flow is turned round (flip).
			f.tcp.firstSynAck = true
		}
	case kindEcho:
		// The requester is the source even when the reply is seen first
		// (emp.: a lone echo reply printed requester <- replier, ECR).
		f.srcIsReq = true
		if !isEchoRequest(p.ICMPType) {
			f.sAddr, f.dAddr = p.Dst, p.Src
			f.sMAC, f.dMAC = p.DstMAC, p.SrcMAC
		}
		f.sPort = uint16(p.ICMPType) | uint16(p.ICMPCode)<<8
		f.dPort = p.ICMPID
		f.icmpType, f.icmpCode = p.ICMPType, p.ICMPCode
	case kindICMP:
		f.icmpType, f.icmpCode = p.ICMPType, p.ICMPCode
		if f.key.v6 && p.ICMPType == 129 {
			f.sAddr, f.dAddr = p.Dst, p.Src
			f.sMAC, f.dMAC = p.DstMAC, p.SrcMAC
		}
		if f.key.v6 {
			f.sPort, f.dPort = f.key.pa, f.key.pb
			f.icmpType = uint8(f.key.pa)
		} else {
			f.sPort, f.dPort = f.key.pa, f.key.pb
		}
	case kindARP:
		if arpIsReply(p.ARPOp) {
			f.sAddr, f.dAddr = p.Dst, p.Src
			f.sMAC, f.dMAC = p.DstMAC, p.SrcMAC
		}
		f.sPort, f.dPort = 0, 0
	case kindOther:
		// Printed addresses are the ordered MACs, the ports the LLC SAPs
		// in the same order (emp.: CDP printed 170, 170); counting follows
		// the first sender (sMAC).
		f.sAddr, f.dAddr = f.key.a, f.key.b
		f.sPort, f.dPort = uint16(p.LLCSSAP), uint16(p.LLCDSAP)
		if macAddr(p.SrcMAC) != f.key.a {
			f.sPort, f.dPort = f.dPort, f.sPort
		}
	case kindFrag:
		f.sPort, f.dPort = fragPorts(p, f.key.v6)
	default:
		f.sPort, f.dPort = 0, 0
	}
	switch p.Net {
	case decode.NetIPv4:
		f.etype = etherIPv4
	case decode.NetIPv6:
		f.etype = etherIPv6
	case decode.NetARP:
		f.etype = etherARP
		if f.key.proto == 1 {
			f.etype = etherRARP
		}
	default:
		f.etype = otherEtherType(p)
	}
	f.class = classOf(&f.key)
}

// fragPorts are the ports Argus 3.0.8 prints on the first record of a
// fragment-only flow (emp., crafted captures; ARGUS-NOTES 3.1). IPv4: none
// (0, 0). IPv6: the fragment id's bytes, which Argus's fragment key keeps
// where the ports go, in network order, read as little-endian halves: for
// id 0x12345678 sent to a higher address sport 0x3412 and dport 0x7856,
// to a lower or the same address the two swapped; ICMPv6 prints the id's
// low byte as the type (sport) and the next as the code (dport).
func fragPorts(p *decode.Packet, v6 bool) (sport, dport uint16) {
	if !v6 {
		return 0, 0
	}
	id := p.IPID
	if p.Proto == protoICMPv6 {
		return uint16(id & 0xff), uint16(id >> 8 & 0xff)
	}
	hi, lo := swap16(uint16(id>>16)), swap16(uint16(id))
	if bytes.Compare(p.Src[:], p.Dst[:]) < 0 {
		return hi, lo
	}
	return lo, hi
}

func swap16(v uint16) uint16 { return v>>8 | v<<8 }

// timeoutClass is the flow's timeout class now: a TCP connection that saw
// a FIN or RST uses the closed timeout.
func (f *flow) timeoutClass() uint8 {
	if f.class == classTCP && f.tcpClosed() {
		return classTCPClosed
	}
	return f.class
}

// classOf is the timeout class of a newly keyed flow.
func classOf(k *flowKey) uint8 {
	switch k.kind {
	case kindARP:
		return classARP
	case kindOther:
		return classOther
	case kindFrag:
		return classFrag
	case kindEcho, kindICMP:
		return classICMP
	}
	switch k.proto {
	case protoTCP:
		return classTCP
	case protoUDP:
		return classUDP
	case protoIGMP:
		return classIGMP
	case protoICMP, protoICMPv6:
		return classICMP
	}
	return classIP
}

// account adds p to the flow's current record. src says which side sent it;
// now is the table's clock (the latest packet time seen), which runs the
// status timer; the record's times are p's own. l4 is false for later
// fragments, which carry no transport header.
func (f *flow) account(p *decode.Packet, src bool, now int64, l4 bool) {
	at := p.TimeNanos
	if !f.pending {
		f.pending = true
		f.recStart = now
		f.recLast = at
	}
	// A packet older than the record's latest (out of order in its file)
	// leaves the last time alone: it is the latest packet's, as Argus's.
	f.recLast = max(f.recLast, at)
	f.lastSeen = now
	f.encaps |= p.Encaps
	f.ipOpts |= p.IPOptions
	if !src && f.tcp.firstSynAck && !f.tcp.flipped {
		f.flip()
		src = true
	}
	sr, sf := &f.s, &f.sf
	if !src {
		sr, sf = &f.d, &f.df
	}
	if sr.pkts == 0 || at < sr.first {
		sr.first = at
	}
	sr.pkts++
	sr.bytes += int64(p.WireLen)
	sr.app += int64(p.PayloadLen)
	if p.Net == decode.NetIPv4 || p.Net == decode.NetIPv6 {
		sf.ttl, sf.tos, sf.hasTTL = p.TTL, p.TOS, true
	}
	if p.HasVLAN {
		sf.vlan, sf.hasVLAN = p.VLANID, true
	}
	if p.HasMPLS {
		sf.mpls, sf.hasMPLS = p.MPLSLabel, true
	}
	if !p.HasMAC && p.Encaps&decode.EncSLL != 0 {
		// A cooked capture has the sender's address only: Argus sees a
		// different MAC pair in each direction (emp.: 'M' on every
		// two-way SLL flow).
		if src {
			f.sllSrc = true
		} else {
			f.sllDst = true
		}
		f.multipath = f.multipath || f.sllSrc && f.sllDst
	}
	if p.HasMAC {
		switch {
		case !f.hasMAC:
			f.hasMAC = true
			if src {
				f.sMAC, f.dMAC = p.SrcMAC, p.DstMAC
			} else {
				f.sMAC, f.dMAC = p.DstMAC, p.SrcMAC
			}
		case f.key.kind == kindOther:
		case src && (p.SrcMAC != f.sMAC || p.DstMAC != f.dMAC),
			!src && (p.SrcMAC != f.dMAC || p.DstMAC != f.sMAC):
			// A second MAC pair: Argus's multipath flag (with -m, as the
			// goldens are made; tapdb always records MACs).
			f.multipath = true
		}
	}
	if !l4 {
		return
	}
	switch f.key.kind {
	case kindPorts:
		if p.IsTCP {
			f.accountTCP(p, src, sr, sf, now)
		}
	case kindEcho:
		if isEchoRequest(p.ICMPType) {
			f.sawReq = true
		}
	case kindICMP:
		if p.ICMPType != 129 {
			f.sawReq = true
		}
	}
}

// flip turns a TCP flow first seen at its SYN/ACK round when the client
// answers: the client becomes the source, as Argus reports it (emp.: SYN/ACK,
// ACK, data gave client -> server, 1 and 2 packets, state CLO).
func (f *flow) flip() {
	f.tcp.flipped = true
	f.sAddr, f.dAddr = f.dAddr, f.sAddr
	f.sPort, f.dPort = f.dPort, f.sPort
	f.sMAC, f.dMAC = f.dMAC, f.sMAC
	f.s, f.d = f.d, f.s
	f.sf, f.df = f.df, f.sf
}
