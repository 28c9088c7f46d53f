package decode

import (
	"encoding/binary"

	"tapdb/ingest/capture"
)

// Link types decoded besides the capture.Link* ones.
const (
	linkRawBSD12 uint32 = 12  // DLT_RAW on most BSDs, as some pcapng writers record it
	linkRawBSD14 uint32 = 14  // DLT_RAW on BSD/OS
	linkPPPHDLC  uint32 = 50  // PPP in HDLC-like framing
	linkCHDLC    uint32 = 104 // Cisco HDLC
)

// maxTunnelDepth bounds how many tunnels (GRE, IP-in-IP…) are looked through.
const maxTunnelDepth = 8

// Error says why Decode found no network layer. It is a small value type
// so returning one does not allocate.
type Error uint8

const (
	ErrUnsupportedLink Error = iota + 1 // link type not decoded
	ErrLinkTruncated                    // frame shorter than its link-layer header
	ErrNetTruncated                     // network-layer header truncated or malformed
	ErrNoNetworkLayer                   // a payload that is not decoded (PPP control, unknown MPLS payload…)
)

func (e Error) Error() string {
	switch e {
	case ErrUnsupportedLink:
		return "decode: unsupported link type"
	case ErrLinkTruncated:
		return "decode: link-layer header truncated"
	case ErrNetTruncated:
		return "decode: network-layer header truncated or malformed"
	case ErrNoNetworkLayer:
		return "decode: no IP, ARP or other network layer"
	}
	return "decode: unknown error"
}

// Decoder decodes frames into Packets. It holds only configuration, so one
// Decoder may be shared by goroutines.
type Decoder struct {
	// KeepIPTunnels keeps IP-in-IP, 6in4, 4in6 and 6in6 packets as flows
	// between the outer addresses (protocol 4 or 41), as Argus 3.0.8 does,
	// instead of decoding the inner packet. GRE is always looked through.
	KeepIPTunnels bool
}

// NewDecoder returns a Decoder with the default settings.
func NewDecoder() *Decoder { return &Decoder{} }

// Supported reports whether Decode understands linkType.
func Supported(linkType uint32) bool {
	switch linkType {
	case capture.LinkNull, capture.LinkEthernet, capture.LinkPPP, capture.LinkRaw,
		capture.LinkLinuxSLL, capture.LinkLoop, capture.LinkIPv4, capture.LinkIPv6,
		capture.LinkNFLOG, capture.LinkSLL2, linkRawBSD12, linkRawBSD14, linkPPPHDLC, linkCHDLC:
		return true
	}
	return false
}

// Decode decodes one frame of the given link type into p. The caller has
// called p.Reset and set p.TimeNanos and p.WireLen. Decode returns nil when
// it found a network layer and an Error otherwise; p holds whatever was
// decoded either way. p's slices, if any, point into data.
func (d *Decoder) Decode(linkType uint32, data []byte, p *Packet) error {
	var err error
	switch linkType {
	case capture.LinkEthernet:
		err = d.ethernet(data, p, 0)
	case capture.LinkLinuxSLL:
		err = d.sll(data, p)
	case capture.LinkSLL2:
		err = d.sll2(data, p)
	case capture.LinkNull:
		err = d.null(data, p, false)
	case capture.LinkLoop:
		err = d.null(data, p, true)
	case capture.LinkRaw, linkRawBSD12, linkRawBSD14:
		err = d.raw(data, p, 0)
	case capture.LinkIPv4:
		err = d.raw(data, p, 4)
	case capture.LinkIPv6:
		err = d.raw(data, p, 6)
	case capture.LinkPPP, linkPPPHDLC:
		err = d.pppLink(data, p)
	case linkCHDLC:
		err = d.ciscoHDLC(data, p)
	case capture.LinkNFLOG:
		err = d.nflog(data, p)
	default:
		return ErrUnsupportedLink
	}
	// Pseudo-headers written by the capturing host are not wire bytes;
	// Argus does not count them either.
	if n := pseudoHeaderLen(linkType); n > 0 && p.WireLen >= n {
		p.WireLen -= n
	}
	if p.Net != NetNone {
		return nil
	}
	if err == nil {
		err = ErrNoNetworkLayer
	}
	return err
}

// pseudoHeaderLen is the length of a link type's capture-host header that
// is not part of the frame on the wire.
func pseudoHeaderLen(linkType uint32) int {
	switch linkType {
	case capture.LinkLinuxSLL:
		return 16
	case capture.LinkSLL2:
		return 20
	case capture.LinkNull, capture.LinkLoop:
		return 4
	}
	return 0
}

func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }

// setIPv4 stores a 4-byte address as IPv4-mapped IPv6. (Written as a
// zeroed literal and a copy: a literal holding b's bytes compiles to
// byte-by-byte stores through a temporary, eight times slower.)
func setIPv4(a *Addr, b []byte) {
	_ = b[3]
	*a = Addr{10: 0xff, 11: 0xff}
	copy(a[12:16], b)
}
