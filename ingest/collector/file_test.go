package collector

import (
	"context"
	"slices"
	"strings"
	"testing"

	"tapdb/ingest/netflow"
	"tapdb/ingest/netflow/netflowtest"
	"tapdb/schema"
)

func walkCapture(t *testing.T, path string, fn func(Datagram)) {
	t.Helper()
	for _, f := range loadFrames(t, path) {
		if d, ok := UDPDatagram(f.LinkType, f.Data); ok && LooksLikeExport(d.Payload) {
			fn(d)
		}
	}
}

// TestReadCapturesMatchesNfdump decodes the real export captures with
// ReadCaptures and replays their datagrams to nfdump's collector: the same
// records, one for one.
func TestReadCapturesMatchesNfdump(t *testing.T) {
	netflowtest.Need(t, "nfcapd", "nfdump")
	for _, tc := range []struct {
		name  string
		files []string
	}{
		{"v5", []string{"akvorado-netflow-v5.pcap"}},
		// akvorado's v9 capture is left out: nfdump 1.7 neither applies
		// its options data's 1:100 sampling nor decodes its data set that
		// precedes the template (see ingest/netflow's tests).
		{"cisco ipfix", []string{"pmacct-ipfix-cisco.pcap"}},
		{"ipfix in two files", []string{"akvorado-ipfix-ipfixprobe-1-templates.pcap", "akvorado-ipfix-ipfixprobe-2-data.pcap"}},
		{"cisco v9", []string{"pmacct-netflow-v9-cisco.pcap"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var paths []string
			var dgs []netflowtest.Datagram
			for _, f := range tc.files {
				paths = append(paths, repoCapture(f))
				walkCapture(t, repoCapture(f), func(d Datagram) {
					dgs = append(dgs, netflowtest.Datagram{From: d.Src, Payload: append([]byte(nil), d.Payload...)})
				})
			}
			var rec recorder
			st, err := ReadCaptures(context.Background(), paths, FileOptions{Detect: true, Decoder: netflow.Config{PairWindow: -1}}, rec.emit)
			if err != nil {
				t.Fatal(err)
			}
			if st.Malformed != 0 || st.Datagrams != int64(len(dgs)) {
				t.Errorf("stats %+v, want %d datagrams and none malformed", st, len(dgs))
			}
			ours := rec.lines()
			theirs := netflowtest.Nfdump(t, dgs)
			slices.Sort(theirs)
			if len(ours) == 0 || !slices.Equal(ours, theirs) {
				t.Errorf("records differ from nfdump's:\nours:\n%s\nnfdump:\n%s", strings.Join(ours, "\n"), strings.Join(theirs, "\n"))
			}
		})
	}
}

// TestReadCapturesPorts: with the default ports and no detection, exports
// to other ports are ignored; detection finds them.
func TestReadCapturesPorts(t *testing.T) {
	path := repoCapture("akvorado-netflow-v5.pcap") // exports to UDP 9990
	for _, tc := range []struct {
		name    string
		opts    FileOptions
		records bool
	}{
		{"default ports", FileOptions{}, false},
		{"its port", FileOptions{Ports: []uint16{9990}}, true},
		{"default ports, detection", FileOptions{Detect: true}, true},
		{"no ports, detection", FileOptions{Ports: []uint16{}, Detect: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n int
			st, err := ReadCaptures(context.Background(), []string{path}, tc.opts, func(*schema.Record) error { n++; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if (n > 0) != tc.records {
				t.Errorf("%d records (%+v)", n, st)
			}
		})
	}
}

// A packet capture without exports gives no records and no error; a
// missing file is an error.
func TestReadCapturesNoExports(t *testing.T) {
	st, err := ReadCaptures(context.Background(), []string{repoCapture("zeek-wikipedia-mixed.pcap")}, FileOptions{Detect: true}, func(*schema.Record) error {
		t.Fatal("record from a capture without exports")
		return nil
	})
	if err != nil || st.Datagrams != 0 || st.Frames == 0 {
		t.Errorf("stats %+v, err %v", st, err)
	}
	if _, err := ReadCaptures(context.Background(), []string{"testdata/missing.pcap"}, FileOptions{}, nil); err == nil {
		t.Error("no error for a missing capture")
	}
}

func TestLooksLikeExport(t *testing.T) {
	v5 := append([]byte{0, 5, 0, 1}, make([]byte, 20+48)...)
	for _, tc := range []struct {
		name string
		p    []byte
		want bool
	}{
		{"v5 one record", v5, true},
		{"v5 length off", v5[:len(v5)-1], false},
		{"dns-ish", []byte{0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w'}, false},
		{"short", []byte{0, 10}, false},
		{"ipfix", append([]byte{0, 10, 0, 24, 16: 0, 17: 2, 18: 0, 19: 8}, make([]byte, 4)...), true},
		{"ipfix bad set id", append([]byte{0, 10, 0, 24, 16: 0, 17: 7, 18: 0, 19: 8}, make([]byte, 4)...), false},
		{"v9 template flowset", append([]byte{0, 9, 0, 1, 20: 0, 21: 0, 22: 0, 23: 8}, make([]byte, 4)...), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LooksLikeExport(tc.p); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
