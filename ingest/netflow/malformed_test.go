package netflow

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"tapdb/schema"
)

// v9Template257 is a small v9 template: src, dst, proto, sport, dport,
// bytes, packets (4+4+1+2+2+4+4 = 21 bytes a record).
var v9Template257 = set(0, tmpl(257, 8, 4, 12, 4, 4, 1, 7, 2, 11, 2, 1, 4, 2, 4))

func v9Rec(src, dst string, sport, dport uint16, bytes, pkts uint32) []byte {
	return cat(ip4(src), ip4(dst), []byte{17}, be16(sport), be16(dport), be32(bytes), be32(pkts))
}

func TestMalformed(t *testing.T) {
	goodData := set(257, v9Rec("10.0.0.1", "10.0.0.2", 1, 2, 100, 1), v9Rec("10.0.0.3", "10.0.0.4", 3, 4, 200, 2))
	ipfixTmpl := set(2, tmpl(300, 8, 4, 12, 4, 4, 1, 1, 8, 2, 8, 0x8000|200, 0xffff), be32(9)) // last: enterprise 9, variable length
	ipfixRec := func(varPart []byte) []byte {
		return cat(ip4("10.0.0.1"), ip4("10.0.0.2"), []byte{6}, be64(1000), be64(10), varPart)
	}
	cases := []struct {
		name      string
		datagram  []byte
		records   int    // records decoded despite the damage
		version   uint16 // in the DecodeError
		offset    int
		msg       string // part of the error message
		malformed uint64
	}{
		{"empty", nil, 0, 0, 0, "holds no version", 0},
		{"unknown version", cat(be16(7), make([]byte, 30)), 0, 7, 0, "unknown export version", 0},
		{"v5 header truncated", cat(be16(5), be16(1), make([]byte, 6)), 0, 5, 10, "header truncated", 1},
		{"v5 count beyond the datagram",
			func() []byte {
				b := v5Packet(1000, 1, 0, v5Rec{src: "10.0.0.1", dst: "10.0.0.2", proto: 17, pkts: 1, bytes: 1}, v5Rec{src: "10.0.0.1", dst: "10.0.0.3", proto: 17, pkts: 1, bytes: 1})
				b[3] = 3
				return b
			}(), 2, 5, 24 + 2*48, "header counts 3 records, datagram holds 2", 1},
		{"v9 header truncated", cat(be16(9), make([]byte, 10)), 0, 9, 12, "header truncated", 1},
		{"v9 set length too short after a good set", v9Packet(1000, 1, 0, v9Template257, goodData, cat(be16(257), be16(2), be32(0))), 2, 9, 20 + len(v9Template257) + len(goodData) + 2, "length 2 invalid", 1},
		{"v9 set length beyond the datagram", v9Packet(1000, 1, 0, v9Template257, goodData, cat(be16(257), be16(400), be32(0))), 2, 9, 20 + len(v9Template257) + len(goodData) + 2, "length 400 invalid", 1},
		{"v9 template runs past its set", v9Packet(1000, 1, 0, set(0, be16(260), be16(10), be16(8), be16(4))), 0, 9, 24, "run past the end of the set", 1},
		{"v9 template id below 256", v9Packet(1000, 1, 0, set(0, tmpl(200, 8, 4))), 0, 9, 24, "template id 200 below 256", 1},
		{"v9 options template lengths not multiples of 4", v9Packet(1000, 1, 0, set(1, be16(256), be16(3), be16(4), make([]byte, 8))), 0, 9, 26, "not multiples of 4", 1},
		{"v9 zero-length template", v9Packet(1000, 1, 0, set(0, tmpl(258, 8, 0))), 0, 9, 24, "records of zero length", 1},
		{"ipfix message length beyond the datagram",
			func() []byte { b := ipfixPacket(1, 0, ipfixTmpl); b[3] += 8; return b }(), 0, 10, 2, "beyond the datagram", 1},
		{"ipfix message length below the header", cat(be16(10), be16(8), make([]byte, 12)), 0, 10, 2, "shorter than the header", 1},
		{"ipfix trailing bytes", cat(ipfixPacket(1, 0, ipfixTmpl)[:2], be16(uint16(16+len(ipfixTmpl)+2)), ipfixPacket(1, 0, ipfixTmpl)[4:], []byte{0, 0}), 0, 10, 16 + len(ipfixTmpl), "trailing bytes", 1},
		{"ipfix options template with no scope", ipfixPacket(1, 0, set(3, be16(400), be16(1), be16(0), be16(34), be16(4))), 0, 10, 24, "scope field count 0", 1},
		{"ipfix variable-length field past the end of the set",
			ipfixPacket(1, 0, ipfixTmpl, set(300, ipfixRec([]byte{2, 'o', 'k'}), ipfixRec([]byte{255, 0x01, 0x00, 'x'}))), 1, 10, 16 + len(ipfixTmpl) + 4 + 28 + 28, "runs past the end of the set", 1}, // two 28-byte records, the second cut after its length
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(Config{PairWindow: -1})
			var recs []*schema.Record
			exp := netip.MustParseAddrPort("198.51.100.7:9995")
			err := d.Decode(exp, tc.datagram, t0, collect(&recs))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *DecodeError", err)
			}
			if de.Exporter != exp || de.Version != tc.version || de.Offset != tc.offset || !strings.Contains(de.Msg, tc.msg) {
				t.Errorf("got %+v, want version %d offset %d msg containing %q", *de, tc.version, tc.offset, tc.msg)
			}
			if !strings.Contains(err.Error(), "198.51.100.7:9995") {
				t.Errorf("error %q does not name the exporter", err)
			}
			if len(recs) != tc.records {
				t.Errorf("%d records decoded, want %d", len(recs), tc.records)
			}
			st := d.Stats()
			if m := st.V5.Malformed + st.V9.Malformed + st.IPFIX.Malformed; m != tc.malformed {
				t.Errorf("malformed = %d, want %d", m, tc.malformed)
			}
		})
	}
}

// A template that is not refreshed expires: later data waits for a new
// one and is counted as missing when none comes.
func TestTemplateExpiry(t *testing.T) {
	d := NewDecoder(Config{PairWindow: -1, TemplateTimeout: time.Minute})
	var recs []*schema.Record
	data := set(257, v9Rec("10.0.0.1", "10.0.0.2", 1, 2, 100, 1))
	if err := d.Decode(exporterA, v9Packet(1000, 1, 0, v9Template257, data), t0, collect(&recs)); err != nil {
		t.Fatal(err)
	}
	if err := d.Decode(exporterA, v9Packet(2000, 2, 0, data), t0.Add(30*time.Second), collect(&recs)); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records within the timeout, want 2", len(recs))
	}
	if err := d.Decode(exporterA, v9Packet(3000, 3, 0, data), t0.Add(2*time.Minute), collect(&recs)); err != nil {
		t.Fatal(err)
	}
	if err := d.Flush(collect(&recs)); err != nil {
		t.Fatal(err)
	}
	if st := d.Stats(); len(recs) != 2 || st.V9.Deferred != 1 || st.V9.MissingTemplate != 1 {
		t.Fatalf("after expiry: %d records, deferred %d, missing %d; want 2 1 1", len(recs), st.V9.Deferred, st.V9.MissingTemplate)
	}
	// Templates are per exporter and source id: another source id's data
	// does not use this template.
	d2 := NewDecoder(Config{PairWindow: -1})
	recs = nil
	_ = d2.Decode(exporterA, v9Packet(1000, 1, 0, v9Template257), t0, collect(&recs))
	_ = d2.Decode(exporterA, v9Packet(1000, 1, 5, data), t0, collect(&recs))
	_ = d2.Decode(exporterB, v9Packet(1000, 1, 0, data), t0, collect(&recs))
	if len(recs) != 0 || d2.Stats().V9.Deferred != 2 {
		t.Fatalf("data of other domains decoded with a foreign template: %d records", len(recs))
	}
}

// IPFIX data that arrives before its template (here the second capture
// first) is held and decoded when the template comes.
func TestDataBeforeTemplateAcrossDatagrams(t *testing.T) {
	got, d, errs := decodeFiles(t, Config{PairWindow: -1}, "akvorado-ipfix-ipfixprobe-2-data.pcap", "akvorado-ipfix-ipfixprobe-1-templates.pcap")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want, _, _ := decodeFiles(t, Config{PairWindow: -1}, "akvorado-ipfix-ipfixprobe-1-templates.pcap", "akvorado-ipfix-ipfixprobe-2-data.pcap")
	if len(got) != 4 || len(want) != 4 {
		t.Fatalf("%d records (in order: %d), want 4", len(got), len(want))
	}
	for i := range got {
		if diff := recordDiff(got[i], want[i]); diff != "" {
			t.Errorf("record %d: %s", i, diff)
		}
	}
	if st := d.Stats(); st.IPFIX.Deferred != 1 || st.IPFIX.MissingTemplate != 0 || st.PendingSets != 0 {
		t.Errorf("stats %+v", st.IPFIX)
	}
}
