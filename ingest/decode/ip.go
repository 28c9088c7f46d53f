package decode

// IP protocol numbers.
const (
	protoHopByHop  uint8 = 0
	protoICMP      uint8 = 1
	protoIPIP      uint8 = 4
	protoTCP       uint8 = 6
	protoUDP       uint8 = 17
	protoIPv6      uint8 = 41
	protoRouting   uint8 = 43
	protoFragment  uint8 = 44
	protoGRE       uint8 = 47
	protoAH        uint8 = 51
	protoICMPv6    uint8 = 58
	protoNoNext    uint8 = 59
	protoDstOpts   uint8 = 60
	protoMobility  uint8 = 135
	protoHIP       uint8 = 139
	protoShim6     uint8 = 140
	ipv4MinHdrLen        = 20
	ipv6HdrLen           = 40
	maxIPv6ExtHdrs       = 32
)

// ipAny decodes an IP packet of either version, told apart by its first
// nibble.
func (d *Decoder) ipAny(b []byte, p *Packet, depth int) error {
	if len(b) < 1 {
		return ErrNetTruncated
	}
	switch b[0] >> 4 {
	case 4:
		return d.ipv4(b, p, depth)
	case 6:
		return d.ipv6(b, p, depth)
	}
	return ErrNetTruncated
}

// ipv4 decodes an IPv4 header and what it carries. Every network-layer
// field is set, so a tunnel's inner header replaces the outer one whole.
func (d *Decoder) ipv4(b []byte, p *Packet, depth int) error {
	if len(b) < ipv4MinHdrLen || b[0]>>4 != 4 {
		return ErrNetTruncated
	}
	hl := int(b[0]&0x0f) * 4
	if hl < ipv4MinHdrLen {
		return ErrNetTruncated
	}
	p.Net, p.EtherType = NetIPv4, etherIPv4
	p.TOS = b[1]
	p.IPID = uint32(be16(b[4:6]))
	frag := be16(b[6:8])
	p.MoreFrags = frag&0x2000 != 0
	p.FragOffset = frag & 0x1fff
	p.Fragment = p.MoreFrags || p.FragOffset != 0
	p.TTL = b[8]
	p.Proto = b[9]
	setIPv4(&p.Src, b[12:16])
	setIPv4(&p.Dst, b[16:20])
	p.IPOptions = 0
	if hl > ipv4MinHdrLen {
		p.IPOptions = ipv4Options(b[ipv4MinHdrLen:min(hl, len(b))])
	}
	p.PayloadLen = 0
	if hl > len(b) {
		return nil // options cut by the snap length: no transport header
	}
	// The total length bounds the packet (Ethernet padding and trailers are
	// not payload). 0 (TCP segmentation offload) or a bogus value smaller
	// than the header: trust the captured length.
	total := int(be16(b[2:4]))
	if total < hl {
		total = len(b)
	}
	payload := b[hl:min(total, len(b))]
	plen := total - hl
	if p.FragOffset != 0 {
		p.PayloadLen = plen // a later fragment: no transport header
		return nil
	}
	return d.transport(payload, plen, p, false, depth)
}

// ipv4Options returns the Opt* bits of the options in o.
func ipv4Options(o []byte) uint8 {
	var bits uint8
	for i := 0; i < len(o); {
		t := o[i]
		if t == 0 { // end of option list
			break
		}
		if t == 1 { // no operation
			i++
			continue
		}
		if i+1 >= len(o) || o[i+1] < 2 {
			bits |= OptUnknown // malformed option
			break
		}
		switch t {
		case 7:
			bits |= OptRecordRoute
		case 68:
			bits |= OptTimestamp
		case 131:
			bits |= OptLooseSrcRoute
		case 137:
			bits |= OptStrictSrcRoute
		case 148:
			bits |= OptRouterAlert
		case 130:
			bits |= OptSecurity
		case 136:
			bits |= OptSATID
		default:
			bits |= OptUnknown
		}
		i += int(o[i+1])
	}
	return bits
}

// ipv6 decodes an IPv6 header, its extension headers and what they carry.
func (d *Decoder) ipv6(b []byte, p *Packet, depth int) error {
	if len(b) < ipv6HdrLen || b[0]>>4 != 6 {
		return ErrNetTruncated
	}
	p.Net, p.EtherType = NetIPv6, etherIPv6
	p.TOS = b[0]<<4 | b[1]>>4
	p.TTL = b[7]
	copy(p.Src[:], b[8:24])
	copy(p.Dst[:], b[24:40])
	p.IPOptions = 0
	p.IPID, p.Fragment, p.FragOffset, p.MoreFrags = 0, false, 0, false
	p.PayloadLen = 0
	end := ipv6HdrLen + int(be16(b[4:6]))
	if end == ipv6HdrLen { // jumbogram or TSO: trust the captured length
		end = len(b)
	}
	data := b[ipv6HdrLen:min(end, len(b))]
	x := walkIPv6(b[6], data)
	p.Proto = x.proto
	if x.hasFrag {
		p.IPID = x.fragID
		p.FragOffset, p.MoreFrags = x.fragOffset, x.moreFrags
		p.Fragment = x.fragOffset != 0 || x.moreFrags
	}
	if !x.complete {
		return nil // extension headers cut short: no transport header
	}
	plen := end - ipv6HdrLen - x.hdrLen
	if plen < 0 {
		plen = 0
	}
	if x.fragOffset != 0 {
		p.PayloadLen = plen
		return nil
	}
	return d.transport(data[x.hdrLen:], plen, p, true, depth)
}

// v6Ext is the result of walking IPv6 extension headers.
type v6Ext struct {
	proto      uint8 // the upper-layer protocol (or the header the walk stopped at)
	hdrLen     int   // bytes of extension headers before it
	complete   bool  // all extension headers were within b
	hasFrag    bool
	fragOffset uint16
	moreFrags  bool
	fragID     uint32
}

// walkIPv6 follows the extension header chain starting with next header nh
// over b (the bytes after the fixed header). A non-first fragment stops the
// walk at the fragment header's next header.
func walkIPv6(nh uint8, b []byte) v6Ext {
	x := v6Ext{proto: nh}
	off := 0
	for i := 0; i < maxIPv6ExtHdrs; i++ {
		var l int
		switch nh {
		case protoHopByHop, protoRouting, protoDstOpts, protoMobility, protoHIP, protoShim6:
			if len(b)-off < 2 {
				return x
			}
			l = (int(b[off+1]) + 1) * 8
		case protoAH:
			if len(b)-off < 2 {
				return x
			}
			l = (int(b[off+1]) + 2) * 4
		case protoFragment:
			if len(b)-off < 8 {
				return x
			}
			fo := be16(b[off+2 : off+4])
			x.hasFrag = true
			x.fragOffset = fo >> 3
			x.moreFrags = fo&1 != 0
			x.fragID = be32(b[off+4 : off+8])
			l = 8
		default: // upper-layer protocol, ESP or no next header
			x.complete = true
			return x
		}
		if off+l > len(b) {
			return x
		}
		nh = b[off]
		off += l
		x.proto, x.hdrLen = nh, off
		if x.hasFrag && x.fragOffset != 0 {
			x.complete = true // later fragment: what follows is not a header
			return x
		}
	}
	return x
}
