package decode

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"

	"tapdb/ingest/capture"
)

// Builders for frames of encapsulations the shared corpus lacks.

func ip4(a string) []byte { b := netip.MustParseAddr(a).As4(); return b[:] }
func ip6(a string) []byte { b := netip.MustParseAddr(a).As16(); return b[:] }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// ipv4Pkt builds an IPv4 header (with options padded to 4 bytes) and payload.
func ipv4Pkt(proto uint8, src, dst string, opts, payload []byte) []byte {
	for len(opts)%4 != 0 {
		opts = append(opts, 0)
	}
	hl := 20 + len(opts)
	h := []byte{byte(0x40 | hl/4), 0x10, 0, 0, 0x12, 0x34, 0, 0, 64, proto, 0, 0}
	binary.BigEndian.PutUint16(h[2:], uint16(hl+len(payload)))
	return cat(h, ip4(src), ip4(dst), opts, payload)
}

func ipv6Pkt(nh uint8, src, dst string, payload []byte) []byte {
	h := []byte{0x6a, 0xb0, 0, 0, 0, 0, nh, 33}
	binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
	return cat(h, ip6(src), ip6(dst), payload)
}

func udpPkt(sp, dp uint16, payload []byte) []byte {
	return cat(u16(sp), u16(dp), u16(uint16(8+len(payload))), u16(0), payload)
}

func tcpSyn(sp, dp uint16) []byte {
	return cat(u16(sp), u16(dp), u32(1000), u32(0), []byte{0x50, TCPSyn}, u16(512), u16(0), u16(0))
}

var (
	macA = mac("020000000001")
	macB = mac("020000000002")
)

func eth(et uint16, payload []byte) []byte {
	return cat(macB[:], macA[:], u16(et), payload)
}

func TestDecodeSynthetic(t *testing.T) {
	udp4 := ipv4Pkt(17, "192.0.2.1", "192.0.2.2", nil, udpPkt(1111, 53, []byte{0xab, 0xcd, 1, 2}))
	base4 := Packet{EtherType: 0x0800, Net: NetIPv4, Src: addr("192.0.2.1"), Dst: addr("192.0.2.2"), Proto: 17, TTL: 64, TOS: 0x10, IPID: 0x1234,
		HasPorts: true, SrcPort: 1111, DstPort: 53, PayloadLen: 4, HasDNSID: true, DNSID: 0xabcd, UDPPayload: []byte{0xab, 0xcd, 1, 2}}
	withL2 := func(p Packet, enc uint32) Packet {
		p.Encaps |= EncEthernet | enc
		p.HasMAC, p.SrcMAC, p.DstMAC = true, macA, macB
		return p
	}
	tcp6 := ipv6Pkt(6, "2001:db8::1", "2001:db8::2", tcpSyn(40000, 443))
	base6 := Packet{EtherType: 0x86dd, Net: NetIPv6, Src: addr("2001:db8::1"), Dst: addr("2001:db8::2"), Proto: 6, TTL: 33, TOS: 0xab,
		HasPorts: true, SrcPort: 40000, DstPort: 443, IsTCP: true, TCPFlags: TCPSyn, TCPSeq: 1000, TCPWindow: 512}

	tests := []struct {
		name    string
		link    uint32
		frame   []byte
		want    Packet
		keep    bool // Decoder.KeepIPTunnels
		wantErr error
	}{
		{"QinQ keeps outer and inner VLAN", capture.LinkEthernet,
			eth(0x88a8, cat(u16(0x2064), u16(0x8100), u16(0x00c8), u16(0x0800), udp4)),
			func() Packet {
				p := withL2(base4, EncVLAN)
				p.HasVLAN, p.VLANID, p.InnerVLANID = true, 100, 200
				return p
			}(), false, nil},
		{"PPPoE session", capture.LinkEthernet,
			eth(0x8864, cat([]byte{0x11, 0}, u16(7), u16(uint16(2+len(udp4))), u16(0x0021), udp4)),
			withL2(base4, EncPPPoE), false, nil},
		{"MPLS stack in VLAN, IPv6 after bottom", capture.LinkEthernet,
			eth(0x8100, cat(u16(5), u16(0x8847), u32(1000<<12|64), u32(2000<<12|0x100|64), tcp6)),
			func() Packet {
				p := withL2(base6, EncVLAN|EncMPLS)
				p.HasVLAN, p.VLANID, p.InnerVLANID, p.HasMPLS, p.MPLSLabel = true, 5, 5, true, 1000
				return p
			}(), false, nil},
		{"LLC SNAP OUI 0 carries IPv4", capture.LinkEthernet,
			cat(macB[:], macA[:], u16(uint16(8+len(udp4))), []byte{0xaa, 0xaa, 3, 0, 0, 0}, u16(0x0800), udp4),
			withL2(base4, EncLLC), false, nil},
		{"GRE with checksum, key and sequence", capture.LinkEthernet,
			eth(0x0800, ipv4Pkt(47, "198.51.100.1", "198.51.100.2", nil, cat(u16(0xb000), u16(0x0800), u32(0), u32(7), u32(9), udp4))),
			withL2(base4, EncGRE), false, nil},
		{"GRE transparent Ethernet bridging keeps outer MACs", capture.LinkEthernet,
			eth(0x0800, ipv4Pkt(47, "198.51.100.1", "198.51.100.2", nil, cat(u16(0), u16(0x6558), []byte{10, 0, 0, 0, 0, 1, 10, 0, 0, 0, 0, 2}, u16(0x0800), udp4))),
			withL2(base4, EncGRE), false, nil},
		{"GRE version 1 (PPTP) with PPP", capture.LinkEthernet,
			eth(0x0800, ipv4Pkt(47, "198.51.100.1", "198.51.100.2", nil, cat(u16(0x3001), u16(0x880b), u16(uint16(4+len(udp4))), u16(3), u32(1), []byte{0xff, 0x03}, u16(0x0021), udp4))),
			withL2(base4, EncGRE|EncPPP), false, nil},
		{"GRE with unknown payload stays a GRE flow", capture.LinkEthernet,
			eth(0x0800, ipv4Pkt(47, "198.51.100.1", "198.51.100.2", nil, cat(u16(0), u16(0x88be), u32(0)))),
			withL2(Packet{EtherType: 0x0800, Net: NetIPv4, Src: addr("198.51.100.1"), Dst: addr("198.51.100.2"), Proto: 47, TTL: 64, TOS: 0x10, IPID: 0x1234, PayloadLen: 8}, 0), false, nil},
		{"4in6", capture.LinkRaw, ipv6Pkt(4, "2001:db8::a", "2001:db8::b", udp4), func() Packet { p := base4; p.Encaps = EncRaw | Enc4in6; return p }(), false, nil},
		{"6in6", capture.LinkIPv6, ipv6Pkt(41, "2001:db8::a", "2001:db8::b", tcp6), func() Packet { p := base6; p.Encaps = EncRaw | Enc6in6; return p }(), false, nil},
		{"IP-in-IP kept as outer flow like Argus", capture.LinkIPv4, ipv4Pkt(4, "198.51.100.1", "198.51.100.2", nil, udp4),
			Packet{Encaps: EncRaw, EtherType: 0x0800, Net: NetIPv4, Src: addr("198.51.100.1"), Dst: addr("198.51.100.2"), Proto: 4, TTL: 64, TOS: 0x10, IPID: 0x1234, PayloadLen: len(udp4)}, true, nil},
		{"IPv4 options", capture.LinkRaw,
			ipv4Pkt(17, "192.0.2.1", "192.0.2.2", []byte{1, 7, 3, 4, 68, 4, 5, 0, 131, 3, 4, 137, 3, 4, 148, 4, 0, 0, 130, 3, 0, 136, 4, 0, 0, 99, 2, 0}, udpPkt(1111, 53, []byte{0xab, 0xcd, 1, 2})),
			func() Packet {
				p := base4
				p.Encaps = EncRaw
				p.IPOptions = OptRecordRoute | OptTimestamp | OptLooseSrcRoute | OptStrictSrcRoute | OptRouterAlert | OptSecurity | OptSATID | OptUnknown
				return p
			}(), false, nil},
		{"IPv6 extension headers: hop-by-hop, routing, dest opts, AH", capture.LinkRaw,
			ipv6Pkt(0, "2001:db8::1", "2001:db8::2", cat([]byte{43, 0, 1, 4, 0, 0, 0, 0}, []byte{60, 0, 0, 0, 0, 0, 0, 0}, []byte{51, 0, 1, 4, 0, 0, 0, 0}, []byte{6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, tcpSyn(40000, 443))),
			func() Packet { p := base6; p.Encaps = EncRaw; return p }(), false, nil},
		{"TCP cut by snap length: ports only", capture.LinkRaw,
			func() []byte {
				b := ipv4Pkt(6, "192.0.2.1", "192.0.2.2", nil, cat(tcpSyn(1, 2), make([]byte, 100)))
				return b[:26]
			}(),
			Packet{Encaps: EncRaw, EtherType: 0x0800, Net: NetIPv4, Src: addr("192.0.2.1"), Dst: addr("192.0.2.2"), Proto: 6, TTL: 64, TOS: 0x10, IPID: 0x1234, HasPorts: true, SrcPort: 1, DstPort: 2}, false, nil},
		{"Ethernet padding is not payload", capture.LinkEthernet,
			eth(0x0800, cat(ipv4Pkt(17, "192.0.2.1", "192.0.2.3", nil, udpPkt(5, 6, nil)), make([]byte, 18))),
			withL2(Packet{EtherType: 0x0800, Net: NetIPv4, Src: addr("192.0.2.1"), Dst: addr("192.0.2.3"), Proto: 17, TTL: 64, TOS: 0x10, IPID: 0x1234, HasPorts: true, SrcPort: 5, DstPort: 6, UDPPayload: []byte{}}, 0), false, nil},
		{"UDP header cut: ports, no payload", capture.LinkRaw, udp4[:26],
			Packet{Encaps: EncRaw, EtherType: 0x0800, Net: NetIPv4, Src: addr("192.0.2.1"), Dst: addr("192.0.2.2"), Proto: 17, TTL: 64, TOS: 0x10, IPID: 0x1234, HasPorts: true, SrcPort: 1111, DstPort: 53, PayloadLen: 4}, false, nil},
		{"UDP payload cut by snap length", capture.LinkRaw, udp4[:30],
			func() Packet { p := base4; p.Encaps = EncRaw; p.UDPPayload = []byte{0xab, 0xcd}; return p }(), false, nil},
		{"NULL big-endian family", capture.LinkNull, cat(u32(2), udp4), func() Packet { p := base4; p.Encaps = EncNull; return p }(), false, nil},
		{"LOOP IPv6", capture.LinkLoop, cat(u32(24), tcp6), func() Packet { p := base6; p.Encaps = EncNull; return p }(), false, nil},
		{"NFLOG big-endian TLVs", capture.LinkNFLOG, cat([]byte{2, 0, 0, 1}, u16(8), u16(1), u32(0), u16(uint16(4+len(udp4))), u16(9), udp4),
			func() Packet { p := base4; p.Encaps = EncNFLOG; p.WireLen = len(udp4); return p }(), false, nil},
		{"ARP reply on Linux SLL names the requester in DstMAC", capture.LinkLinuxSLL,
			cat(u16(0), u16(1), u16(6), macA[:], []byte{0, 0}, u16(0x0806), u16(1), u16(0x0800), []byte{6, 4}, u16(2), macA[:], ip4("192.0.2.2"), macB[:], ip4("192.0.2.1")),
			Packet{Encaps: EncSLL, SrcMAC: macA, DstMAC: macB, EtherType: 0x0806, Net: NetARP, Src: addr("192.0.2.2"), Dst: addr("192.0.2.1"), ARPOp: 2}, false, nil},
		{"truncated Ethernet", capture.LinkEthernet, make([]byte, 13), Packet{}, false, ErrLinkTruncated},
		{"unsupported link", 147, udp4, Packet{}, false, ErrUnsupportedLink},
		{"IPv4 header cut", capture.LinkRaw, udp4[:19], Packet{Encaps: EncRaw}, false, ErrNetTruncated},
		{"PPP LCP", capture.LinkPPP, cat([]byte{0xff, 3}, u16(0xc021), make([]byte, 8)), Packet{Encaps: EncPPP}, false, ErrNoNetworkLayer},
	}
	for _, tc := range tests {
		d := NewDecoder()
		d.KeepIPTunnels = tc.keep
		var p Packet
		err := d.Decode(tc.link, tc.frame, &p)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.wantErr)
		}
		if p.Outer.Valid {
			// The outer header kept for AsOuter: what KeepIPTunnels gives.
			q := p
			q.AsOuter()
			var k Packet
			_ = (&Decoder{KeepIPTunnels: true}).Decode(tc.link, tc.frame, &k)
			if !samePacket(q, k) {
				t.Errorf("%s: AsOuter\n got %+v\nwant %+v", tc.name, q, k)
			}
			p.Outer = OuterIP{}
		}
		if !samePacket(p, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, p, tc.want)
		}
	}
}

func TestSupported(t *testing.T) {
	for _, lt := range []uint32{0, 1, 9, 12, 14, 50, 101, 104, 108, 113, 228, 229, 239, 276} {
		if !Supported(lt) {
			t.Errorf("Supported(%d) = false", lt)
		}
	}
	for _, lt := range []uint32{105, 127, 147, 0xffff} {
		if Supported(lt) {
			t.Errorf("Supported(%d) = true", lt)
		}
	}
}
