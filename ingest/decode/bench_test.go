package decode

import (
	"testing"

	"tapdb/ingest/capture"
)

// BenchmarkDecode decodes real frames of every link type and encapsulation
// in testdata round robin; one op is one frame and must not allocate.
func BenchmarkDecode(b *testing.B) {
	var all []capture.Frame
	for _, file := range []string{"vlan-8021q.pcap", "mixed-vlan-mpls.pcap", "gre.pcap", "6in4.pcap", "ipip-4in4.pcap",
		"linux-sll.pcap", "linux-sll2.pcap", "nflog.pcap", "null-loopback.pcap", "raw-ip.pcap", "ppp-mpls.pcap",
		"ipv6-fragments.pcap", "ipv4-fragments.pcap", "icmpv6.pcap", "arp.pcap", "wikipedia.pcap"} {
		all = append(all, frames(b, file)...)
	}
	d := NewDecoder()
	var p Packet
	var n int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := &all[i%len(all)]
		p.Reset()
		p.TimeNanos, p.WireLen = f.TimeNanos, f.WireLen
		if err := d.Decode(f.LinkType, f.Data, &p); err != nil {
			b.Fatal(err)
		}
		n += int64(len(f.Data))
	}
	b.SetBytes(n / int64(b.N))
}

// BenchmarkDecodeTCP is the common case: Ethernet, IPv4, TCP.
func BenchmarkDecodeTCP(b *testing.B) {
	fs := frames(b, "gre.pcap")
	data := fs[1].Data[38:] // the inner IPv4/TCP of the GRE frame
	frame := append(append([]byte(nil), fs[1].Data[:14]...), data...)
	d := NewDecoder()
	var p Packet
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.Reset()
		if err := d.Decode(capture.LinkEthernet, frame, &p); err != nil {
			b.Fatal(err)
		}
	}
}
