// Package decode turns a captured frame (link type and bytes) into the
// Packet summary the flow table needs: link-layer facts (MACs, VLAN, MPLS,
// encapsulations), the innermost network layer (IPv4, IPv6, ARP or a non-IP
// frame) and the transport header (TCP, UDP, ICMP, ICMPv6).
//
// The decoder is hand-written over the byte slice with encoding/binary and
// does not allocate: a Decoder holds no per-packet state and fills the
// caller's Packet in place. The caller calls Packet.Reset and sets TimeNanos
// and WireLen before Decode.
//
// Link types: Ethernet, Linux SLL and SLL2, BSD NULL and OpenBSD LOOP, raw
// IP (101, 228, 229 and the BSD DLT_RAW values 12 and 14), PPP (also in HDLC
// framing, link types 9 and 50), Cisco HDLC (104) and NFLOG.
//
// Encapsulations are looked through down to the innermost flow, each setting
// its Enc* bit: 802.1Q/802.1ad/Q-in-Q (the outermost and the innermost VLAN ids are kept), MPLS
// (the top label is kept; the payload after the bottom of stack is guessed
// from its first nibble: IPv4, IPv6, or a pseudowire control word followed
// by Ethernet), PPPoE sessions, GRE (versions 0 and 1, carrying IPv4, IPv6,
// Ethernet, MPLS or PPP), IP-in-IP, 6in4, 4in6, 6in6 and LLC/SNAP. A tunnel
// whose inner packet cannot be decoded, or an IP fragment of one, stays a
// flow between the outer addresses. VXLAN and Teredo are not decapsulated
// (Argus does not either): they stay UDP flows. A packet decapsulated from
// IP-in-IP, 6in4, 4in6 or 6in6 keeps its outermost tunnel header in
// Packet.Outer, and Packet.AsOuter turns it into the outer packet, so the
// flow table can report the tunnel as Argus 3.0.8 does (flow.TunnelsOuter)
// whatever decoder made the packet. Setting Decoder.KeepIPTunnels decodes
// such packets as outer packets directly.
//
// Packet.UDPPayload points at the captured payload of a UDP datagram, so
// the flow-export collector finds NetFlow/IPFIX datagrams in capture files
// with this same decoder.
//
// Errors: Decode returns nil when it found a network layer (Packet.Net is
// not NetNone) and otherwise an Error saying why not: unsupported link type,
// link header truncated, network header truncated or malformed, or a payload
// that is not decoded (PPP control protocols, unknown MPLS payloads…). When
// a deeper header is cut short by the snap length, the layers above it are
// filled in as far as they go (an IPv4 packet without ports, say) and the
// result is nil. PayloadLen is computed from the IP length fields, never
// from the captured length, so snap lengths and Ethernet padding do not
// change it.
package decode
