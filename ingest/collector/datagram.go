package collector

import (
	"net/netip"

	"tapdb/ingest/decode"
)

// Datagram is one UDP datagram found in a captured frame. Payload points
// into the frame's bytes.
type Datagram struct {
	Src, Dst netip.AddrPort
	Payload  []byte
}

// Why udpDatagram found no datagram.
type skipReason uint8

const (
	skipNone     skipReason = iota
	skipNotUDP              // not IP, or IP but not UDP
	skipFragment            // a UDP datagram's IP fragment
	skipShort               // truncated headers
)

// UDPDatagram returns the UDP datagram carried by a frame of the given link
// type, as ingest/decode finds it (every link type and encapsulation the
// sensor decodes); ok is false when the frame holds none (not IP, not UDP,
// an IP fragment, or cut short by the snap length). A payload cut short by
// the snap length is returned as far as it was captured.
func UDPDatagram(linkType uint32, frame []byte) (d Datagram, ok bool) {
	var p decode.Packet
	d, why := udpDatagram(decode.NewDecoder(), linkType, frame, &p)
	return d, why == skipNone
}

// udpDatagram decodes frame into p (scratch space the caller keeps, so
// that nothing is allocated per frame) and returns its UDP datagram.
func udpDatagram(dec *decode.Decoder, linkType uint32, frame []byte, p *decode.Packet) (Datagram, skipReason) {
	p.Reset()
	switch err := dec.Decode(linkType, frame, p); err {
	case nil:
	case decode.ErrLinkTruncated, decode.ErrNetTruncated:
		return Datagram{}, skipShort
	default:
		return Datagram{}, skipNotUDP
	}
	if (p.Net != decode.NetIPv4 && p.Net != decode.NetIPv6) || p.Proto != 17 {
		return Datagram{}, skipNotUDP
	}
	if p.Fragment {
		return Datagram{}, skipFragment
	}
	if p.UDPPayload == nil {
		return Datagram{}, skipShort
	}
	return Datagram{
		Src:     netip.AddrPortFrom(addr(p.Net, &p.Src), p.SrcPort),
		Dst:     netip.AddrPortFrom(addr(p.Net, &p.Dst), p.DstPort),
		Payload: p.UDPPayload,
	}, skipNone
}

// addr turns a decoded address into a netip.Addr: IPv4 packets' addresses
// are stored IPv4-mapped.
func addr(net decode.Network, a *decode.Addr) netip.Addr {
	if net == decode.NetIPv4 {
		return netip.AddrFrom4([4]byte(a[12:16]))
	}
	return netip.AddrFrom16(*a)
}
