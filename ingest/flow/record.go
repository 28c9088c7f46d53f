package flow

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"time"

	"tapdb/ingest/decode"
	"tapdb/schema"
	"tapdb/schema/names"
	"tapdb/schema/rafmt"
)

// usec turns Unix nanoseconds into a time truncated to the microsecond, the
// resolution of Argus records.
func usec(ns int64) time.Time { return time.Unix(0, ns-ns%1000).UTC() }

// ipText formats an address of an IPv4 (mapped) or IPv6 flow.
func ipText(a *decode.Addr, v6 bool) string {
	if !v6 && a.IsIPv4() {
		return netip.AddrFrom4([4]byte(a[12:16])).String()
	}
	return netip.AddrFrom16(*a).String()
}

// fill writes flow f's current record into t.rec and starts a new record.
func (t *Table) fill(f *flow) {
	r := &t.rec
	*r = schema.Record{}
	// Argus numbers flows, not records: every record of a flow carries
	// the number the flow got when it was created (emp.).
	r.Seq = f.seq
	r.Trans = 1
	r.Srcid = t.cfg.Srcid
	// ra's stime is the source's first packet when the source sent any,
	// even if the destination's came earlier in a status record (emp.).
	start := f.s.first
	if f.s.pkts == 0 {
		start = f.d.first
	}
	r.Stime, r.Ltime = usec(start), usec(f.recLast)
	r.Cause = "Status"
	switch {
	case f.stop:
		r.Cause = "Stop"
	case f.records == 0:
		r.Cause = "Start"
	}
	k := &f.key
	r.EType = f.etype

	switch k.kind {
	case kindARP:
		r.Proto = "arp"
		if f.etype == etherRARP {
			r.Proto = "rarp"
		}
		r.PNum = int32(f.etype)
	case kindOther:
		r.Proto = names.EtherTypeName(f.etype)
		r.PNum = int32(f.etype)
	default:
		r.Proto = names.ProtoName(k.proto)
		r.PNum = int32(k.proto)
	}

	if k.kind == kindOther {
		r.Saddr, r.Daddr = rafmt.MAC(f.sAddr[:6]), rafmt.MAC(f.dAddr[:6])
	} else {
		r.Saddr, r.Daddr = ipText(&f.sAddr, k.v6), ipText(&f.dAddr, k.v6)
		r.SaddrHi = binary.BigEndian.Uint64(f.sAddr[:8])
		r.SaddrLo = binary.BigEndian.Uint64(f.sAddr[8:])
		r.DaddrHi = binary.BigEndian.Uint64(f.dAddr[:8])
		r.DaddrLo = binary.BigEndian.Uint64(f.dAddr[8:])
		r.HasAddrNum = true
	}

	switch k.kind {
	case kindPorts, kindEcho, kindICMP, kindOther:
		r.HasPorts = true
		r.Sport, r.Dport = int32(f.sPort), int32(f.dPort)
	case kindFrag:
		switch k.proto {
		case protoTCP, protoUDP, protoICMP, protoICMPv6:
			r.HasPorts = true
			r.Sport, r.Dport = int32(f.sPort), int32(f.dPort)
		}
	}

	s, d := &f.s, &f.d
	r.Spkts, r.Dpkts = s.pkts, d.pkts
	r.Sbytes, r.Dbytes = s.bytes, d.bytes
	r.Sappbytes, r.Dappbytes = s.app, d.app
	r.Sttl, r.Stos, r.HasSttl = f.sf.ttl, f.sf.tos, f.sf.hasTTL
	r.Dttl, r.Dtos, r.HasDttl = f.df.ttl, f.df.tos, f.df.hasTTL
	if f.hasMAC {
		if k.kind == kindOther {
			r.Smac, r.Dmac = r.Saddr, r.Daddr
		} else {
			r.Smac, r.Dmac = rafmt.MAC(f.sMAC[:]), rafmt.MAC(f.dMAC[:])
		}
	}
	r.Svlan, r.HasSvlan = f.sf.vlan, f.sf.hasVLAN
	r.Dvlan, r.HasDvlan = f.df.vlan, f.df.hasVLAN
	r.Smpls, r.HasSmpls = f.sf.mpls, f.sf.hasMPLS
	r.Dmpls, r.HasDmpls = f.df.mpls, f.df.hasMPLS
	if k.kind == kindPorts && k.proto == protoTCP {
		r.STCPFlags, r.DTCPFlags = s.tcpFlags, d.tcpFlags
		r.Sretrans, r.Dretrans = s.retrans, d.retrans
		r.Swin, r.Dwin = uint32(s.win), uint32(d.win)
		r.Stcpb, r.Dtcpb = f.sf.base, f.df.base
		r.Synack = float64(f.tcp.synackDur) / 1e9
		r.Ackdat = float64(f.tcp.ackdatDur) / 1e9
	}
	r.Encaps = encapsText(f.encaps)
	if f.hasInode {
		r.Inode = ipText(&f.inode, !f.inode.IsIPv4())
	}
	r.Dir = f.dir()
	r.State = f.state()
	r.Flgs = f.flags()

	if k.kind == kindFrag && k.v6 && k.proto != protoICMPv6 && f.records == 0 {
		// The records after the first print the fragment id's halves
		// the other way round (emp.: a fragment-only flow to a higher
		// address printed 4352/8960, then 8960/4352 in every status
		// record).
		f.sPort, f.dPort = f.dPort, f.sPort
	}
	f.records++
	f.pending = false
	f.s, f.d = sideRec{}, sideRec{}
	f.mapped, f.frag, f.ipOpts = 0, false, 0
	f.sawReq = false
}

// dir is the Dir column as ra prints it, trimmed (ARGUS-NOTES 2.4).
func (f *flow) dir() string {
	sp, dp := f.s.pkts > 0, f.d.pkts > 0
	switch {
	case f.key.kind == kindARP:
		if f.etype == etherRARP {
			return "tel"
		}
		return "who"
	case f.key.proto == protoTCP && f.key.kind == kindFrag && sp:
		// No TCP header, no '?': a fragment-only TCP record prints ->,
		// also with packets both ways (emp.).
		return "->"
	case f.key.proto == protoTCP && f.key.kind == kindPorts:
		if f.tcp.syn || f.tcp.synAck {
			// Even a status record with packets from the destination only
			// prints -> (emp.).
			return "->"
		}
		switch {
		case sp && dp:
			return "<?>"
		case sp:
			return "?>"
		case dp:
			return "<?"
		}
		return ""
	}
	switch {
	case sp && dp:
		return "<->"
	case sp:
		return "->"
	case dp:
		return "<-"
	}
	return ""
}

// state is the State column (ARGUS-NOTES 2.5).
func (f *flow) state() string {
	k := &f.key
	switch k.kind {
	case kindPorts:
		if k.proto == protoTCP {
			return f.tcpState()
		}
	case kindEcho:
		req, rep := echoStates(uint8(k.pa))
		if f.sawReq {
			return req
		}
		return rep
	case kindICMP:
		if k.v6 {
			if k.pa == 128 {
				if f.sawReq {
					return "ECO"
				}
				return "ECR"
			}
			return names.ICMPv6State(f.icmpType, f.icmpCode)
		}
		return names.ICMPState(f.icmpType, f.icmpCode)
	case kindFrag:
		// Argus reads the ICMP type and code of a fragment-only record
		// from its key: zero for IPv4 (echo reply), the fragment id's
		// bytes for ICMPv6 (the record's ports, see fragPorts) (emp.).
		switch {
		case k.proto == protoICMP:
			return names.ICMPState(0, 0)
		case k.proto == protoICMPv6:
			return names.ICMPv6State(uint8(f.sPort), uint8(f.dPort))
		}
	}
	switch {
	case f.s.pkts > 0 && f.d.pkts > 0:
		return "CON"
	case f.s.pkts > 0:
		if f.records == 0 || k.kind == kindARP {
			// ARP status records stay INT (emp.).
			return "INT"
		}
		return "REQ"
	case f.d.pkts > 0:
		return "RSP"
	}
	return "INT"
}

// flags is the Flgs column trimmed of trailing blanks (ARGUS-NOTES 2.3).
func (f *flow) flags() string {
	b := [9]byte{' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}
	b[1] = encapsLetter(f.encaps)
	if f.multipath {
		b[1] = 'M'
	}
	if f.mapped != 0 {
		b[2] = f.mapped
	}
	b[3] = rafmt.FlagPair(f.s.retrans > 0, f.d.retrans > 0, '*', 's', 'd')
	if b[3] == ' ' {
		b[3] = rafmt.FlagPair(f.s.outOfOrder, f.d.outOfOrder, '&', 'i', 'r')
	}
	b[4] = rafmt.FlagPair(f.s.zeroWin, f.d.zeroWin, '@', 'S', 'D')
	b[5] = rafmt.FlagPair(f.sf.ecn, f.df.ecn, 'E', 'x', 't')
	switch {
	case f.key.kind == kindFrag:
		b[6] = 'f'
	case f.frag:
		b[6] = 'F'
	}
	b[7] = optionLetter(f.ipOpts)
	return strings.TrimRight(string(b[:]), " ")
}
