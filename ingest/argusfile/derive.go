package argusfile

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"tapdb/schema"
	"tapdb/schema/names"
	"tapdb/schema/rafmt"
)

// Record causes (the high nibble of a record header's second byte).
const (
	causeStart    = 0x10
	causeStatus   = 0x20
	causeStop     = 0x30
	causeTimeout  = 0x40
	causeShutdown = 0x60
	causeError    = 0x80
)

// TCP status bits of the network DSR.
const (
	tcpSawSyn      = 0x00000001
	tcpSawSynSent  = 0x00000002
	tcpEstablished = 0x00000004
	tcpFin         = 0x00000008
	tcpFinAck      = 0x00000010
	tcpNormalClose = 0x00000020
	tcpSrcRetrans  = 0x00000100
	tcpDstRetrans  = 0x00000200
	tcpSrcWinShut  = 0x00000400
	tcpDstWinShut  = 0x00000800
	tcpReset       = 0x00003000
	tcpSrcECN      = 0x00004000
	tcpDstECN      = 0x00008000
	tcpSrcOOO      = 0x00010000
	tcpDstOOO      = 0x00020000
)

// decodeFAR decodes a flow record body into rec.
func decodeFAR(body []byte, cause byte, rec *schema.Record) error {
	var f far
	if err := parseFAR(body, cause, &f); err != nil {
		return err
	}
	f.fill(rec)
	return nil
}

// fill derives the record's columns from its DSRs as ra prints them.
func (f *far) fill(r *schema.Record) {
	*r = schema.Record{}
	f.fixTimes()
	r.Stime, r.Ltime = f.times()
	r.Cause = causeName(f.cause)
	r.Srcid = f.srcidText()
	r.Seq = int64(f.seq)
	switch {
	case f.hasAgr:
		r.Trans = int32(f.agrCount)
	case f.spkts+f.dpkts > 0:
		r.Trans = 1
	}
	r.Spkts, r.Sbytes, r.Sappbytes = f.spkts, f.sbytes, f.sapp
	r.Dpkts, r.Dbytes, r.Dappbytes = f.dpkts, f.dbytes, f.dapp
	f.fillKey(r)
	if f.hasAttr {
		if f.attrQual&attrSrc != 0 {
			r.Sttl, r.Stos, r.HasSttl = f.sttl, f.stos, true
		}
		if f.attrQual&attrDst != 0 {
			r.Dttl, r.Dtos, r.HasDttl = f.dttl, f.dtos, true
		}
	}
	if f.hasMAC && r.Smac == "" {
		r.Smac, r.Dmac = rafmt.MAC(f.smac[:]), rafmt.MAC(f.dmac[:])
	}
	if f.hasVLAN {
		if f.vlanQual&0x01 != 0 {
			r.Svlan, r.HasSvlan = f.svlan, true
		}
		if f.vlanQual&0x02 != 0 {
			r.Dvlan, r.HasDvlan = f.dvlan, true
		}
	}
	if f.hasMPLS {
		if f.mplsSub&0x01 != 0 {
			r.Smpls, r.HasSmpls = f.smpls>>12, true
		}
		if f.mplsSub&0x02 != 0 {
			r.Dmpls, r.HasDmpls = f.dmpls>>12, true
		}
	}
	if f.isTCP() && f.hasNet {
		switch f.netSub {
		case netTCPInit, netTCPStatus, netTCPPerf:
			// ra prints a window only for a side that sent, and the
			// destination's only when the source sent too.
			if f.spkts > 0 {
				r.STCPFlags, r.Swin = f.sflags, f.swin
			}
			if f.dpkts > 0 {
				r.DTCPFlags = f.dflags
				if f.spkts > 0 {
					r.Dwin = f.dwin
				}
			}
			r.Stcpb, r.Dtcpb = f.sbase, f.dbase
			r.Sretrans, r.Dretrans = int64(f.sretrans), int64(f.dretrans)
			r.Synack = float64(f.synack) / 1e6
			r.Ackdat = float64(f.ackdat) / 1e6
		}
	}
	if f.hasICMP && f.icmpQual&0x07 != 0 && (f.key == keyIPv4 || f.key == keyIPv6) {
		r.Inode = netip.AddrFrom4(f.icmpOsrc).String()
	}
	r.Encaps = encapsText(f.encapsSrc | f.encapsDst)
	r.Dir = f.dir()
	r.State = f.state()
	r.Flgs = f.flags()
}

func causeName(c byte) string {
	switch c & 0xf0 {
	case causeStart:
		return "Start"
	case causeStatus:
		return "Status"
	case causeStop:
		return "Stop"
	case causeShutdown:
		return "Shutdown"
	case causeTimeout:
		return "Timeout"
	case causeError:
		return "Error"
	}
	return "Unknown"
}

// srcidText is the source id as ra prints it: an IPv4 address unless the
// transport DSR says it is a number or a string.
func (f *far) srcidText() string {
	switch f.srcidQ {
	case 0x20: // integer
		return strconv.FormatUint(uint64(be32(f.srcid[:])), 10)
	case 0x21: // string
		return strings.TrimRight(string(f.srcid[:]), "\x00")
	}
	return netip.AddrFrom4(f.srcid).String()
}

func (f *far) isTCP() bool {
	return (f.key == keyIPv4 || f.key == keyIPv6) && f.proto == 6
}

// fillKey sets the protocol, addresses and ports.
func (f *far) fillKey(r *schema.Record) {
	if !f.hasFlow {
		return
	}
	s, d := f.saddr, f.daddr
	sp, dp := f.sport, f.dport
	if f.reverse {
		s, d, sp, dp = d, s, dp, sp
	}
	switch f.key {
	case keyIPv4, keyIPv6:
		v6 := f.key == keyIPv6
		r.Proto, r.PNum = names.ProtoName(f.proto), int32(f.proto)
		r.EType = 0x0800
		if v6 {
			r.EType = 0x86dd
		}
		setAddrs(r, s, d, v6)
		// An IPv4 fragment key has no ports (ra prints 0); an IPv6 one
		// has the fragment id where the ports are, and ra prints that.
		frag := !v6 && f.flowQual&qualFragment != 0
		switch f.proto {
		case 6, 17:
			r.HasPorts = true
			if !frag {
				r.Sport, r.Dport = int32(sp), int32(dp)
			}
		case 1:
			if !v6 {
				r.HasPorts = true
				if !frag {
					r.Sport = int32(f.icmpType) | int32(f.icmpCode)<<8
					r.Dport = int32(f.icmpID>>8 | f.icmpID<<8)
				}
			}
		case 58:
			if v6 {
				r.HasPorts = true
				if !frag {
					r.Sport, r.Dport = int32(f.icmpType), int32(f.icmpCode)
				}
			}
		}
	case keyARP, keyRARP:
		r.Proto, r.PNum, r.EType = "arp", 0x0806, 0x0806
		if f.key == keyRARP {
			r.Proto, r.PNum, r.EType = "rarp", 0x8035, 0x8035
		}
		setAddrs(r, s, d, false)
	case keyEther:
		r.Proto, r.PNum, r.EType = names.EtherTypeName(f.etype), int32(f.etype), f.etype
		r.Saddr, r.Daddr = rafmt.MAC(f.smacKey[:]), rafmt.MAC(f.dmacKey[:])
		r.HasPorts = true
		r.Sport, r.Dport = int32(f.ssap), int32(f.dsap)
	}
}

// setAddrs sets the address texts and their 128-bit numbers (IPv4 mapped).
func setAddrs(r *schema.Record, s, d [16]byte, v6 bool) {
	num := func(a [16]byte) (netip.Addr, [16]byte) {
		if v6 {
			return netip.AddrFrom16(a), a
		}
		ip := netip.AddrFrom4([4]byte(a[:4]))
		return ip, ip.As16()
	}
	sa, sn := num(s)
	da, dn := num(d)
	r.Saddr, r.Daddr = sa.String(), da.String()
	r.SaddrHi, r.SaddrLo = binary.BigEndian.Uint64(sn[:8]), binary.BigEndian.Uint64(sn[8:])
	r.DaddrHi, r.DaddrLo = binary.BigEndian.Uint64(dn[:8]), binary.BigEndian.Uint64(dn[8:])
	r.HasAddrNum = true
}

// fixTimes applies ra's corrections of the four times once the packet
// counts are known (which side's times stand for the record).
func (f *far) fixTimes() {
	if !f.hasTime {
		return
	}
	s, e, ds, de := &f.srcStart, &f.srcEnd, &f.dstStart, &f.dstEnd
	sp, dp := f.spkts, f.dpkts
	sub := f.timeSub
	switch {
	case sp > 0 && dp > 0:
		if sp == 1 && dp == 1 {
			switch {
			case s.sec == 0 && ds.sec != 0:
				*s, *e, *de = *de, *de, *ds
			case s.sec != 0 && ds.sec == 0:
				*ds, *de, *e = *e, *e, *s
			}
		} else {
			switch {
			case s.sec == 0 && ds.sec != 0:
				*s, *e = *ds, *de
			case s.sec != 0 && ds.sec == 0:
				*ds, *de = *s, *e
			}
			if sp == 1 && s.sec != e.sec {
				switch {
				case e.sec == 0 && s.sec != 0:
					*e = *s
				case s.sec == 0 && e.sec != 0:
					*s = *e
				default:
					*e = *s
				}
			}
			if dp == 1 && ds.sec != de.sec {
				switch {
				case de.sec == 0 && ds.sec != 0:
					*de = *ds
				case ds.sec == 0 && de.sec != 0:
					*ds = *de
				default:
					*de = *ds
				}
			}
		}
		sub |= timeMask
	case sp > 0:
		if s.sec == 0 && ds.sec != 0 {
			*s, *e = *ds, *de
			*ds, *de = tv{}, tv{}
			sub = sub&^(timeDstStart|timeDstEnd) | timeSrcStart | timeSrcEnd
		}
	case dp > 0:
		if ds.sec == 0 && s.sec != 0 {
			*ds, *de = *s, *e
			*s, *e = tv{}, tv{}
			sub = sub&^(timeSrcStart|timeSrcEnd) | timeDstStart | timeDstEnd
		}
	}
	if sub&(timeSrcStart|timeDstStart) == 0 {
		sub &^= timeMask
		for i, t := range [4]tv{*s, *e, *ds, *de} {
			if t.sec != 0 {
				sub |= timeSrcStart << i
			}
		}
	}
	if sub&timeSrcStart != 0 && sub&timeSrcEnd != 0 && *s == *e {
		sub &^= timeSrcEnd
	}
	if sub&timeDstStart != 0 && sub&timeDstEnd != 0 && *ds == *de {
		sub &^= timeDstEnd
	}
	if sp == 0 {
		sub &^= timeSrcStart | timeSrcEnd
	}
	if dp == 0 {
		sub &^= timeDstStart | timeDstEnd
	}
	if s.sec != 0 && e.sec == 0 {
		*e = *s
	}
	if ds.sec != 0 && de.sec == 0 {
		*de = *ds
	}
	sdur, ddur := e.micros()-s.micros(), de.micros()-ds.micros()
	if sdur < 0 {
		*s, *e = *e, *s
		sdur = -sdur
	}
	if ddur < 0 {
		*ds, *de = *e, *ds
		ddur = e.micros() - s.micros()
	}
	if sdur > 0 && sp == 0 && ddur == 0 && dp > 0 {
		*ds, *de = *s, *e
		*s, *e = tv{}, tv{}
		sub &^= timeSrcStart | timeSrcEnd
	}
	if ddur > 0 && dp == 0 && sdur == 0 && sp > 0 {
		*s, *e = *ds, *de
		*ds, *de = tv{}, tv{}
		sub &^= timeDstStart | timeDstEnd
	}
	if sp+dp == 1 {
		switch {
		case sp == 1 && e.micros()-s.micros() != 0:
			if !f.hasICMP {
				*s = *e
			}
		case dp == 1 && de.micros()-ds.micros() != 0:
			*ds = *de
		}
	}
	f.timeSub = sub
}

// times are the record's start and last times as ra takes them from the
// time DSR.
func (f *far) times() (time.Time, time.Time) {
	if !f.hasTime {
		return time.Unix(0, 0).UTC(), time.Unix(0, 0).UTC()
	}
	s, e, ds, de := f.srcStart, f.srcEnd, f.dstStart, f.dstEnd
	var start, last tv
	switch f.timeSub & (timeSrcStart | timeDstStart) {
	case timeSrcStart:
		start = s
	case timeDstStart:
		start = ds
	default:
		switch {
		case s.sec > 0 && ds.sec > 0:
			start = minTV(s, ds)
		case s.sec > 0:
			start = s
		default:
			start = ds
		}
	}
	switch f.timeSub & (timeSrcEnd | timeDstEnd) {
	case timeSrcEnd:
		last = e
	case timeDstEnd:
		last = de
	default:
		last = maxTV(e, de)
	}
	return time.UnixMicro(start.micros()).UTC(), time.UnixMicro(last.micros()).UTC()
}

func minTV(a, b tv) tv {
	if b.micros() < a.micros() {
		return b
	}
	return a
}

func maxTV(a, b tv) tv {
	if b.micros() > a.micros() {
		return b
	}
	return a
}

// dir is the Dir column as ra prints it, trimmed.
func (f *far) dir() string {
	if !f.hasMetric {
		return ""
	}
	b := []byte("<->")
	if f.dpkts == 0 {
		b[0] = ' '
	}
	if f.spkts == 0 {
		b[2] = ' '
	}
	if f.spkts == 0 && f.dpkts == 0 {
		b[1] = ' '
	}
	if f.hasFlow {
		switch f.flowSub {
		case flowClassic:
			switch f.key {
			case keyIPv4, keyIPv6:
				if f.proto == 6 && f.hasNet {
					// ra draws a reversed key as "<-" only for records
					// it reversed itself; files keep "->" (emp.).
					if f.tcpStatus&(tcpSawSyn|tcpSawSynSent) == 0 {
						b[1] = '?'
					} else {
						b[0], b[2] = ' ', '>'
					}
				}
			case keyRARP:
				b = []byte("tel")
			case keyARP:
				b = []byte("who")
			}
		case flowARP:
			b = []byte("who")
		}
	}
	return strings.TrimSpace(string(b))
}

// state is the State column as ra prints it.
func (f *far) state() string {
	if f.cause&0xf0 == causeError {
		return "ERR"
	}
	if !f.hasFlow {
		return "UNK"
	}
	switch f.flowSub {
	case flowClassic:
		switch f.key {
		case keyIPv4, keyIPv6:
			switch {
			case f.proto == 6:
				return f.tcpState()
			case f.proto == 1 && f.key == keyIPv4:
				return f.icmpState()
			case f.proto == 58 && f.key == keyIPv6:
				return names.ICMPv6State(f.icmpType, f.icmpCode)
			}
			return f.ipState(f.cause)
		case keyARP, keyRARP:
			if !f.hasMetric {
				return "INT"
			}
			return f.ipState(f.cause)
		}
		return f.ipState(f.cause)
	case flowARP:
		if !f.hasMetric {
			return "INT"
		}
		// ra tests the record type against the start cause here, which
		// a flow record's type always matches (emp.).
		return f.ipState(causeStart)
	}
	return "UNK"
}

// ipState is the state of a flow without protocol state: CON when both
// sides sent, else INT for a first record and REQ for a later one, RSP
// when only the destination sent. cause tells a first record.
func (f *far) ipState(cause byte) string {
	if !f.hasMetric {
		return "UNK"
	}
	switch {
	case f.spkts > 0 && f.dpkts > 0:
		return "CON"
	case f.spkts > 0:
		if cause&causeStart != 0 {
			return "INT"
		}
		return "REQ"
	}
	return "RSP"
}

func (f *far) tcpState() string {
	st := uint32(0)
	if f.hasNet {
		switch f.netSub {
		case netTCPInit, netTCPStatus, netTCPPerf:
			st = f.tcpStatus
		}
	}
	if st == 0 {
		if f.spkts > 0 && f.dpkts > 0 {
			return "CON"
		}
		return "INT"
	}
	switch {
	case st&tcpReset != 0:
		return "RST"
	case st&(tcpFin|tcpFinAck) != 0:
		return "FIN"
	case st&tcpNormalClose != 0:
		return "CLO"
	case f.cause&causeTimeout != 0:
		return "TIM"
	case st&tcpEstablished != 0:
		return "CON"
	case st&tcpSawSynSent != 0:
		return "ACC"
	case st&tcpSawSyn != 0:
		return "REQ"
	}
	return "CON"
}

// icmpTypeNames is ra's table of IPv4 ICMP state names by type.
var icmpTypeNames = [...]string{
	"ECR", "", "", "UR", "SRC", "RED", "AHA", "", "ECO", "RTA", "RTS", "TXD",
	"PAR", "TST", "TSR", "IRQ", "IRR", "MAS", "MSR", "SEC", "ROB", "ROB",
	"ROB", "ROB", "ROB", "ROB", "ROB", "ROB", "ROB", "ROB", "TRC", "DCE",
	"MHR", "WAY", "IAH", "MRQ", "MRP", "DNQ", "DNP", "SKP", "PHO", "NRS",
	"NRA", "NNS", "NNA", "PTB",
}

// unreachSuffix is appended to "UR" for each unreachable code.
var unreachSuffix = [...]string{
	"N", "H", "O", "P", "F", "S", "NU", "HU", "ISO", "NPRO", "HPRO", "NTOS",
	"HTOS", "FIL", "PRE", "CUT",
}

func (f *far) icmpState() string {
	typ, code := f.icmpType, f.icmpCode
	if f.hasICMP {
		typ, code = f.icmpDType, f.icmpDCode
	}
	name := "UNK"
	if int(typ) < len(icmpTypeNames) {
		name = icmpTypeNames[typ]
	}
	if typ == 3 && int(code) < len(unreachSuffix) {
		name += unreachSuffix[code]
	}
	return name
}

// encaps bits of the encapsulation DSR, with their Flgs letter and the
// name tapdb's Encaps column uses.
var encapsBits = [...]struct {
	bit    uint32
	letter byte
	name   string
}{
	{0x01, 'm', "mpls"}, {0x02, 'e', "eth"}, {0x04, 'v', "vlan"}, {0x08, 'l', "llc"},
	{0x10, 'p', "pppoe"}, {0x20, 'i', "isl"}, {0x40, 'G', "gre"}, {0x80, 'a', "ah"},
	{0x100, 'P', "ipnip"}, {0x200, '6', "6in4"}, {0x400, 'H', "hdlc"}, {0x800, 'C', "chdlc"},
	{0x1000, 'A', "atm"}, {0x2000, 'S', "sll"}, {0x4000, 'F', "fddi"}, {0x8000, 's', "slip"},
	{0x10000, 'R', "arcnet"}, {0x20000, 'w', "wlan"}, {0x40000, 'z', "prism"}, {0x80000, 'a', "avs"},
	{0x100000, 0, "lrh"}, {0x200000, 0, "grh"}, {0x400000, 'T', "teredo"}, {0x800000, 0, "udt"},
	{0x1000000, 0, "spi"}, {0x2000000, 'J', "juniper"}, {0x4000000, 'E', "erspan"},
}

// encapsText lists the encapsulations seen, by name, in bit order.
func encapsText(bits uint32) string {
	var b []string
	for _, e := range encapsBits {
		if bits&e.bit != 0 {
			b = append(b, e.name)
		}
	}
	return strings.Join(b, ",")
}

// flags is the Flgs column (ra's indicator string) trimmed of trailing
// blanks.
func (f *far) flags() string {
	b := []byte("         ")
	if f.hasTime && f.timeQual&timeAdjust != 0 {
		b[0] = 'T'
	}
	if f.hasEncaps {
		n := 0
		for _, e := range encapsBits {
			if (f.encapsSrc|f.encapsDst)&e.bit != 0 {
				n++
				if e.letter != 0 {
					b[1] = e.letter
				}
			}
		}
		if n > 1 {
			b[1] = '*'
		}
	} else {
		if f.hasMPLS {
			b[1] = 'm'
		}
		if f.hasMAC {
			b[1] = 'e'
		}
		if f.hasVLAN {
			b[1] = 'v'
		}
	}
	if f.hasMAC && f.macQual&0x03 != 0 {
		b[1] = 'M'
	}
	if f.hasNet && f.netSub == netUDT {
		// UDT status is not decoded; ra's letters for it are left out.
	} else if f.hasFlow && f.flowSub == flowClassic && (f.key == keyIPv4 || f.key == keyIPv6) {
		if f.flowQual&qualFragment != 0 || (f.hasAttr && f.attrQual&(attrSrcFrag|attrDstFrag) != 0) {
			b[6] = 'F'
		}
		if f.proto == 6 && f.hasNet {
			st := f.tcpStatus
			switch {
			case st&(tcpSrcRetrans|tcpDstRetrans) != 0:
				if f.key == keyIPv4 || f.tcpStatus&(tcpSrcRetrans|tcpDstRetrans) != 0 {
					b[3] = rafmt.FlagPair(st&tcpSrcRetrans != 0, st&tcpDstRetrans != 0, '*', 's', 'd')
				}
			case f.key == keyIPv4 && st&(tcpSrcOOO|tcpDstOOO) != 0:
				b[3] = rafmt.FlagPair(st&tcpSrcOOO != 0, st&tcpDstOOO != 0, '&', 'i', 'r')
			}
			if f.key == keyIPv4 {
				if st&(tcpSrcWinShut|tcpDstWinShut) != 0 {
					b[4] = rafmt.FlagPair(st&tcpSrcWinShut != 0, st&tcpDstWinShut != 0, '@', 'S', 'D')
				}
				if st&(tcpSrcECN|tcpDstECN) != 0 {
					b[5] = rafmt.FlagPair(st&tcpSrcECN != 0, st&tcpDstECN != 0, 'E', 'x', 't')
				}
			}
		}
	}
	if f.hasICMP && f.icmpQual&0x07 != 0 {
		b[2] = 'I'
		switch f.icmpDType {
		case 3:
			b[2] = 'U'
		case 5:
			b[2] = 'R'
		case 11:
			b[2] = 'T'
		}
	}
	if f.hasNet && f.netSub == netFrag {
		b[6] = 'f'
		if f.netQual&0x02 != 0 {
			b[6] = 'V'
		}
	}
	if f.hasAttr {
		b[7] = optionLetter(f.sopts | f.dopts)
	}
	if f.hasCor {
		n := (f.corLen - 1) / 6
		b = append(b[:8], strconv.Itoa(n)...)
	}
	return strings.TrimRight(string(b), " ")
}

// optionLetter is Flgs position 8 for the IP options seen.
func optionLetter(o uint8) byte {
	switch o {
	case 0:
		return ' '
	case 0x40:
		return 'A'
	case 0x02:
		return 'T'
	case 0x01:
		return 'R'
	case 0x04:
		return '+'
	case 0x08:
		return 'L'
	case 0x20:
		return 'S'
	case 0x10:
		return 'D'
	}
	n := 0
	for v := o; v != 0; v &= v - 1 {
		n++
	}
	if n > 1 {
		return 'O'
	}
	return 'U'
}
