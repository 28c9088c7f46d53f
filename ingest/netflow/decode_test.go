package netflow

import (
	"fmt"
	"testing"
	"time"

	"tapdb/schema"
)

// exportCases are the real export captures in testdata, with what tshark's
// cflow dissector decodes from them (testdata/*.tshark) and what it cannot
// know: the sampling rate the options data announce.
var exportCases = []struct {
	name    string
	files   []string
	port    int
	golden  string
	rate    int64 // sampling rate applied to every record
	records int
}{
	{"v5 akvorado", []string{"akvorado-netflow-v5.pcap"}, 9990, "akvorado-netflow-v5.tshark", 1, 29},
	// The first data flowset precedes its template in the same packet; the
	// options data announce random sampling 1:100 for the whole exporter.
	{"v9 akvorado data before template", []string{"akvorado-netflow-v9-templates-data.pcap"}, 2055, "akvorado-netflow-v9-templates-data.tshark", 100, 21},
	{"v9 pmacct cisco", []string{"pmacct-netflow-v9-cisco.pcap"}, 9991, "pmacct-netflow-v9-cisco.tshark", 1, 0},
	// Templates and data arrive in two captures (two datagrams); biflow.
	{"ipfix ipfixprobe biflow", []string{"akvorado-ipfix-ipfixprobe-1-templates.pcap", "akvorado-ipfix-ipfixprobe-2-data.pcap"}, 4739, "akvorado-ipfix-ipfixprobe.tshark", 1, 4},
	{"ipfix pmacct cisco", []string{"pmacct-ipfix-cisco.pcap"}, 9991, "pmacct-ipfix-cisco.tshark", 1, 0},
}

func TestDecodeAgainstTshark(t *testing.T) {
	for _, tc := range exportCases {
		t.Run(tc.name, func(t *testing.T) {
			want := referenceFlows(t, tc.golden, tc.port, tc.files...)
			if tc.records != 0 && len(want) != tc.records {
				t.Fatalf("reference has %d flows, want %d", len(want), tc.records)
			}
			got, d, errs := decodeFiles(t, Config{PairWindow: -1}, tc.files...)
			for _, err := range errs {
				t.Errorf("decode: %v", err)
			}
			if len(got) != len(want) {
				t.Fatalf("decoded %d records, tshark %d", len(got), len(want))
			}
			for i, w := range want {
				if diff := compareFlow(got[i], w, tc.rate); diff != "" {
					t.Errorf("record %d (%s %d -> %s %d): %s", i, w.saddr, w.sport, w.daddr, w.dport, diff)
				}
			}
			st := d.Stats()
			if n := st.V5.Records + st.V9.Records + st.IPFIX.Records; n != uint64(len(want)) {
				t.Errorf("Stats records = %d, want %d", n, len(want))
			}
			if m := st.V5.Malformed + st.V9.Malformed + st.IPFIX.Malformed; m != 0 {
				t.Errorf("Stats malformed = %d, want 0", m)
			}
		})
	}
}

// compareFlow returns what differs between a decoded record and tshark's
// flow, or "".
func compareFlow(r *schema.Record, w tsharkFlow, rate int64) string {
	var diffs []string
	check := func(what string, got, want any) {
		if got != want {
			diffs = append(diffs, what+": got "+fmtAny(got)+", want "+fmtAny(want))
		}
	}
	check("saddr", r.Saddr, w.saddr)
	check("daddr", r.Daddr, w.daddr)
	check("pnum", r.PNum, int32(w.proto))
	sport, dport := int32(w.sport), int32(w.dport)
	switch w.proto {
	case protoICMP:
		tc := w.dport
		if w.icmp > 0 {
			tc = w.icmp
		}
		sport, dport = int32(tc>>8)|int32(tc&0xff)<<8, 0
	case protoTCP, protoUDP:
	default:
		sport, dport = 0, 0
	}
	check("sport", r.Sport, sport)
	check("dport", r.Dport, dport)
	check("spkts", r.Spkts, w.pkts*rate)
	check("sbytes", r.Sbytes, w.bytes*rate)
	check("dpkts", r.Dpkts, w.rpkts*rate)
	check("dbytes", r.Dbytes, w.rbytes*rate)
	check("stcpflags", r.STCPFlags, uint8(w.flags))
	if w.rpkts > 0 {
		check("dtcpflags", r.DTCPFlags, uint8(w.rflags))
	}
	near := func(what string, got, want time.Time) {
		if d := got.Sub(want); d < -time.Microsecond || d > time.Microsecond {
			diffs = append(diffs, what+": got "+got.Format(time.RFC3339Nano)+", want "+want.Format(time.RFC3339Nano))
		}
	}
	near("stime", r.Stime, w.stime)
	near("ltime", r.Ltime, w.ltime)
	check("flgs", r.Flgs, "N")
	check("cause", r.Cause, "Start")
	check("trans", r.Trans, int32(1))
	if len(diffs) == 0 {
		return ""
	}
	s := diffs[0]
	for _, d := range diffs[1:] {
		s += "; " + d
	}
	return s
}

func fmtAny(v any) string { return fmt.Sprint(v) }
