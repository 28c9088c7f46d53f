package collector

import (
	"encoding/binary"
	"net/netip"

	"tapdb/ingest/capture"
)

// Datagram is one UDP datagram found in a captured frame. Payload points
// into the frame's bytes.
type Datagram struct {
	Src, Dst netip.AddrPort
	Payload  []byte
}

// Why UDPDatagram found no datagram.
type skipReason uint8

const (
	skipNone     skipReason = iota
	skipNotUDP              // not IP, or IP but not UDP
	skipFragment            // an IP fragment
	skipShort               // truncated headers
)

// UDPDatagram returns the UDP datagram carried by a frame of the given link
// type; ok is false when the frame holds none (not IP, not UDP, an IP
// fragment, or cut short by the snap length). A payload cut short by the
// snap length is returned as far as it was captured.
func UDPDatagram(linkType uint32, frame []byte) (d Datagram, ok bool) {
	d, why := udpDatagram(linkType, frame)
	return d, why == skipNone
}

func udpDatagram(linkType uint32, b []byte) (Datagram, skipReason) {
	var etype uint16
	switch linkType {
	case capture.LinkEthernet:
		if len(b) < 14 {
			return Datagram{}, skipShort
		}
		etype = binary.BigEndian.Uint16(b[12:])
		b = b[14:]
		for etype == 0x8100 || etype == 0x88a8 || etype == 0x9100 {
			if len(b) < 4 {
				return Datagram{}, skipShort
			}
			etype = binary.BigEndian.Uint16(b[2:])
			b = b[4:]
		}
	case capture.LinkLinuxSLL:
		if len(b) < 16 {
			return Datagram{}, skipShort
		}
		etype = binary.BigEndian.Uint16(b[14:])
		b = b[16:]
	case capture.LinkSLL2:
		if len(b) < 20 {
			return Datagram{}, skipShort
		}
		etype = binary.BigEndian.Uint16(b[0:])
		b = b[20:]
	case capture.LinkNull, capture.LinkLoop:
		if len(b) < 4 {
			return Datagram{}, skipShort
		}
		b = b[4:]
		etype = ipVersionType(b)
	case capture.LinkRaw, capture.LinkIPv4, capture.LinkIPv6:
		etype = ipVersionType(b)
	default:
		return Datagram{}, skipNotUDP
	}
	switch etype {
	case 0x0800:
		return udpInIPv4(b)
	case 0x86dd:
		return udpInIPv6(b)
	}
	return Datagram{}, skipNotUDP
}

// ipVersionType maps the IP version nibble to an EtherType.
func ipVersionType(b []byte) uint16 {
	if len(b) == 0 {
		return 0
	}
	switch b[0] >> 4 {
	case 4:
		return 0x0800
	case 6:
		return 0x86dd
	}
	return 0
}

func udpInIPv4(b []byte) (Datagram, skipReason) {
	if len(b) < 20 || b[0]>>4 != 4 {
		return Datagram{}, skipShort
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < 20 || len(b) < ihl {
		return Datagram{}, skipShort
	}
	if b[9] != 17 {
		return Datagram{}, skipNotUDP
	}
	if frag := binary.BigEndian.Uint16(b[6:]); frag&0x3fff != 0 { // MF or an offset
		return Datagram{}, skipFragment
	}
	total := int(binary.BigEndian.Uint16(b[2:]))
	if total >= ihl && total < len(b) {
		b = b[:total] // drop Ethernet padding
	}
	src := netip.AddrFrom4([4]byte(b[12:16]))
	dst := netip.AddrFrom4([4]byte(b[16:20]))
	return udp(b[ihl:], src, dst)
}

func udpInIPv6(b []byte) (Datagram, skipReason) {
	if len(b) < 40 || b[0]>>4 != 6 {
		return Datagram{}, skipShort
	}
	plen := int(binary.BigEndian.Uint16(b[4:]))
	next := b[6]
	src := netip.AddrFrom16([16]byte(b[8:24]))
	dst := netip.AddrFrom16([16]byte(b[24:40]))
	b = b[40:]
	if plen < len(b) {
		b = b[:plen]
	}
	for {
		switch next {
		case 17:
			return udp(b, src, dst)
		case 0, 43, 60: // hop-by-hop, routing, destination options
			if len(b) < 8 {
				return Datagram{}, skipShort
			}
			n := (int(b[1]) + 1) * 8
			if len(b) < n {
				return Datagram{}, skipShort
			}
			next = b[0]
			b = b[n:]
		case 44:
			return Datagram{}, skipFragment
		default:
			return Datagram{}, skipNotUDP
		}
	}
}

func udp(b []byte, src, dst netip.Addr) (Datagram, skipReason) {
	if len(b) < 8 {
		return Datagram{}, skipShort
	}
	ulen := int(binary.BigEndian.Uint16(b[4:]))
	payload := b[8:]
	if ulen >= 8 && ulen-8 < len(payload) {
		payload = payload[:ulen-8]
	}
	return Datagram{
		Src:     netip.AddrPortFrom(src, binary.BigEndian.Uint16(b[0:])),
		Dst:     netip.AddrPortFrom(dst, binary.BigEndian.Uint16(b[2:])),
		Payload: payload,
	}, skipNone
}
