package argusfile

import (
	"encoding/binary"
	"fmt"
)

// DSR types (the low 7 bits of a DSR header's first byte).
const (
	dsrTransport = 0x01
	dsrFlow      = 0x02
	dsrTime      = 0x03
	dsrMeter     = 0x10
	dsrPsize     = 0x12
	dsrEncaps    = 0x20
	dsrNetwork   = 0x30
	dsrASN       = 0x32
	dsrICMP      = 0x34
	dsrVLAN      = 0x40
	dsrMAC       = 0x42
	dsrMPLS      = 0x44
	dsrJitter    = 0x46
	dsrIPAttr    = 0x48
	dsrData      = 0x50
	dsrAgr       = 0x60
	dsrCor       = 0x62

	dsrImmediate = 0x80 // type bit: the DSR is its header only
	dsrLen16     = 0x80 // subtype bit: the length is the 16-bit field
)

// Flow DSR: subtypes, qualifier bits and key types.
const (
	flowClassic  = 0x01
	flowL3Matrix = 0x03
	flowARP      = 0x06
	flowReverse  = 0x40 // subtype bit: addresses and ports stored reversed

	qualFragment = 0x80

	keyIPv4  = 0x01
	keyIPv6  = 0x02
	keyEther = 0x03
	keyARP   = 0x04
	keyRARP  = 0x05
)

// Time DSR subtypes and qualifier.
const (
	timeAbsTimestamp = 0x01
	timeAbsRange     = 0x02
	timeAbsRelRange  = 0x03
	timeRelTimestamp = 0x04
	timeRelRange     = 0x05
	timeSrcStart     = 0x08
	timeSrcEnd       = 0x10
	timeDstStart     = 0x20
	timeDstEnd       = 0x40
	timeMask         = timeSrcStart | timeSrcEnd | timeDstStart | timeDstEnd
	timeAdjust       = 0x01 // qualifier bit: Flgs 'T'
	timeNanoseconds  = 0x19 // qualifier: fractions are nanoseconds
)

// Meter DSR subtypes and qualifiers (the width and the sides present).
const (
	meterPktsBytes    = 0x01
	meterPktsBytesApp = 0x04
)

// Network DSR subtypes.
const (
	netTCPInit   = 0x03
	netTCPStatus = 0x04
	netTCPPerf   = 0x05
	netRTCP      = 0x09
	netRTP       = 0x0a
	netUDT       = 0x0d
	netICMP      = 0x34
	netESP       = 0x38
	netFrag      = 0x45
)

// IP attribute qualifier bits.
const (
	attrSrc        = 0x01
	attrDst        = 0x02
	attrSrcOptions = 0x04
	attrDstOptions = 0x08
	attrSrcFrag    = 0x10
	attrDstFrag    = 0x20
)

// tv is a time as Argus stores it: seconds and micro- (or nano-) seconds.
type tv struct{ sec, usec int64 }

func (t tv) micros() int64 { return t.sec*1e6 + t.usec }

// far is a flow record's DSRs as read, before the columns are derived.
type far struct {
	cause byte

	hasSrcid bool
	srcidQ   byte
	srcid    [4]byte
	hasSeq   bool
	seq      uint32

	hasFlow  bool
	flowSub  byte // subtype without the reverse bit
	flowQual byte
	reverse  bool
	key      byte
	proto    uint8
	tpProto  uint8
	saddr    [16]byte // IPv4 in the first 4 bytes
	daddr    [16]byte
	sport    uint16
	dport    uint16
	icmpType uint8
	icmpCode uint8
	icmpID   uint16 // as printed by ra (the stored bytes, big-endian)
	etype    uint16
	smacKey  [6]byte // ether key or ARP hardware address
	dmacKey  [6]byte
	ssap     uint8
	dsap     uint8

	hasTime                            bool
	timeSub, timeQual                  byte
	srcStart, srcEnd, dstStart, dstEnd tv

	hasMetric                  bool
	spkts, sbytes, sapp        int64
	dpkts, dbytes, dapp        int64
	hasAttr                    bool
	attrQual                   byte
	sttl, stos, dttl, dtos     uint8
	sopts, dopts               uint8
	hasNet                     bool
	netSub, netQual            byte
	tcpStatus                  uint32
	sflags, dflags             uint8
	sbase, dbase               uint32
	swin, dwin                 uint32 // scaled by the window shift
	sretrans, dretrans         uint32
	synack, ackdat             uint32
	hasMAC                     bool
	macQual                    byte
	smac, dmac                 [6]byte
	hasVLAN                    bool
	vlanQual                   byte
	svlan, dvlan               uint16
	hasMPLS                    bool
	mplsSub                    byte
	smpls, dmpls               uint32
	hasICMP                    bool
	icmpQual                   byte
	icmpDType, icmpDCode       uint8
	icmpOsrc                   [4]byte
	hasEncaps                  bool
	encapsSrc, encapsDst       uint32
	hasAgr                     bool
	agrCount                   uint32
	hasCor                     bool
	corLen                     int
	hasPsize, hasJitter, hasAS bool
}

// be16 and be32 read big-endian values; callers check lengths.
func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }

// parseFAR walks the DSRs of a flow record body.
func parseFAR(body []byte, cause byte, f *far) error {
	*f = far{cause: cause}
	off := 0
	for off < len(body) {
		if len(body)-off < headerLen {
			return fmt.Errorf("DSR at record offset %d: %d bytes left, a DSR header needs %d", off+headerLen, len(body)-off, headerLen)
		}
		h := body[off : off+headerLen]
		typ, sub := h[0], h[1]
		var words int
		switch {
		case typ&dsrImmediate != 0:
			words = 1
		case sub&dsrLen16 != 0:
			words = int(be16(h[2:4]))
		default:
			words = int(h[3])
		}
		if words == 0 {
			// ra stops reading a record at a DSR of length 0.
			break
		}
		n := words * 4
		if n > len(body)-off {
			return fmt.Errorf("DSR type 0x%02x at record offset %d: length %d runs past the record's end (%d bytes left)", typ, off+headerLen, n, len(body)-off)
		}
		if err := f.dsr(typ&0x7f, sub, h[2], body[off:off+n]); err != nil {
			return fmt.Errorf("DSR type 0x%02x at record offset %d: %w", typ&0x7f, off+headerLen, err)
		}
		off += n
	}
	return nil
}

// need says that a DSR is shorter than its contents.
func need(d []byte, n int, what string) error {
	if len(d) < n {
		return fmt.Errorf("%s: %d bytes, need %d", what, len(d), n)
	}
	return nil
}

// dsr decodes one DSR; d includes its header.
func (f *far) dsr(typ, sub, qual byte, d []byte) error {
	p := d[headerLen:]
	switch typ {
	case dsrTransport:
		if len(d) >= 12 {
			sub |= 0x03
		}
		off := 0
		if sub&0x01 != 0 {
			if err := need(p, 4, "transport srcid"); err != nil {
				return err
			}
			f.hasSrcid, f.srcidQ = true, qual
			copy(f.srcid[:], p[:4])
			off = 4
		}
		if sub&0x02 != 0 {
			if err := need(p, off+4, "transport seq"); err != nil {
				return err
			}
			f.hasSeq, f.seq = true, be32(p[off:])
		}
	case dsrFlow:
		return f.flowDSR(sub, qual, p)
	case dsrTime:
		return f.timeDSR(sub, qual, d)
	case dsrMeter:
		return f.meterDSR(sub, qual, p)
	case dsrIPAttr:
		f.hasAttr, f.attrQual = true, qual
		off := 0
		word := func(what string) ([]byte, error) {
			if err := need(p, off+4, what); err != nil {
				return nil, err
			}
			w := p[off : off+4]
			off += 4
			return w, nil
		}
		if qual&attrSrc != 0 {
			w, err := word("ip attributes")
			if err != nil {
				return err
			}
			f.sttl, f.stos = w[0], w[1]
		}
		if qual&attrSrcOptions != 0 {
			w, err := word("ip options")
			if err != nil {
				return err
			}
			f.sopts = uint8(be32(w))
		}
		if qual&attrDst != 0 {
			w, err := word("ip attributes")
			if err != nil {
				return err
			}
			f.dttl, f.dtos = w[0], w[1]
		}
		if qual&attrDstOptions != 0 {
			w, err := word("ip options")
			if err != nil {
				return err
			}
			f.dopts = uint8(be32(w))
		}
	case dsrNetwork:
		return f.netDSR(sub, qual, p)
	case dsrMAC:
		f.hasMAC, f.macQual = true, qual
		if len(p) >= 12 {
			// An Ethernet header as seen from the flow's source:
			// destination, then source host.
			copy(f.dmac[:], p[0:6])
			copy(f.smac[:], p[6:12])
		}
	case dsrVLAN:
		if err := need(p, 4, "vlan"); err != nil {
			return err
		}
		f.hasVLAN, f.vlanQual = true, qual
		f.svlan, f.dvlan = be16(p[0:2]), be16(p[2:4])
	case dsrMPLS:
		f.hasMPLS, f.mplsSub = true, sub
		if len(p) >= 4 {
			f.smpls = be32(p[0:4])
		}
		if len(p) >= 8 {
			f.dmpls = be32(p[4:8])
		}
	case dsrICMP:
		f.hasICMP, f.icmpQual = true, qual
		if len(p) >= 2 {
			f.icmpDType, f.icmpDCode = p[0], p[1]
		}
		if len(p) >= 8 {
			copy(f.icmpOsrc[:], p[4:8])
		}
	case dsrEncaps:
		if err := need(p, 8, "encapsulation"); err != nil {
			return err
		}
		f.hasEncaps = true
		f.encapsSrc, f.encapsDst = be32(p[0:4]), be32(p[4:8])
	case dsrAgr:
		if err := need(p, 4, "aggregation"); err != nil {
			return err
		}
		f.hasAgr, f.agrCount = true, be32(p[0:4])
	case dsrCor:
		f.hasCor, f.corLen = true, len(d)/4
	case dsrPsize:
		f.hasPsize = true
	case dsrJitter:
		f.hasJitter = true
	case dsrASN:
		f.hasAS = true
	}
	return nil
}

func (f *far) flowDSR(sub, qual byte, p []byte) error {
	f.hasFlow = true
	f.flowSub, f.flowQual = sub&0x3f, qual
	f.reverse = sub&flowReverse != 0
	f.key = qual & 0x1f
	switch f.flowSub {
	case flowClassic, flowL3Matrix:
		switch f.key {
		case keyIPv4:
			if err := need(p, 10, "ipv4 flow key"); err != nil {
				return err
			}
			copy(f.saddr[:4], p[0:4])
			copy(f.daddr[:4], p[4:8])
			f.proto, f.tpProto = p[8], p[9]
			if f.flowSub != flowClassic || qual&qualFragment != 0 {
				break
			}
			switch f.proto {
			case 6, 17:
				if err := need(p, 14, "ipv4 flow ports"); err != nil {
					return err
				}
				f.sport, f.dport = be16(p[10:12]), be16(p[12:14])
			case 1:
				if err := need(p, 14, "icmp flow key"); err != nil {
					return err
				}
				f.icmpType, f.icmpCode = p[10], p[11]
				f.icmpID = be16(p[12:14])
			}
		case keyIPv6:
			if err := need(p, 36, "ipv6 flow key"); err != nil {
				return err
			}
			copy(f.saddr[:], p[0:16])
			copy(f.daddr[:], p[16:32])
			f.proto = p[32]
			if f.flowSub != flowClassic {
				break
			}
			switch f.proto {
			case 6, 17:
				if err := need(p, 40, "ipv6 flow ports"); err != nil {
					return err
				}
				f.sport, f.dport = be16(p[36:38]), be16(p[38:40])
			case 58:
				if err := need(p, 38, "icmpv6 flow key"); err != nil {
					return err
				}
				f.icmpType, f.icmpCode = p[36], p[37]
			}
		case keyEther:
			if err := need(p, 16, "ether flow key"); err != nil {
				return err
			}
			copy(f.dmacKey[:], p[0:6])
			copy(f.smacKey[:], p[6:12])
			// The ethertype is stored in the sensor's byte order
			// (little-endian on the machines argus runs on).
			f.etype = binary.LittleEndian.Uint16(p[12:14])
			f.dsap, f.ssap = p[14], p[15]
		case keyARP:
			if err := need(p, 14, "arp flow key"); err != nil {
				return err
			}
			copy(f.saddr[:4], p[0:4])
			copy(f.daddr[:4], p[4:8])
			copy(f.smacKey[:], p[8:14])
		case keyRARP:
			if err := need(p, 16, "rarp flow key"); err != nil {
				return err
			}
			copy(f.daddr[:4], p[0:4])
			copy(f.smacKey[:], p[4:10])
			copy(f.dmacKey[:], p[10:16])
		}
	case flowARP:
		switch f.key {
		case keyARP:
			if err := need(p, 16, "arp flow key"); err != nil {
				return err
			}
			// hrd, pro, hln, pln, op, spa, tpa, hardware address.
			copy(f.saddr[:4], p[8:12])
			copy(f.daddr[:4], p[12:16])
			if len(p) >= 22 {
				copy(f.smacKey[:], p[16:22])
			}
		case keyRARP:
			if err := need(p, 12, "rarp flow key"); err != nil {
				return err
			}
			copy(f.daddr[:4], p[8:12])
		default:
			if err := need(p, 12, "arp flow key"); err != nil {
				return err
			}
			copy(f.saddr[:4], p[4:8])
			copy(f.daddr[:4], p[8:12])
		}
		f.key = keyARP
		if qual&0x1f == keyRARP {
			f.key = keyRARP
		}
	}
	return nil
}

// timeDSR reads a time DSR the way ra 3.0.8 does: the 3.0 form, whose
// subtype says which of the four times follow (the first absolute, the
// others absolute or microsecond offsets, told from the length), and the
// older form of one absolute or relative range.
func (f *far) timeDSR(sub, qual byte, d []byte) error {
	f.hasTime = true
	words := len(d) / 4
	w := func(i int) uint32 { return be32(d[4*i:]) }
	var s, e, ds, de tv
	if sub&(timeSrcStart|timeDstStart) != 0 {
		cnt := 0
		for i := 0; i < 4; i++ {
			if sub&(timeSrcStart<<i) != 0 {
				cnt++
			}
		}
		if sub&timeSrcStart == 0 && sub&timeSrcEnd != 0 {
			cnt--
		}
		if sub&timeDstStart == 0 && sub&timeDstEnd != 0 {
			cnt--
		}
		num := (words - 1) / 2
		mode := byte(timeAbsRange)
		switch {
		case cnt == num && cnt == 1:
			mode = timeAbsTimestamp
		case cnt == num, cnt < num:
			mode = timeAbsRange
		case cnt == 1:
			mode = timeRelTimestamp
		case words == 1+cnt+1:
			mode = timeRelRange
		default:
			mode = timeAbsTimestamp
		}
		sub = sub&^0x07 | mode
		sindex := 2
		if sub&timeSrcStart != 0 {
			sindex = 0
		}
		slots := [4]*tv{&s, &e, &ds, &de}
		var base *tv
		if sub&timeSrcStart != 0 {
			base = &s
		} else {
			base = &ds
		}
		pos := 1
		for i := 0; i < 4; i++ {
			if sub&(timeSrcStart<<i) == 0 {
				continue
			}
			if mode == timeAbsTimestamp || mode == timeAbsRange || i == sindex {
				if pos+2 > words {
					return fmt.Errorf("time: %d words, a timestamp needs %d", words, pos+2)
				}
				*slots[i] = tv{int64(w(pos)), int64(int32(w(pos + 1)))}
				pos += 2
				continue
			}
			if pos+1 > words {
				return fmt.Errorf("time: %d words, an offset needs %d", words, pos+1)
			}
			t := base.micros() + int64(int32(w(pos)))
			pos++
			*slots[i] = tv{t / 1e6, t % 1e6}
		}
		nano := qual == timeNanoseconds
		us := func(t tv) int64 {
			if nano {
				return t.sec*1e6 + t.usec/1000
			}
			return t.micros()
		}
		if e.sec == 0 {
			e = s
		} else if us(s) > us(e) {
			s, e = e, s
		}
		if de.sec == 0 {
			if ds.sec != 0 {
				de = ds
			}
		} else if us(ds) > us(de) {
			ds, de = de, ds
		}
	} else {
		get := func(i int) tv {
			if 2+2*i >= words {
				return tv{}
			}
			return tv{int64(w(1 + 2*i)), int64(int32(w(2 + 2*i)))}
		}
		s, e, ds, de = get(0), get(1), get(2), get(3)
		mode := sub & 0x3f
		if mode == timeAbsRelRange {
			delta := e.sec // the end's seconds hold a microsecond offset
			e = tv{s.sec + delta/1e6, s.usec + delta%1e6}
			if e.usec > 1e6 {
				e.sec++
				e.usec -= 1e6
			}
		}
		sub &^= timeMask
		if s.sec != 0 {
			sub |= timeSrcStart
		}
		if e.sec != 0 {
			sub |= timeSrcEnd
		}
		switch mode {
		case timeAbsTimestamp, timeAbsRange, timeAbsRelRange:
			if s.sec == 0 {
				s = e
			}
			if e.sec == 0 {
				e = s
			}
		}
	}
	if qual == timeNanoseconds {
		qual = 0
		s.usec /= 1000
		e.usec /= 1000
		ds.usec /= 1000
		de.usec /= 1000
	}
	if s.usec > 1e6 {
		s.usec = 999999
	}
	if e.usec > 1e6 {
		e.usec = 999999
	}
	f.timeSub, f.timeQual = sub, qual
	f.srcStart, f.srcEnd, f.dstStart, f.dstEnd = s, e, ds, de
	return nil
}

func (f *far) meterDSR(sub, qual byte, p []byte) error {
	var fields int
	switch {
	case sub&meterPktsBytes != 0:
		fields = 2
	case sub&meterPktsBytesApp != 0:
		fields = 3
	default:
		return nil
	}
	q := int(qual & 0x0f)
	if q < 1 || q > 12 {
		return nil
	}
	width := [4]int{1, 2, 4, 8}[(q-1)%4]
	src, dst := true, true
	switch (q - 1) / 4 {
	case 1:
		dst = false
	case 2:
		src = false
	}
	n := 0
	if src {
		n += fields
	}
	if dst {
		n += fields
	}
	if err := need(p, n*width, "metrics"); err != nil {
		return err
	}
	val := func(i int) int64 {
		b := p[i*width:]
		switch width {
		case 1:
			return int64(b[0])
		case 2:
			return int64(be16(b))
		case 4:
			return int64(be32(b))
		}
		return int64(binary.BigEndian.Uint64(b))
	}
	f.hasMetric = true
	f.spkts, f.sbytes, f.sapp, f.dpkts, f.dbytes, f.dapp = 0, 0, 0, 0, 0, 0
	i := 0
	if src {
		f.spkts, f.sbytes = val(i), val(i+1)
		if fields == 3 {
			f.sapp = val(i + 2)
		}
		i += fields
	}
	if dst {
		f.dpkts, f.dbytes = val(i), val(i+1)
		if fields == 3 {
			f.dapp = val(i + 2)
		}
	}
	return nil
}

func (f *far) netDSR(sub, qual byte, p []byte) error {
	if sub == 0 {
		return nil
	}
	f.hasNet, f.netSub, f.netQual = true, sub, qual
	switch sub {
	case netTCPInit:
		if err := need(p, 16, "tcp init"); err != nil {
			return err
		}
		f.tcpStatus = be32(p[0:4])
		f.sbase = be32(p[4:8])
		f.swin = uint32(be16(p[12:14])) << (p[15] & 0x1f)
		f.sflags = p[14]
	case netTCPStatus:
		if err := need(p, 6, "tcp status"); err != nil {
			return err
		}
		f.tcpStatus = be32(p[0:4])
		f.sflags, f.dflags = p[4], p[5]
	case netTCPPerf:
		// status, state, options, synack, ackdat, then one block of
		// metrics per side: lasttime(8) status seqbase seq ack winnum
		// bytes retrans ackbytes winbytes (4 each) win(2) flags winshift.
		const head, side = 20, 48
		if err := need(p, head, "tcp"); err != nil {
			return err
		}
		f.tcpStatus = be32(p[0:4])
		f.synack, f.ackdat = be32(p[12:16]), be32(p[16:20])
		if len(p) >= head+side {
			s := p[head:]
			f.sbase = be32(s[12:16])
			f.sretrans = be32(s[32:36])
			f.swin = uint32(be16(s[44:46])) << (s[47] & 0x1f)
			f.sflags = s[46]
		}
		if len(p) >= head+2*side {
			s := p[head+side:]
			f.dbase = be32(s[12:16])
			f.dretrans = be32(s[32:36])
			f.dwin = uint32(be16(s[44:46])) << (s[47] & 0x1f)
			f.dflags = s[46]
		}
	}
	return nil
}
