package netflow

import (
	"net/netip"
	"testing"

	"tapdb/schema"
)

// fuzzPrimers are template datagrams decoded before each fuzz input, so
// that mutated data sets meet real templates.
var fuzzPrimerFiles = []string{
	"akvorado-ipfix-ipfixprobe-1-templates.pcap",
	"akvorado-netflow-v9-templates-data.pcap",
	"pmacct-ipfix-cisco.pcap",
	"pmacct-netflow-v9-cisco.pcap",
}

func FuzzDecode(f *testing.F) {
	exporter := netip.MustParseAddrPort("192.0.2.9:2055")
	var primers [][]byte
	for _, name := range fuzzPrimerFiles {
		for i, p := range readExports(f, "testdata/"+name) {
			if i < 2 {
				primers = append(primers, p.payload)
			}
		}
	}
	for _, name := range []string{"akvorado-netflow-v5.pcap", "akvorado-ipfix-ipfixprobe-2-data.pcap", "akvorado-netflow-v9-templates-data.pcap",
		"pmacct-ipfix-cisco.pcap", "pmacct-netflow-v9-cisco.pcap", "ndpi-netflow-v9-no-templates.pcap"} {
		for i, p := range readExports(f, "testdata/"+name) {
			if i < 4 {
				f.Add(p.payload)
			}
		}
	}
	f.Add(v5Packet(1000, 1, 0, v5Rec{src: "10.0.0.1", dst: "10.0.0.2", proto: 1, pkts: 1, bytes: 1}))
	f.Add(v9Packet(1000, 1, 0, v9Template257, set(257, v9Rec("10.0.0.1", "10.0.0.2", 1, 2, 3, 4))))
	f.Add(ipfixPacket(1, 0, set(2, tmpl(300, 8, 4, 12, 4, 0x8000|5, 0xffff), be32(reversePEN)), set(300, ip4("10.0.0.1"), ip4("10.0.0.2"), []byte{255, 0, 1, 9})))

	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(Config{})
		n := 0
		emit := func(r *schema.Record) error {
			n++
			if r.Ltime.Before(r.Stime) {
				t.Fatalf("ltime %v before stime %v", r.Ltime, r.Stime)
			}
			return nil
		}
		for _, p := range primers {
			_ = d.Decode(exporter, p, t0, emit)
		}
		before := n
		_ = d.Decode(exporter, data, t0, emit)
		_ = d.Decode(exporter, data, t0, emit) // again: templates it defined are known now
		if err := d.Flush(emit); err != nil {
			t.Fatal(err)
		}
		// Every record takes at least one byte of the datagram (or of a
		// held copy of it), and held data stays bounded.
		if n-before > 4*len(data)+200 {
			t.Fatalf("%d records from %d bytes", n-before, len(data))
		}
		if d.pending.bytes > pendingMaxBytes || len(d.tmpl.m) > maxTemplates || d.pair.len() > pairMaxRecords {
			t.Fatalf("bounds exceeded: pending %d templates %d pairing %d", d.pending.bytes, len(d.tmpl.m), d.pair.len())
		}
	})
}
