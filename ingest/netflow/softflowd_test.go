package netflow

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"tapdb/ingest/netflow/netflowtest"
	"tapdb/schema"
)

// The capture softflowd exports: per tshark, 121 IPv4 packets with 22373 IP
// bytes (sum of ip.len) and 5 IPv6 packets with 523 (ipv6.plen + 40); the
// other 10 frames are ARP and STP.
const (
	wikiCapture  = "zeek-wikipedia-mixed.pcap"
	wikiPkts4    = 121
	wikiBytes4   = 22373
	wikiPktsAll  = 126
	wikiBytesAll = 22896
)

// The first and last packet times of the capture (capinfos).
var (
	wikiStart = time.Date(2011, 3, 18, 19, 6, 7, 96535000, time.UTC)
	wikiEnd   = time.Date(2011, 3, 18, 19, 6, 13, 475401000, time.UTC)
)

// TestSoftflowdExport has a real exporter, softflowd, read a capture and
// export it to a UDP socket as NetFlow v5, v9 and IPFIX; everything that
// arrives is decoded and must add up to the capture's packets and IP bytes,
// and pairing must rebuild softflowd's own bidirectional flows.
func TestSoftflowdExport(t *testing.T) {
	netflowtest.Need(t, "softflowd", "softflowctl")
	capture, err := filepath.Abs(filepath.Join("testdata", wikiCapture))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, version string
		pkts, bytes   int64
		extraArgs     []string
		wantVersion5  bool
		// early and late are how far the exported times may stray from the
		// capture's: v9 has whole-second export times beside millisecond
		// uptimes, and softflowd 1.1.0 writes NTP microseconds as
		// (usec+1)·2^32/10^6, one microsecond late.
		early, late time.Duration
	}{
		{"v5", "5", wikiPkts4, wikiBytes4, nil, true, 0, 0}, // v5 carries IPv4 only
		{"v9", "9", wikiPktsAll, wikiBytesAll, []string{"-6"}, false, time.Second, 0},
		{"ipfix", "10", wikiPktsAll, wikiBytesAll, []string{"-6"}, false, time.Millisecond, 0}, // milliseconds
		{"ipfix biflow", "10", wikiPktsAll, wikiBytesAll, []string{"-6", "-b"}, false, time.Millisecond, 0},
		{"ipfix microseconds", "10", wikiPktsAll, wikiBytesAll, []string{"-6", "-A", "micro"}, false, 0, time.Microsecond},
		{"ipfix nanoseconds", "10", wikiPktsAll, wikiBytesAll, []string{"-6", "-A", "nano"}, false, 0, time.Microsecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// -a: flow times from the capture's timestamps.
			datagrams, log := netflowtest.SoftflowdLog(t, capture, tc.version, append([]string{"-a"}, tc.extraArgs...)...)
			flows, records := softflowdCounts(t, log)

			d := NewDecoder(Config{PairWindow: time.Minute})
			var recs []*schema.Record
			for _, dg := range datagrams {
				if err := d.Decode(dg.From, dg.Payload, dg.Time, collect(&recs)); err != nil {
					t.Errorf("Decode: %v", err)
				}
			}
			if err := d.Flush(collect(&recs)); err != nil {
				t.Fatal(err)
			}
			var pkts, byts int64
			for _, r := range recs {
				pkts += r.Spkts + r.Dpkts
				byts += r.Sbytes + r.Dbytes
				if r.Stime.Before(wikiStart.Add(-tc.early)) || r.Ltime.After(wikiEnd.Add(tc.late)) || r.Ltime.Before(r.Stime) {
					t.Errorf("record %s:%d -> %s:%d: times %s – %s outside the capture's %s – %s", r.Saddr, r.Sport, r.Daddr, r.Dport,
						r.Stime.Format(time.RFC3339Nano), r.Ltime.Format(time.RFC3339Nano), wikiStart.Format(time.RFC3339Nano), wikiEnd.Format(time.RFC3339Nano))
				}
			}
			if pkts != tc.pkts || byts != tc.bytes {
				t.Errorf("decoded %d packets, %d bytes; the capture has %d, %d", pkts, byts, tc.pkts, tc.bytes)
			}
			st := d.Stats()
			decoded := st.V5.Records + st.V9.Records + st.IPFIX.Records
			if decoded != uint64(records) {
				t.Errorf("decoded %d records, softflowd says it exported %d", decoded, records)
			}
			if len(recs) != flows {
				t.Errorf("%d records after pairing, softflowd exported %d flows", len(recs), flows)
			}
			if m := st.V5.Malformed + st.V9.Malformed + st.IPFIX.Malformed + st.V9.MissingTemplate + st.IPFIX.MissingTemplate; m != 0 {
				t.Errorf("malformed or missing-template counts: %+v", st)
			}
			if (st.V5.Datagrams > 0) != tc.wantVersion5 {
				t.Errorf("datagram versions: %+v", st)
			}
		})
	}
}

var (
	reExpired  = regexp.MustCompile(`Flows expired: (\d+) `)
	reExported = regexp.MustCompile(`Flows exported: \d+ \((\d+) records\) in \d+ packets \((\d+) failures\)`)
)

// softflowdCounts reads softflowd's own report: the (bidirectional) flows
// it expired and the (one-way) records it exported for them.
func softflowdCounts(t *testing.T, log string) (flows, records int) {
	t.Helper()
	e, x := reExpired.FindStringSubmatch(log), reExported.FindStringSubmatch(log)
	if e == nil || x == nil {
		t.Fatalf("no export summary in softflowd's log:\n%s", log)
	}
	if x[2] != "0" {
		t.Fatalf("softflowd reports export failures:\n%s", log)
	}
	flows, _ = strconv.Atoi(e[1])
	records, _ = strconv.Atoi(x[1])
	return flows, records
}
