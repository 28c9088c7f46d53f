package capture

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// corpusDir is the shared development corpus; the test skips without it
// (a fresh clone has only testdata/).
const corpusDir = "../../../shared/pcaps"

// TestCorpusCounts reads every capture of the development corpus. Counts
// are capinfos' (tshark -T fields -e frame.number | wc -l gives the same,
// except for the noted files).
func TestCorpusCounts(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("development corpus not present")
	}
	tests := []struct {
		file    string
		packets int
		damaged bool
	}{
		{"akvorado-ipfix-ipfixprobe-1-templates.pcap", 1, false},
		{"akvorado-ipfix-ipfixprobe-2-data.pcap", 1, false},
		{"akvorado-netflow-v5.pcap", 1, false},
		{"akvorado-netflow-v9-templates-data.pcap", 1, false},
		{"gopacket-null-loopback-ipv6.pcap", 24, false},
		{"gopacket-pcapng-bigendian-test202.pcapng", 8, false}, // tshark: 11 records, 3 are custom blocks
		{"ipfixprobe-arp.pcap", 45, false},
		{"ndpi-6in4-tunnel.pcap", 127, false},
		{"ndpi-fuzz-cut-short.pcap", 0, true}, // tshark: 1 partial frame
		{"ndpi-gnutella-mixed.pcap", 3905, false},
		{"ndpi-ipv6-http-tls-quic.pcap", 193, false},
		{"ndpi-netflow-v9-no-templates.pcap", 10, false},
		{"ndpi-synscan.pcap", 2011, false},
		{"pcapplusplus-dns-packets.pcap", 464, false},
		{"pcapplusplus-ipv4-fragments-nfs.pcap", 53, false},
		{"pcapplusplus-linux-sll.pcap", 518, false},
		{"pcapplusplus-many-interfaces.pcapng", 64, false},
		{"pcapplusplus-many-protocols-large.pcap", 4709, false},
		{"pcapplusplus-raw-ip.pcap", 100, false},
		{"pcapplusplus-tcp-mysql-fin-rst.pcap", 13, false},
		{"pcapplusplus-vlan-8021q.pcap", 26, false},
		{"pmacct-ipfix-cisco.pcap", 6, false},
		{"pmacct-netflow-v9-cisco.pcap", 40, false},
		{"tcpdump-empty-header-only.pcap", 0, false},
		{"tcpdump-mpls-traceroute-ppp.pcap", 18, false},
		{"tcpdump-tcp-handshake-nanosec-sll.pcap", 3, false},
		{"tcpdump-vxlan.pcap", 10, false},
		{"zeek-gre-sample.pcap", 40, false},
		{"zeek-icmp-5-pings.pcap", 10, false},
		{"zeek-icmpv6-mixed.pcap", 49, false},
		{"zeek-ipip-4in4.pcap", 1, false},
		{"zeek-ipv6-fragmented-dns.pcap", 8, false},
		{"zeek-irc-dcc-send-truncated.pcapng", 594, true},
		{"zeek-irc-dcc-send.pcapng", 1184, false},
		{"zeek-linux-sll2.pcap", 6, false},
		{"zeek-mixed-vlan-mpls.pcap", 47, false},
		{"zeek-nflog-http.pcap", 13, false},
		{"zeek-teredo.pcap", 78, false},
		{"zeek-wikipedia-mixed-truncated.pcap", 92, true},
		{"zeek-wikipedia-mixed.pcap", 136, false},
	}
	for _, tc := range tests {
		frames, _, err := openAll(t, filepath.Join(corpusDir, tc.file))
		var fe *FormatError
		switch {
		case len(frames) != tc.packets:
			t.Errorf("%s: %d packets, want %d (err %v)", tc.file, len(frames), tc.packets, err)
		case tc.damaged && !errors.As(err, &fe):
			t.Errorf("%s: err = %v, want *FormatError", tc.file, err)
		case !tc.damaged && err != io.EOF:
			t.Errorf("%s: err = %v, want io.EOF", tc.file, err)
		}
	}
}

// Offsets in gzip-compressed files are offsets in the decompressed stream.
func TestGzipDamagedOffsets(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "zeek-wikipedia-mixed-truncated.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader("cut.pcap.gz", bytes.NewReader(gzipBytes(t, data)))
	if err != nil {
		t.Fatal(err)
	}
	frames, err := readAll(t, r)
	var fe *FormatError
	if len(frames) != 92 || !errors.As(err, &fe) || fe.Packet != 93 || fe.Offset != 19932 {
		t.Errorf("%d frames, err %v; want 92 frames then packet 93 at offset 19932", len(frames), err)
	}
	// A gzip stream cut in the middle is damage too, not an I/O error.
	gz := gzipBytes(t, data)
	r, err = NewReader("cut.gz", bytes.NewReader(gz[:len(gz)/2]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, r); !errors.As(err, &fe) {
		t.Errorf("cut gzip stream: err = %v, want *FormatError", err)
	}
}

func TestNextDoesNotAllocate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "zeek-icmp-5-pings.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	w := &ngBuilder{order: binaryLE}
	w.shb()
	w.idb(1, 9, 0)
	head := append([]byte(nil), w.b.Bytes()...)
	w.b.Reset()
	w.epb(0, 1, make([]byte, 1500), 1500)
	w.block(5, make([]byte, 20))
	w.spb(make([]byte, 60))
	for _, tc := range []struct {
		name string
		r    io.Reader
	}{
		{"pcap", &loopReader{head: data[:24], body: data[24:]}},
		{"pcapng", &loopReader{head: head, body: w.b.Bytes()}},
	} {
		rd, err := NewReader(tc.name, tc.r)
		if err != nil {
			t.Fatal(err)
		}
		var f Frame
		if err := rd.Next(&f); err != nil { // the buffer grows here
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(1000, func() {
			if err := rd.Next(&f); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %.1f allocations per packet", tc.name, allocs)
		}
	}
}
