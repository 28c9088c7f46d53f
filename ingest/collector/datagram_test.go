package collector

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tapdb/ingest/capture"
	"tapdb/ingest/decode"
)

// captures whose UDP datagrams are compared with tshark's dissection:
// Ethernet, Linux cooked v1, raw IP, pcapng with several link types, IPv4
// and IPv6. Captures with tunnels are left out: the tshark fields below
// name the outer addresses, UDPDatagram (through ingest/decode) the inner
// ones. VLAN tags, SLL2 and BSD loopback carry no UDP in the corpus and
// are covered by TestUDPDatagramShortAndOdd.
var tsharkCaptures = []string{
	"akvorado-netflow-v5.pcap",
	"akvorado-netflow-v9-templates-data.pcap",
	"pmacct-ipfix-cisco.pcap",
	"pcapplusplus-linux-sll.pcap",
	"pcapplusplus-dns-packets.pcap",
	"pcapplusplus-raw-ip.pcap",
	"zeek-wikipedia-mixed.pcap",
	"ndpi-ipv6-http-tls-quic.pcap",
	"pcapplusplus-many-interfaces.pcapng",
}

func repoCapture(name string) string { return filepath.Join("..", "..", "testdata", "pcaps", name) }

// loadFrames reads every frame of a capture into memory.
func loadFrames(tb testing.TB, path string) []capture.Frame {
	tb.Helper()
	r, err := capture.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var out []capture.Frame
	for {
		var f capture.Frame
		if err := r.Next(&f); err == io.EOF {
			return out
		} else if err != nil {
			tb.Fatal(err)
		}
		f.Data = append([]byte(nil), f.Data...)
		out = append(out, f)
	}
}

// TestUDPDatagramAgreesWithTshark finds, for every frame of real captures,
// the same UDP source and destination (address and port) and payload
// length as tshark.
func TestUDPDatagramAgreesWithTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark is not installed (Debian package tshark); skipping the comparison")
	}
	for _, name := range tsharkCaptures {
		t.Run(name, func(t *testing.T) {
			path := repoCapture(name)
			want := tsharkUDP(t, path)
			got := map[int]string{}
			for _, f := range loadFrames(t, path) {
				if d, ok := UDPDatagram(f.LinkType, f.Data); ok {
					got[f.Number] = fmt.Sprintf("%s %s %d", d.Src, d.Dst, len(d.Payload))
				}
			}
			if len(want) == 0 {
				t.Fatal("tshark found no UDP datagrams: the test would prove nothing")
			}
			for n, w := range want {
				if got[n] != w {
					t.Errorf("frame %d: got %q, tshark %q", n, got[n], w)
				}
			}
			for n, g := range got {
				if _, ok := want[n]; !ok {
					t.Errorf("frame %d: found %q, tshark found no UDP", n, g)
				}
			}
		})
	}
}

// tsharkUDP returns "src dst payloadlen" per frame number for the frames
// whose outermost transport is UDP (not fragments, not quoted in ICMP).
func tsharkUDP(t *testing.T, path string) map[int]string {
	t.Helper()
	out, err := exec.Command("tshark", "-r", path, "-n",
		"-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
		"-Y", "udp && !icmp && !icmpv6 && !gre && !(ip.flags.mf == 1) && !(ip.frag_offset > 0) && !ipv6.fragment",
		"-T", "fields", "-E", "occurrence=f", "-E", "separator=|",
		"-e", "frame.number", "-e", "ip.src", "-e", "ipv6.src", "-e", "udp.srcport",
		"-e", "ip.dst", "-e", "ipv6.dst", "-e", "udp.dstport", "-e", "udp.length", "-e", "frame.cap_len", "-e", "frame.len").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	m := map[int]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		c := strings.Split(sc.Text(), "|")
		if len(c) != 10 {
			t.Fatalf("tshark line %q", sc.Text())
		}
		var n, ulen, caplen, wirelen int
		fmt.Sscan(c[0], &n)
		fmt.Sscan(c[7], &ulen)
		fmt.Sscan(c[8], &caplen)
		fmt.Sscan(c[9], &wirelen)
		if caplen < wirelen {
			continue // cut short by the snap length: payload lengths differ by design
		}
		src, dst := c[1], c[4]
		if src == "" {
			src, dst = c[2], c[5]
		}
		m[n] = fmt.Sprintf("%s %s %d", joinHostPort(src, c[3]), joinHostPort(dst, c[6]), ulen-8)
	}
	return m
}

func joinHostPort(h, p string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]:" + p
	}
	return h + ":" + p
}

func TestUDPDatagramShortAndOdd(t *testing.T) {
	for _, tc := range []struct {
		name  string
		link  uint32
		frame []byte
		why   skipReason
	}{
		{"empty ethernet", capture.LinkEthernet, nil, skipShort},
		{"vlan tag cut", capture.LinkEthernet, append(make([]byte, 12), 0x81, 0x00, 0, 1), skipShort},
		{"arp", capture.LinkEthernet, append(make([]byte, 12), 0x08, 0x06, 0, 1), skipNotUDP},
		{"unknown link", 147, make([]byte, 64), skipNotUDP},
		{"raw v4 header cut", capture.LinkRaw, []byte{0x45, 0, 0, 20}, skipShort},
		{"raw v4 bad ihl", capture.LinkRaw, append([]byte{0x41}, make([]byte, 27)...), skipShort},
		{"raw v4 tcp", capture.LinkRaw, v4(6, 0, 8), skipNotUDP},
		{"raw v4 fragment", capture.LinkRaw, v4(17, 0x2000, 8), skipFragment},
		{"raw v4 udp header cut", capture.LinkRaw, v4(17, 0, 4), skipShort},
		{"raw v4 udp", capture.LinkRaw, v4(17, 0, 12), skipNone},
		{"raw v6 cut", capture.LinkRaw, []byte{0x60, 0, 0, 0}, skipShort},
		{"raw v6 fragment header", capture.LinkRaw, v6frag(), skipFragment},
		{"raw v6 tcp fragment", capture.LinkRaw, v6(44, 16), skipNotUDP},
		{"raw v6 options cut", capture.LinkRaw, v6(0, 4), skipNotUDP}, // decode stops at the cut header: no UDP seen
		{"null short", capture.LinkNull, []byte{2, 0}, skipShort},
		{"null v4 udp", capture.LinkNull, append([]byte{2, 0, 0, 0}, v4(17, 0, 12)...), skipNone},
		{"sll2 v6 udp", capture.LinkSLL2, append([]byte{0x86, 0xdd, 18: 0, 19: 0}, v6(17, 12)...), skipNone},
		{"sll2 short", capture.LinkSLL2, make([]byte, 19), skipShort},
		{"q-in-q udp", capture.LinkEthernet, append(append(make([]byte, 12), 0x88, 0xa8, 0, 1, 0x81, 0x00, 0, 2, 0x08, 0x00), v4(17, 0, 12)...), skipNone},
		{"v6 hop-by-hop then udp", capture.LinkRaw, v6hbh(), skipNone},
		{"ethernet v6 udp", capture.LinkEthernet, append(append(make([]byte, 12), 0x86, 0xdd), v6(17, 12)...), skipNone},
		{"linux sll v4 udp", capture.LinkLinuxSLL, append([]byte{14: 0x08, 15: 0x00}, v4(17, 0, 12)...), skipNone},
		{"openbsd loop v6 udp", capture.LinkLoop, append([]byte{0, 0, 0, 24}, v6(17, 12)...), skipNone},
		{"raw ipv4 link", capture.LinkIPv4, v4(17, 0, 12), skipNone},
		{"raw ipv6 link", capture.LinkIPv6, v6(17, 12), skipNone},
		{"udp header only", capture.LinkRaw, v4(17, 0, 8), skipNone},
		{"gre carries udp", capture.LinkRaw, v4gre(v4(17, 0, 12)), skipNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p decode.Packet
			_, why := udpDatagram(decode.NewDecoder(), tc.link, tc.frame, &p)
			if why != tc.why {
				t.Errorf("got reason %d, want %d", why, tc.why)
			}
		})
	}
}

func v4(proto byte, frag uint16, l4 int) []byte {
	b := make([]byte, 20+l4)
	b[0] = 0x45
	b[2], b[3] = byte((20+l4)>>8), byte(20+l4)
	b[6], b[7] = byte(frag>>8), byte(frag)
	b[9] = proto
	if proto == 17 && l4 >= 8 {
		b[24], b[25] = 0, byte(l4)
	}
	return b
}

func v6(next byte, l4 int) []byte {
	b := make([]byte, 40+l4)
	b[0] = 0x60
	b[4], b[5] = byte(l4>>8), byte(l4)
	b[6] = next
	return b
}

func FuzzUDPDatagram(f *testing.F) {
	f.Add(uint32(1), append(append(make([]byte, 12), 0x08, 0x00), v4(17, 0, 12)...))
	f.Add(uint32(101), v6(17, 12))
	f.Add(uint32(113), make([]byte, 60))
	f.Add(uint32(276), make([]byte, 60))
	f.Fuzz(func(t *testing.T, link uint32, b []byte) {
		d, ok := UDPDatagram(link, b)
		if ok && len(d.Payload) > len(b) {
			t.Fatalf("payload of %d bytes from a %d-byte frame", len(d.Payload), len(b))
		}
		LooksLikeExport(b)
	})
}

// v6hbh is an IPv6 packet with a hop-by-hop header before a UDP header.
func v6hbh() []byte {
	b := v6(0, 8+12)
	b[40] = 17 // next header after the options: UDP
	b[48+5] = 12
	return b
}

// v6frag is the first fragment of an IPv6 UDP datagram.
func v6frag() []byte {
	b := v6(44, 8+12)
	b[40] = 17 // next header after the fragment header: UDP
	b[43] = 1  // more fragments
	return b
}

// v4gre wraps an IPv4 packet in GRE over IPv4.
func v4gre(inner []byte) []byte {
	b := v4(47, 0, 4+len(inner))
	b[22], b[23] = 0x08, 0x00 // GRE protocol: IPv4
	copy(b[24:], inner)
	return b
}

// TestUDPDatagramFields checks the addresses, ports and payload found,
// Ethernet padding left out.
func TestUDPDatagramFields(t *testing.T) {
	pkt := v4(17, 0, 12)
	copy(pkt[12:], []byte{192, 0, 2, 1, 192, 0, 2, 2})
	pkt[20], pkt[21], pkt[22], pkt[23] = 0x08, 0x07, 0x07, 0xd3 // 2055 → 2003
	copy(pkt[28:], "abcd")
	frame := append(append(append(make([]byte, 12), 0x08, 0x00), pkt...), make([]byte, 10)...) // padded
	d, ok := UDPDatagram(capture.LinkEthernet, frame)
	if !ok || d.Src.String() != "192.0.2.1:2055" || d.Dst.String() != "192.0.2.2:2003" || string(d.Payload) != "abcd" {
		t.Errorf("got %v %v %q, %v", d.Src, d.Dst, d.Payload, ok)
	}
	v6pkt := v6(17, 12)
	v6pkt[8], v6pkt[24] = 0x20, 0x20
	v6pkt[41], v6pkt[43] = 9, 10 // ports 9 → 10
	d, ok = UDPDatagram(capture.LinkRaw, v6pkt)
	if !ok || d.Src.String() != "[2000::]:9" || d.Dst.String() != "[2000::]:10" || len(d.Payload) != 4 {
		t.Errorf("got %v %v %q, %v", d.Src, d.Dst, d.Payload, ok)
	}
}

// The datagram path allocates nothing per frame.
func TestUDPDatagramDoesNotAllocate(t *testing.T) {
	dec := decode.NewDecoder()
	var p decode.Packet
	frame := append(append(make([]byte, 12), 0x08, 0x00), v4(17, 0, 12)...)
	if n := testing.AllocsPerRun(100, func() { udpDatagram(dec, capture.LinkEthernet, frame, &p) }); n != 0 {
		t.Errorf("%.1f allocations per frame", n)
	}
}
