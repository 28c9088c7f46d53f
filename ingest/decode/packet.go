package decode

// Encapsulation bits: what a packet was carried in on its way to the
// innermost network layer. A flow ORs the bits of its packets.
const (
	EncEthernet uint32 = 1 << iota // Ethernet II / 802.3
	EncVLAN                        // 802.1Q / 802.1ad tag(s)
	EncMPLS                        // MPLS label stack
	EncLLC                         // 802.2 LLC / SNAP
	EncPPPoE                       // PPPoE session
	EncPPP                         // PPP link
	EncGRE                         // GRE tunnel
	EncIPinIP                      // IPv4 in IPv4 (proto 4)
	Enc6in4                        // IPv6 in IPv4 (proto 41)
	Enc4in6                        // IPv4 in IPv6
	Enc6in6                        // IPv6 in IPv6
	EncSLL                         // Linux cooked capture v1
	EncSLL2                        // Linux cooked capture v2
	EncNull                        // BSD loopback / null
	EncRaw                         // raw IP link
	EncNFLOG                       // Linux NFLOG
)

// Network is the kind of the innermost network layer a packet carried.
type Network uint8

const (
	NetNone  Network = iota // not decoded down to a network layer
	NetIPv4                 // IPv4
	NetIPv6                 // IPv6
	NetARP                  // ARP (or RARP, see Packet.EtherType)
	NetOther                // non-IP Ethernet frame, keyed by MACs and EtherType/SAPs
)

// TCP flag bits as in the TCP header's flags byte.
const (
	TCPFin uint8 = 0x01
	TCPSyn uint8 = 0x02
	TCPRst uint8 = 0x04
	TCPPsh uint8 = 0x08
	TCPAck uint8 = 0x10
	TCPUrg uint8 = 0x20
	TCPEce uint8 = 0x40
	TCPCwr uint8 = 0x80
)

// IP option bits (Argus flgs position 8).
const (
	OptRouterAlert uint8 = 1 << iota
	OptTimestamp
	OptRecordRoute
	OptSecurity
	OptLooseSrcRoute
	OptStrictSrcRoute
	OptSATID
	OptUnknown
)

// Addr is an IP address as 16 bytes; IPv4 is stored IPv4-mapped
// (::ffff:a.b.c.d), so one type and one numeric order serve both families.
type Addr [16]byte

// Packet is the summary of one captured frame that the flow table needs:
// link-layer facts, the innermost network layer, and the transport header.
// A Decoder fills it in place without allocating; its slices, if any, point
// into the frame's bytes and are valid only until the next frame.
type Packet struct {
	TimeNanos int64 // capture time, Unix nanoseconds
	WireLen   int   // original length of the frame on the wire (what Argus counts as bytes)

	Encaps           uint32 // Enc* bits
	HasMAC           bool
	SrcMAC, DstMAC   [6]byte
	EtherType        uint16 // EtherType of the innermost network layer (0x0800, 0x86dd, 0x0806, 0x8035, …); for 802.3/LLC frames the length field's frame: 0
	HasVLAN          bool
	VLANID           uint16 // outermost 802.1Q VLAN id (12 bits)
	InnerVLANID      uint16 // innermost VLAN id (= VLANID with one tag); Argus 3 records this one for Q-in-Q
	HasMPLS          bool
	MPLSLabel        uint32 // top MPLS label
	LLCDSAP, LLCSSAP uint8  // for non-IP 802.3/LLC frames

	Net Network

	// Network layer (IPv4/IPv6; for ARP, Src/Dst are the sender and target
	// protocol addresses and SrcMAC is the sender hardware address).
	Src, Dst   Addr
	Proto      uint8  // IP protocol of the transport layer (after IPv6 extension headers)
	TTL, TOS   uint8  // IPv4 TTL / IPv6 hop limit; IPv4 TOS / IPv6 traffic class
	IPID       uint32 // IPv4 identification, or the IPv6 fragment header's identification
	IPOptions  uint8  // Opt* bits (IPv4)
	Fragment   bool   // the packet is an IP fragment
	FragOffset uint16 // fragment offset in 8-byte units (0 = first fragment)
	MoreFrags  bool
	ARPOp      uint16 // ARP opcode (1 request, 2 reply, 3/4 RARP)

	// Transport layer: valid when HasPorts / IsTCP / IsICMP as appropriate.
	// A non-first fragment has no transport header.
	HasPorts         bool
	SrcPort, DstPort uint16
	IsTCP            bool
	TCPFlags         uint8
	TCPSeq, TCPAck   uint32
	TCPWindow        uint16
	IsICMP           bool // ICMP or ICMPv6 (see Proto)
	ICMPType         uint8
	ICMPCode         uint8
	ICMPID, ICMPSeq  uint16 // for echo / timestamp / info / mask
	PayloadLen       int    // bytes above the transport header (application bytes)
	HasDNSID         bool   // UDP to or from port 53 with at least 2 payload bytes
	DNSID            uint16
	// UDPPayload is the captured part of a UDP datagram's payload, cut at
	// the UDP length (Ethernet padding is not payload). It is nil unless
	// the whole UDP header was captured, and empty but not nil for a
	// datagram without payload. It points into the frame's bytes.
	UDPPayload []byte

	// ICMP errors (unreachable, time exceeded, redirect, parameter problem)
	// quote the packet that caused them; the flow table maps the error onto
	// that packet's flow.
	HasInner                   bool
	InnerSrc, InnerDst         Addr
	InnerProto                 uint8
	InnerSrcPort, InnerDstPort uint16 // valid when the quoted header had ports
	InnerHasPorts              bool

	// Outer is the outermost IP header of an IP-in-IP, 6in4, 4in6 or 6in6
	// tunnel the packet was decapsulated from (Outer.Valid), so that a
	// consumer can key the tunnel's outer flow instead (AsOuter).
	Outer OuterIP
}

// OuterIP is the IP header a tunnelled packet was carried in.
// (Its fields are ordered and sized to add little to Packet, which is
// zeroed for every frame.)
type OuterIP struct {
	Src, Dst   Addr   // IPv4-mapped for an IPv4 header
	Encaps     uint32 // Enc* bits of the layers below it
	IPID       uint32
	PayloadLen int32 // the outer IP payload: the whole inner packet
	Valid      bool
	Proto      uint8 // 4 (IPv4 inside) or 41 (IPv6 inside)
	TTL, TOS   uint8
	IPOptions  uint8
}

// AsOuter turns a packet decapsulated from an IP tunnel into the packet a
// Decoder with KeepIPTunnels gives for the same frame: a protocol 4 or 41
// packet between the outer addresses, as Argus 3.0.8 reports it. A packet
// without Outer is left as it is.
func (p *Packet) AsOuter() {
	if p.Outer.Valid {
		p.OuterOf(p)
	}
}

// OuterOf sets p to what q.AsOuter makes of q, leaving q alone, in one
// write (q may be p). q must have Outer.Valid.
func (p *Packet) OuterOf(q *Packet) {
	o := &q.Outer
	net, etype := NetIPv4, etherIPv4
	if !o.Src.IsIPv4() {
		net, etype = NetIPv6, etherIPv6
	}
	*p = Packet{
		TimeNanos: q.TimeNanos, WireLen: q.WireLen,
		Encaps: o.Encaps, HasMAC: q.HasMAC, SrcMAC: q.SrcMAC, DstMAC: q.DstMAC,
		HasVLAN: q.HasVLAN, VLANID: q.VLANID, InnerVLANID: q.InnerVLANID,
		HasMPLS: q.HasMPLS, MPLSLabel: q.MPLSLabel,
		Net: net, EtherType: etype, Src: o.Src, Dst: o.Dst, Proto: o.Proto, TTL: o.TTL, TOS: o.TOS,
		IPID: o.IPID, IPOptions: o.IPOptions, PayloadLen: int(o.PayloadLen),
	}
}

// Reset clears p for the next frame without allocating.
func (p *Packet) Reset() { *p = Packet{} }

// IsIPv4 reports whether a is an IPv4-mapped address.
func (a *Addr) IsIPv4() bool {
	for i := 0; i < 10; i++ {
		if a[i] != 0 {
			return false
		}
	}
	return a[10] == 0xff && a[11] == 0xff
}
