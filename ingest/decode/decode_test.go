package decode

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/netip"
	"path/filepath"
	"reflect"
	"testing"

	"tapdb/ingest/capture"
)

func addr(s string) Addr { return netip.MustParseAddr(s).As16() }

func mac(s string) [6]byte {
	var m [6]byte
	if _, err := hex.Decode(m[:], []byte(s)); err != nil {
		panic(err)
	}
	return m
}

// frames reads every frame of a testdata capture.
func frames(t testing.TB, file string) []capture.Frame {
	t.Helper()
	r, err := capture.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []capture.Frame
	for {
		var f capture.Frame
		if err := r.Next(&f); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			return out
		}
		f.Data = append([]byte(nil), f.Data...)
		out = append(out, f)
	}
}

// Real frames from the shared corpus (testdata/README.md says which). The
// expected values were checked against tshark's dissection of the same
// frames (addresses, ports, TCP flags/seq/ack/window/len, ICMP type/code/
// id/seq, VLAN, MPLS label, MACs, TTL, IP id, DNS id, fragment fields, TOS,
// IP options, LLC SAPs; see testdata/README.md for the commands).
var realFrames = []struct {
	file  string
	frame int
	want  Packet
}{
	{"6in4.pcap", 1, Packet{WireLen: 114, Encaps: EncEthernet | Enc6in4, HasMAC: true, SrcMAC: mac("000024ce8134"), DstMAC: mac("002290de3bd9"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("2001:470:1f17:13f:3e97:eff:fe73:4dec"), Dst: addr("2a03:2880:1010:6f03:face:b00c:0:2"), Proto: 0x6, TTL: 0x3f, HasPorts: true, SrcPort: 0xcff2, DstPort: 0x1bb, IsTCP: true, TCPFlags: 0x02, TCPSeq: 0x277558ac, TCPWindow: 0x7080}},
	{"arp.pcap", 1, Packet{WireLen: 42, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("dc53602b6a4c"), DstMAC: mac("ffffffffffff"), EtherType: 0x0806, Net: NetARP, Src: addr("192.168.0.11"), Dst: addr("192.168.0.2"), ARPOp: 0x1}},
	{"arp.pcap", 2, Packet{WireLen: 60, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("647002fbc0e2"), DstMAC: mac("dc53602b6a4c"), EtherType: 0x0806, Net: NetARP, Src: addr("192.168.0.2"), Dst: addr("192.168.0.11"), ARPOp: 0x2}},
	{"gre.pcap", 1, Packet{WireLen: 122, Encaps: EncEthernet | EncGRE, HasMAC: true, SrcMAC: mac("00022d564afd"), DstMAC: mac("00c0ca14b052"), EtherType: 0x0800, Net: NetIPv4, Src: addr("66.59.111.190"), Dst: addr("172.28.2.3"), Proto: 0x1, TTL: 0x40, IsICMP: true, ICMPType: 0x8, ICMPID: 0xcb68, ICMPSeq: 0x100, PayloadLen: 56}},
	{"gre.pcap", 2, Packet{WireLen: 90, Encaps: EncEthernet | EncGRE, HasMAC: true, SrcMAC: mac("00c0ca14b052"), DstMAC: mac("00022d564afd"), EtherType: 0x0800, Net: NetIPv4, Src: addr("172.28.2.3"), Dst: addr("66.59.111.190"), Proto: 0x6, TTL: 0x3f, IPID: 0x593d, HasPorts: true, SrcPort: 0x16, DstPort: 0x9d48, IsTCP: true, TCPFlags: 0x10, TCPSeq: 0xf9565f98, TCPAck: 0x307f72e8, TCPWindow: 0x1920}},
	{"icmpv6.pcap", 1, Packet{WireLen: 122, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("0060970769ea"), DstMAC: mac("0000860580da"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("3ffe:507:0:1:260:97ff:fe07:69ea"), Dst: addr("3ffe:507:0:1:200:86ff:fe05:80da"), Proto: 0x3a, TTL: 0x40, IsICMP: true, ICMPType: 0x3, PayloadLen: 60, HasInner: true, InnerSrc: addr("3ffe:507:0:1:200:86ff:fe05:80da"), InnerDst: addr("3ffe:501:410:0:2c0:dfff:fe47:33e"), InnerProto: 0x11, InnerSrcPort: 0xa075, InnerDstPort: 0x829b, InnerHasPorts: true}},
	{"icmpv6.pcap", 2, Packet{WireLen: 122, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("0060970769ea"), DstMAC: mac("0000860580da"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("3ffe:501:410:0:2c0:dfff:fe47:33e"), Dst: addr("3ffe:507:0:1:200:86ff:fe05:80da"), Proto: 0x3a, TTL: 0x3d, IsICMP: true, ICMPType: 0x1, ICMPCode: 0x4, PayloadLen: 60, HasInner: true, InnerSrc: addr("3ffe:507:0:1:200:86ff:fe05:80da"), InnerDst: addr("3ffe:501:410:0:2c0:dfff:fe47:33e"), InnerProto: 0x11, InnerSrcPort: 0xa075, InnerDstPort: 0x82a4, InnerHasPorts: true}},
	{"icmpv6.pcap", 3, Packet{WireLen: 70, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("0000860580da"), DstMAC: mac("0060970769ea"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("3ffe:507:0:1:200:86ff:fe05:80da"), Dst: addr("3ffe:501:0:1001::2"), Proto: 0x3a, TTL: 0x40, IsICMP: true, ICMPType: 0x80, ICMPID: 0x7620, PayloadLen: 8}},
	// ndpi-gnutella-mixed.pcap frame 1: snapped to 4 bytes, nothing to decode.
	{"ip-options.pcap", 1, Packet{WireLen: 60}},
	{"ip-options.pcap", 2, Packet{WireLen: 54, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("080027e6e559"), DstMAC: mac("01005e000016"), EtherType: 0x0800, Net: NetIPv4, Src: addr("10.0.2.15"), Dst: addr("224.0.0.22"), Proto: 0x2, TTL: 0x1, IPID: 0x202c, IPOptions: 0x1, PayloadLen: 16}},
	{"ipip-4in4.pcap", 1, Packet{WireLen: 66, Encaps: EncEthernet | EncIPinIP, HasMAC: true, SrcMAC: mac("c8bcc896d2a0"), DstMAC: mac("0010db88d2ef"), EtherType: 0x0800, Net: NetIPv4, Src: addr("10.0.0.1"), Dst: addr("10.0.0.2"), Proto: 0x11, TTL: 0x40, IPID: 0x1, HasPorts: true, SrcPort: 0x7530, DstPort: 0x32c8, PayloadLen: 4}},
	{"ipv4-fragments.pcap", 1, Packet{WireLen: 1514, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("000bdb941480"), DstMAC: mac("000bdb941470"), EtherType: 0x0800, Net: NetIPv4, Src: addr("10.118.213.212"), Dst: addr("10.118.213.211"), Proto: 0x11, TTL: 0x40, IPID: 0x1ea0, Fragment: true, MoreFrags: true, HasPorts: true, SrcPort: 0x315, DstPort: 0x801, PayloadLen: 1472}},
	{"ipv4-fragments.pcap", 2, Packet{WireLen: 1514, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("000bdb941480"), DstMAC: mac("000bdb941470"), EtherType: 0x0800, Net: NetIPv4, Src: addr("10.118.213.212"), Dst: addr("10.118.213.211"), Proto: 0x11, TTL: 0x40, IPID: 0x1ea0, Fragment: true, FragOffset: 0xb9, MoreFrags: true, PayloadLen: 1480}},
	{"ipv4-fragments.pcap", 3, Packet{WireLen: 954, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("000bdb941480"), DstMAC: mac("000bdb941470"), EtherType: 0x0800, Net: NetIPv4, Src: addr("10.118.213.212"), Dst: addr("10.118.213.211"), Proto: 0x11, TTL: 0x40, IPID: 0x1ea0, Fragment: true, FragOffset: 0x39d, PayloadLen: 920}},
	{"ipv6-fragments.pcap", 1, Packet{WireLen: 135, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("c42c033b6caa"), DstMAC: mac("d8306248c5b5"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("2001:470:1f11:81f:d138:5f55:6d4:1fe2"), Dst: addr("2607:f740:b::f93"), Proto: 0x11, TTL: 0x40, HasPorts: true, SrcPort: 0xca8a, DstPort: 0x35, PayloadLen: 73, HasDNSID: true, DNSID: 0xf3f}},
	{"ipv6-fragments.pcap", 2, Packet{WireLen: 385, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("d8306248c5b5"), DstMAC: mac("c42c033b6caa"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("2607:f740:b::f93"), Dst: addr("2001:470:1f11:81f:d138:5f55:6d4:1fe2"), Proto: 0x11, TTL: 0x35, HasPorts: true, SrcPort: 0x35, DstPort: 0xca8a, PayloadLen: 323, HasDNSID: true, DNSID: 0xf3f}},
	{"ipv6-fragments.pcap", 3, Packet{WireLen: 136, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("c42c033b6caa"), DstMAC: mac("d8306248c5b5"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("2001:470:1f11:81f:d138:5f55:6d4:1fe2"), Dst: addr("2607:f740:b::f93"), Proto: 0x11, TTL: 0x40, HasPorts: true, SrcPort: 0xca8b, DstPort: 0x35, PayloadLen: 74, HasDNSID: true, DNSID: 0x9f91}},
	{"ipv6-fragments.pcap", 4, Packet{WireLen: 404, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("d8306248c5b5"), DstMAC: mac("c42c033b6caa"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("2607:f740:b::f93"), Dst: addr("2001:470:1f11:81f:d138:5f55:6d4:1fe2"), Proto: 0x11, TTL: 0x35, IPID: 0x1, Fragment: true, FragOffset: 0x16a, PayloadLen: 342}},
	{"ipv6-fragments.pcap", 5, Packet{WireLen: 136, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("c42c033b6caa"), DstMAC: mac("d8306248c5b5"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("2001:470:1f11:81f:d138:5f55:6d4:1fe2"), Dst: addr("2607:f740:b::f93"), Proto: 0x11, TTL: 0x40, HasPorts: true, SrcPort: 0xca8b, DstPort: 0x35, PayloadLen: 74, HasDNSID: true, DNSID: 0x9f91}},
	{"ipv6-fragments.pcap", 6, Packet{WireLen: 1494, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("d8306248c5b5"), DstMAC: mac("c42c033b6caa"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("2607:f740:b::f93"), Dst: addr("2001:470:1f11:81f:d138:5f55:6d4:1fe2"), Proto: 0x11, TTL: 0x35, IPID: 0x2, Fragment: true, MoreFrags: true, HasPorts: true, SrcPort: 0x35, DstPort: 0xca8b, PayloadLen: 1424, HasDNSID: true, DNSID: 0x9f91}},
	{"ipv6-fragments.pcap", 7, Packet{WireLen: 1494, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("d8306248c5b5"), DstMAC: mac("c42c033b6caa"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("2607:f740:b::f93"), Dst: addr("2001:470:1f11:81f:d138:5f55:6d4:1fe2"), Proto: 0x11, TTL: 0x35, IPID: 0x2, Fragment: true, FragOffset: 0xb3, MoreFrags: true, PayloadLen: 1432}},
	{"ipv6-fragments.pcap", 8, Packet{WireLen: 436, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("d8306248c5b5"), DstMAC: mac("c42c033b6caa"), EtherType: 0x86dd, Net: NetIPv6, Src: addr("2607:f740:b::f93"), Dst: addr("2001:470:1f11:81f:d138:5f55:6d4:1fe2"), Proto: 0x11, TTL: 0x35, IPID: 0x2, Fragment: true, FragOffset: 0x166, PayloadLen: 374}},
	{"linux-sll.pcap", 1, Packet{WireLen: 62, Encaps: EncSLL, EtherType: 0x0800, Net: NetIPv4, Src: addr("127.0.0.1"), Dst: addr("127.0.0.1"), Proto: 0x11, TTL: 0x40, IPID: 0xd4e5, HasPorts: true, SrcPort: 0xc23d, DstPort: 0x35, PayloadLen: 34, HasDNSID: true, DNSID: 0x61ef}},
	{"linux-sll.pcap", 2, Packet{WireLen: 28, Encaps: EncSLL, SrcMAC: mac("080027191c78"), EtherType: 0x0806, Net: NetARP, Src: addr("10.0.0.8"), Dst: addr("10.0.0.138"), ARPOp: 0x1}},
	{"linux-sll2.pcap", 1, Packet{WireLen: 84, Encaps: EncSLL2, EtherType: 0x0800, Net: NetIPv4, Src: addr("192.0.2.1"), Dst: addr("192.0.2.1"), Proto: 0x1, TTL: 0x40, IPID: 0xaf8c, IsICMP: true, ICMPType: 0x8, ICMPID: 0x8, ICMPSeq: 0x1, PayloadLen: 56}},
	{"linux-sll2.pcap", 2, Packet{WireLen: 84, Encaps: EncSLL2, EtherType: 0x0800, Net: NetIPv4, Src: addr("192.0.2.1"), Dst: addr("192.0.2.1"), Proto: 0x1, TTL: 0x40, IPID: 0xaf8d, IsICMP: true, ICMPID: 0x8, ICMPSeq: 0x1, PayloadLen: 56}},
	{"linux-sll2.pcap", 3, Packet{WireLen: 104, Encaps: EncSLL2, EtherType: 0x86dd, Net: NetIPv6, Src: addr("fe80::8c36:6ff:fe44:acaf"), Dst: addr("fe80::8c36:6ff:fe44:acaf"), Proto: 0x3a, TTL: 0x40, IsICMP: true, ICMPType: 0x80, ICMPID: 0x9, ICMPSeq: 0x1, PayloadLen: 56}},
	{"linux-sll2.pcap", 4, Packet{WireLen: 104, Encaps: EncSLL2, EtherType: 0x86dd, Net: NetIPv6, Src: addr("fe80::8c36:6ff:fe44:acaf"), Dst: addr("fe80::8c36:6ff:fe44:acaf"), Proto: 0x3a, TTL: 0x40, IsICMP: true, ICMPType: 0x81, ICMPID: 0x9, ICMPSeq: 0x1, PayloadLen: 56}},
	{"linux-sll2.pcap", 5, Packet{WireLen: 28, Encaps: EncSLL2, SrcMAC: mac("8e360644acaf"), EtherType: 0x0806, Net: NetARP, Src: addr("192.0.2.1"), Dst: addr("192.0.2.2"), ARPOp: 0x1}},
	{"linux-sll2.pcap", 6, Packet{WireLen: 28, Encaps: EncSLL2, SrcMAC: mac("8e360644acaf"), EtherType: 0x8035, Net: NetARP, Src: addr("192.0.2.1"), Dst: addr("192.0.2.2"), ARPOp: 0x3}},
	{"mixed-vlan-mpls.pcap", 1, Packet{WireLen: 62, Encaps: EncEthernet | EncMPLS, HasMAC: true, SrcMAC: mac("003096052838"), DstMAC: mac("003096e6fc39"), EtherType: 0x0800, HasMPLS: true, MPLSLabel: 0x1d, Net: NetIPv4, Src: addr("10.1.2.1"), Dst: addr("10.34.0.1"), Proto: 0x6, TTL: 0xff, TOS: 0xc0, HasPorts: true, SrcPort: 0x2af9, DstPort: 0x17, IsTCP: true, TCPFlags: 0x02, TCPSeq: 0x98320ffb, TCPWindow: 0x1020}},
	{"mixed-vlan-mpls.pcap", 2, Packet{WireLen: 100, Encaps: EncEthernet | EncVLAN, HasMAC: true, SrcMAC: mac("0001d77ecc05"), DstMAC: mac("0010f3021c00"), EtherType: 0x0800, HasVLAN: true, VLANID: 0xffd, InnerVLANID: 0xffd, Net: NetIPv4, Src: addr("10.20.80.1"), Dst: addr("10.0.0.15"), Proto: 0x6, TTL: 0xff, IPID: 0x2c5, HasPorts: true, SrcPort: 0xc4a7, DstPort: 0x50, IsTCP: true, TCPFlags: 0x02, TCPSeq: 0xf374ecbe, TCPWindow: 0x1680}},
	{"nflog.pcap", 1, Packet{WireLen: 60, Encaps: EncNFLOG, EtherType: 0x0800, Net: NetIPv4, Src: addr("10.0.2.15"), Dst: addr("93.184.216.34"), Proto: 0x6, TTL: 0x40, IPID: 0xe8ef, HasPorts: true, SrcPort: 0xc262, DstPort: 0x50, IsTCP: true, TCPFlags: 0x02, TCPSeq: 0x3f32bad1, TCPWindow: 0x7210}},
	{"null-loopback.pcap", 1, Packet{WireLen: 556, Encaps: EncNull, EtherType: 0x86dd, Net: NetIPv6, Src: addr("::1"), Dst: addr("::1"), Proto: 0x6, TTL: 0x40, HasPorts: true, SrcPort: 0xe5af, DstPort: 0x1f90, IsTCP: true, TCPFlags: 0x18, TCPSeq: 0x8971666, TCPAck: 0xa6566ef, TCPWindow: 0x28e9, PayloadLen: 484}},
	{"ppp-mpls.pcap", 1, Packet{WireLen: 48, Encaps: EncMPLS | EncPPP, EtherType: 0x0800, HasMPLS: true, MPLSLabel: 0x18960, Net: NetIPv4, Src: addr("12.4.4.4"), Dst: addr("12.1.1.1"), Proto: 0x11, TTL: 0x1, IPID: 0xa54c, HasPorts: true, SrcPort: 0xa54b, DstPort: 0x829b, PayloadLen: 12}},
	{"ppp-mpls.pcap", 2, Packet{WireLen: 172, Encaps: EncPPP, EtherType: 0x0800, Net: NetIPv4, Src: addr("10.5.0.1"), Dst: addr("12.4.4.4"), Proto: 0x1, TTL: 0xff, IPID: 0x1396, IsICMP: true, ICMPType: 0xb, PayloadLen: 140, HasInner: true, InnerSrc: addr("12.4.4.4"), InnerDst: addr("12.1.1.1"), InnerProto: 0x11, InnerSrcPort: 0xa54b, InnerDstPort: 0x829b, InnerHasPorts: true}},
	{"raw-ip.pcap", 1, Packet{WireLen: 80, Encaps: EncRaw, EtherType: 0x86dd, Net: NetIPv6, Src: addr("2001:618:400::5199:cc70"), Dst: addr("2001:618:1:8000::5"), Proto: 0x6, TTL: 0x40, HasPorts: true, SrcPort: 0x8c9b, DstPort: 0x50, IsTCP: true, TCPFlags: 0x02, TCPSeq: 0x6ae70736, TCPWindow: 0x1630}},
	{"raw-ip.pcap", 2, Packet{WireLen: 63, Encaps: EncRaw, EtherType: 0x0800, Net: NetIPv4, Src: addr("10.0.0.1"), Dst: addr("10.0.0.138"), Proto: 0x11, TTL: 0x80, IPID: 0x21c0, HasPorts: true, SrcPort: 0xd769, DstPort: 0x35, PayloadLen: 35, HasDNSID: true, DNSID: 0x6775}},
	{"vlan-8021q.pcap", 1, Packet{WireLen: 122, Encaps: EncEthernet | EncVLAN, HasMAC: true, SrcMAC: mac("0013c3dfae18"), DstMAC: mac("001bd41ba4d8"), EtherType: 0x0800, HasVLAN: true, VLANID: 0x76, InnerVLANID: 0xa, Net: NetIPv4, Src: addr("10.118.10.1"), Dst: addr("10.118.10.2"), Proto: 0x1, TTL: 0xff, IPID: 0xf, IsICMP: true, ICMPType: 0x8, ICMPID: 0x3, PayloadLen: 72}},
	{"vlan-8021q.pcap", 2, Packet{WireLen: 375, Encaps: EncEthernet | EncVLAN | EncLLC, HasMAC: true, SrcMAC: mac("0013c3dfae18"), DstMAC: mac("01000ccdcdd0"), HasVLAN: true, VLANID: 0x76, InnerVLANID: 0x76, LLCDSAP: 0xaa, LLCSSAP: 0xaa, Net: NetOther}},
	{"wikipedia.pcap", 1, Packet{WireLen: 193, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("0017f2d7cf65"), DstMAC: mac("01005e0000fb"), EtherType: 0x0800, Net: NetIPv4, Src: addr("141.142.220.50"), Dst: addr("224.0.0.251"), Proto: 0x11, TTL: 0xff, IPID: 0x7575, HasPorts: true, SrcPort: 0x14e9, DstPort: 0x14e9, PayloadLen: 151}},
	{"wikipedia.pcap", 2, Packet{WireLen: 60, Encaps: EncEthernet | EncLLC, HasMAC: true, SrcMAC: mac("00137f4f8ef2"), DstMAC: mac("0180c2000000"), LLCDSAP: 0x42, LLCSSAP: 0x42, Net: NetOther}},
	{"wikipedia.pcap", 3, Packet{WireLen: 80, Encaps: EncEthernet, HasMAC: true, SrcMAC: mac("00247ee01db5"), DstMAC: mac("00137fbe8cff"), EtherType: 0x0800, Net: NetIPv4, Src: addr("141.142.220.118"), Dst: addr("141.142.2.2"), Proto: 0x11, TTL: 0x40, IPID: 0xe7c1, HasPorts: true, SrcPort: 0xab97, DstPort: 0x35, PayloadLen: 38, HasDNSID: true, DNSID: 0xa7f4}},
}

func TestDecodeRealFrames(t *testing.T) {
	d := NewDecoder()
	cache := map[string][]capture.Frame{}
	for _, tc := range realFrames {
		fs, ok := cache[tc.file]
		if !ok {
			fs = frames(t, tc.file)
			cache[tc.file] = fs
		}
		if tc.frame > len(fs) {
			t.Fatalf("%s has %d frames, want frame %d", tc.file, len(fs), tc.frame)
		}
		f := fs[tc.frame-1]
		var p Packet
		p.Reset()
		p.WireLen = f.WireLen
		err := d.Decode(f.LinkType, f.Data, &p)
		if tc.want.Net == NetNone {
			if err == nil {
				t.Errorf("%s frame %d: no error for an undecodable frame", tc.file, tc.frame)
			}
		} else if err != nil {
			t.Errorf("%s frame %d: %v", tc.file, tc.frame, err)
		}
		// The UDP payload follows the UDP header with the packet's ports
		// and is as long as PayloadLen says, or cut by the snap length.
		if pl := p.UDPPayload; pl != nil {
			off := cap(f.Data) - cap(pl)
			if p.Proto != 17 || off < 8 || off+len(pl) > len(f.Data) ||
				be16(f.Data[off-8:]) != p.SrcPort || be16(f.Data[off-6:]) != p.DstPort ||
				len(pl) != p.PayloadLen && (len(pl) > p.PayloadLen || f.WireLen == len(f.Data)) {
				t.Errorf("%s frame %d: UDP payload of %d bytes at offset %d", tc.file, tc.frame, len(pl), off)
			}
			p.UDPPayload = nil
		} else if p.Proto == 17 && p.HasPorts && !p.Fragment && p.Encaps&EncIPinIP == 0 {
			t.Errorf("%s frame %d: no UDP payload", tc.file, tc.frame)
		}
		if p.Outer.Valid != (p.Encaps&(EncIPinIP|Enc6in4|Enc4in6|Enc6in6) != 0) {
			t.Errorf("%s frame %d: Outer.Valid %v with encapsulation %#x", tc.file, tc.frame, p.Outer.Valid, p.Encaps)
		}
		p.Outer = OuterIP{} // TestAsOuter checks it
		if !samePacket(p, tc.want) {
			t.Errorf("%s frame %d:\n got %+v\nwant %+v", tc.file, tc.frame, p, tc.want)
		}
	}
}

// TestAsOuter checks that a decapsulated packet's AsOuter is what a
// Decoder with KeepIPTunnels makes of the same frame, on every frame of the
// captures above (the tunnel captures have IP-in-IP and 6in4, the synthetic
// tests 4in6 and 6in6), and that AsOuter leaves other packets alone.
func TestAsOuter(t *testing.T) {
	dec, keep := NewDecoder(), &Decoder{KeepIPTunnels: true}
	seen := map[string]bool{}
	tunnels := 0
	for _, tc := range realFrames {
		if seen[tc.file] {
			continue
		}
		seen[tc.file] = true
		for i, f := range frames(t, tc.file) {
			var p, q Packet
			p.WireLen, q.WireLen = f.WireLen, f.WireLen
			errP := dec.Decode(f.LinkType, f.Data, &p)
			errQ := keep.Decode(f.LinkType, f.Data, &q)
			if p.Outer.Valid {
				tunnels++
			}
			p.AsOuter()
			if (errP == nil) != (errQ == nil) || !samePacket(p, q) {
				t.Errorf("%s frame %d:\n AsOuter %+v\n    keep %+v", tc.file, i+1, p, q)
			}
		}
	}
	if tunnels == 0 {
		t.Error("no tunnelled frame seen")
	}
}

// samePacket compares packets field by field, UDPPayload by its bytes and
// by whether it is nil.
func samePacket(a, b Packet) bool {
	if !bytes.Equal(a.UDPPayload, b.UDPPayload) || (a.UDPPayload == nil) != (b.UDPPayload == nil) {
		return false
	}
	a.UDPPayload, b.UDPPayload = nil, nil
	return reflect.DeepEqual(a, b)
}

// Decode must not allocate, on success or on error.
func TestDecodeDoesNotAllocate(t *testing.T) {
	type input struct {
		link uint32
		data []byte
	}
	var inputs []input
	seen := map[string]bool{}
	for _, tc := range realFrames {
		if seen[tc.file] {
			continue
		}
		seen[tc.file] = true
		for _, f := range frames(t, tc.file) {
			inputs = append(inputs, input{f.LinkType, f.Data})
		}
	}
	inputs = append(inputs, input{capture.LinkEthernet, make([]byte, 5)}, input{147, make([]byte, 40)},
		input{capture.LinkPPP, []byte{0xff, 3, 0xc0, 0x21}})
	d := NewDecoder()
	var p Packet
	for i, in := range inputs {
		allocs := testing.AllocsPerRun(100, func() {
			p.Reset()
			_ = d.Decode(in.link, in.data, &p)
		})
		if allocs != 0 {
			t.Errorf("input %d (link %d): %.1f allocations per Decode", i, in.link, allocs)
		}
	}
}
