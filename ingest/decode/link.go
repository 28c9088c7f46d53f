package decode

import "encoding/binary"

// EtherTypes and other protocol numbers used by the link decoders.
const (
	etherIPv4          uint16 = 0x0800
	etherARP           uint16 = 0x0806
	etherRARP          uint16 = 0x8035
	etherVLAN          uint16 = 0x8100
	etherQinQ          uint16 = 0x88a8
	etherQinQOld1      uint16 = 0x9100
	etherQinQOld2      uint16 = 0x9200
	etherIPv6          uint16 = 0x86dd
	etherMPLS          uint16 = 0x8847
	etherMPLSMcast     uint16 = 0x8848
	etherPPPoESess     uint16 = 0x8864
	etherTEB           uint16 = 0x6558 // transparent Ethernet bridging (GRE)
	etherPPP           uint16 = 0x880b // PPP (GRE version 1)
	sllProtoLLC        uint16 = 0x0004 // Linux cooked: 802.2 LLC frame follows
	sllProto8023       uint16 = 0x0001 // Linux cooked: Novell 802.3 frame follows
	arphrdNetlink      uint16 = 824
	nflogPayload       uint16 = 9
	afInet                    = 2
	afInet6Linux              = 10
	afInet6NetBSD             = 24
	afInet6FreeBSD            = 28
	afInet6Darwin             = 30
	ethernetHdrLen            = 14
	sllHdrLen                 = 16
	sll2HdrLen                = 20
	nflogHdrLen               = 4
	maxEthernetLen8023        = 1500
	minEtherTypeValue         = 0x0600
)

// ethernet decodes an Ethernet II or 802.3 frame. The first (outermost)
// Ethernet header gives the MACs.
func (d *Decoder) ethernet(b []byte, p *Packet, depth int) error {
	if len(b) < ethernetHdrLen {
		return ErrLinkTruncated
	}
	p.Encaps |= EncEthernet
	if !p.HasMAC {
		p.HasMAC = true
		copy(p.DstMAC[:], b[0:6])
		copy(p.SrcMAC[:], b[6:12])
	}
	return d.etherType(be16(b[12:14]), b[ethernetHdrLen:], p, depth)
}

// sll decodes Linux cooked capture v1: packet type, ARPHRD type, address
// length, 8 address bytes, protocol.
func (d *Decoder) sll(b []byte, p *Packet) error {
	if len(b) < sllHdrLen {
		return ErrLinkTruncated
	}
	p.Encaps |= EncSLL
	return d.cooked(be16(b[2:4]), be16(b[14:16]), b[sllHdrLen:], p)
}

// sll2 decodes Linux cooked capture v2: protocol, reserved, interface
// index, ARPHRD type, packet type, address length, 8 address bytes.
func (d *Decoder) sll2(b []byte, p *Packet) error {
	if len(b) < sll2HdrLen {
		return ErrLinkTruncated
	}
	p.Encaps |= EncSLL2
	return d.cooked(be16(b[8:10]), be16(b[0:2]), b[sll2HdrLen:], p)
}

func (d *Decoder) cooked(hatype, proto uint16, b []byte, p *Packet) error {
	switch {
	case hatype == arphrdNetlink:
		return ErrNoNetworkLayer
	case proto == sllProtoLLC:
		return d.llc(b, p, 0)
	case proto == sllProto8023:
		p.Net, p.EtherType = NetOther, 0
		return nil
	}
	return d.etherType(proto, b, p, 0)
}

// null decodes BSD loopback (4-byte address family in the byte order of the
// capturing host) and, with network set, OpenBSD LOOP (network order).
func (d *Decoder) null(b []byte, p *Packet, network bool) error {
	if len(b) < 4 {
		return ErrLinkTruncated
	}
	p.Encaps |= EncNull
	af := binary.BigEndian.Uint32(b)
	if !network && af&0xffff0000 != 0 {
		// Families are small numbers: a value in the upper bytes means
		// the header was written little-endian.
		af = binary.LittleEndian.Uint32(b)
	}
	switch af {
	case afInet:
		return d.ipv4(b[4:], p, 0)
	case afInet6Linux, afInet6NetBSD, afInet6FreeBSD, afInet6Darwin:
		return d.ipv6(b[4:], p, 0)
	}
	return ErrNoNetworkLayer
}

// raw decodes a link whose frames start at the IP header; version 0 means
// either, told apart by the first nibble.
func (d *Decoder) raw(b []byte, p *Packet, version uint8) error {
	if len(b) < 1 {
		return ErrLinkTruncated
	}
	p.Encaps |= EncRaw
	if version == 0 {
		version = b[0] >> 4
	}
	switch version {
	case 4:
		return d.ipv4(b, p, 0)
	case 6:
		return d.ipv6(b, p, 0)
	}
	return ErrNetTruncated
}

// pppLink decodes PPP (link types 9 and 50): an optional HDLC address and
// control field (ff 03), then the PPP protocol. Some DLT_PPP captures hold
// Cisco HDLC frames instead; they are recognised by their address byte.
func (d *Decoder) pppLink(b []byte, p *Packet) error {
	if len(b) >= 4 && (b[0] == 0x0f || b[0] == 0x8f) && b[1] == 0 {
		return d.ciscoHDLC(b, p)
	}
	if len(b) < 1 {
		return ErrLinkTruncated
	}
	p.Encaps |= EncPPP
	return d.ppp(b, p, 0)
}

// ppp decodes a PPP frame from its (optional) HDLC framing on.
func (d *Decoder) ppp(b []byte, p *Packet, depth int) error {
	if len(b) >= 2 && b[0] == 0xff && b[1] == 0x03 {
		b = b[2:]
	}
	if len(b) < 1 {
		return ErrLinkTruncated
	}
	var proto uint16
	if b[0]&1 == 1 { // protocol field compression: one byte
		proto, b = uint16(b[0]), b[1:]
	} else {
		if len(b) < 2 {
			return ErrLinkTruncated
		}
		proto, b = be16(b), b[2:]
	}
	return d.pppProto(proto, b, p, depth)
}

// pppProto dispatches on a PPP protocol number.
func (d *Decoder) pppProto(proto uint16, b []byte, p *Packet, depth int) error {
	switch proto {
	case 0x0021:
		return d.ipv4(b, p, depth)
	case 0x0057:
		return d.ipv6(b, p, depth)
	case 0x0281, 0x0283:
		return d.mpls(b, p, depth)
	}
	return ErrNoNetworkLayer
}

// ciscoHDLC decodes Cisco HDLC: address, control, EtherType.
func (d *Decoder) ciscoHDLC(b []byte, p *Packet) error {
	if len(b) < 4 {
		return ErrLinkTruncated
	}
	return d.etherType(be16(b[2:4]), b[4:], p, 0)
}

// nflog decodes Linux NFLOG: family, version, resource id, then TLVs whose
// length and type are in host byte order; NFULA_PAYLOAD carries the packet.
func (d *Decoder) nflog(b []byte, p *Packet) error {
	if len(b) < nflogHdrLen {
		return ErrLinkTruncated
	}
	p.Encaps |= EncNFLOG
	family := b[0]
	tlvs := b[nflogHdrLen:]
	order := binary.ByteOrder(binary.LittleEndian)
	if len(tlvs) >= 4 {
		// Host order: a length that fits read little-endian wins.
		if l := int(binary.LittleEndian.Uint16(tlvs)); l < 4 || l > len(tlvs) {
			if l := int(binary.BigEndian.Uint16(tlvs)); l >= 4 && l <= len(tlvs) {
				order = binary.BigEndian
			}
		}
	}
	for len(tlvs) >= 4 {
		l := int(order.Uint16(tlvs[0:2]))
		typ := order.Uint16(tlvs[2:4]) & 0x7fff // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
		if l < 4 {
			return ErrLinkTruncated
		}
		if typ == nflogPayload {
			payload := tlvs[4:]
			if l <= len(tlvs) {
				payload = tlvs[4:l]
			}
			// The TLVs are not on the wire: count the logged packet only.
			p.WireLen = l - 4
			switch {
			case family == afInet:
				return d.ipv4(payload, p, 0)
			case family == afInet6Linux:
				return d.ipv6(payload, p, 0)
			}
			return d.ipAny(payload, p, 0)
		}
		step := (l + 3) &^ 3
		if step >= len(tlvs) {
			break
		}
		tlvs = tlvs[step:]
	}
	return ErrNoNetworkLayer
}
