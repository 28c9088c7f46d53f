package collector

import (
	"context"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tapdb/ingest/netflow"
	"tapdb/ingest/netflow/netflowtest"
	"tapdb/schema"
)

// recorder collects emitted records; safe for the collector's goroutines.
type recorder struct {
	mu   sync.Mutex
	recs []schema.Record
}

func (r *recorder) emit(rec *schema.Record) error {
	r.mu.Lock()
	r.recs = append(r.recs, *rec)
	r.mu.Unlock()
	return nil
}

func (r *recorder) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, x := range r.recs {
		out = append(out, netflowtest.Line(int(x.PNum), x.Saddr, int(x.Sport), x.Daddr, int(x.Dport), x.Spkts, x.Sbytes))
	}
	slices.Sort(out)
	return out
}

// startCollector runs a collector on a loopback port until the test ends.
func startCollector(t *testing.T, cfg Config, emit func(*schema.Record) error) (*Collector, string, func()) {
	t.Helper()
	cfg.Listen = []string{"127.0.0.1:0"}
	c := New(cfg, emit)
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Listen(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(func() {
		if ctx.Err() == nil {
			stop()
		}
	})
	return c, c.Addrs()[0].String(), stop
}

// waitDatagrams waits until the collector has read n datagrams.
func waitDatagrams(t *testing.T, c *Collector, n uint64) {
	t.Helper()
	deadline := time.Now().Add(netflowtest.Wait)
	for c.Stats().Listeners[0].Datagrams < n {
		if time.Now().After(deadline) {
			t.Fatalf("collector read %d of %d datagrams", c.Stats().Listeners[0].Datagrams, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCollectorMatchesNfdump: softflowd exports a real capture as NetFlow
// v5, v9 and IPFIX; the same datagrams go to the collector's socket and to
// nfdump's collector, and both must find the same records, one for one
// (pairing off, since nfdump does not pair).
func TestCollectorMatchesNfdump(t *testing.T) {
	netflowtest.Need(t, "softflowd", "softflowctl", "nfcapd", "nfdump")
	capture, _ := filepath.Abs(repoCapture("zeek-wikipedia-mixed.pcap"))
	for _, tc := range []struct {
		name, version string
		args          []string
	}{
		{"v5", "5", nil},
		{"v9", "9", []string{"-6"}},
		{"ipfix", "10", []string{"-6"}},
		{"ipfix biflow", "10", []string{"-6", "-b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dgs := netflowtest.Softflowd(t, capture, tc.version, append([]string{"-a"}, tc.args...)...)
			var rec recorder
			c, addr, stop := startCollector(t, Config{Decoder: netflow.Config{PairWindow: -1}}, rec.emit)
			netflowtest.Send(t, addr, dgs)
			waitDatagrams(t, c, uint64(len(dgs)))
			stop()
			ours := rec.lines()
			theirs := netflowtest.Nfdump(t, dgs)
			slices.Sort(theirs)
			if tc.name == "ipfix biflow" {
				// nfdump 1.7 keeps an RFC 5103 biflow as one record
				// with the forward counts only: compare the forward
				// side.
				ours = nil
				for _, x := range rec.recs {
					ours = append(ours, netflowtest.Line(int(x.PNum), x.Saddr, int(x.Sport), x.Daddr, int(x.Dport), x.Spkts, x.Sbytes))
				}
				slices.Sort(ours)
			}
			if len(ours) == 0 || !slices.Equal(ours, theirs) {
				t.Errorf("records differ from nfdump's:\nours:\n%s\nnfdump:\n%s", strings.Join(ours, "\n"), strings.Join(theirs, "\n"))
			}
			st := c.Stats()
			if st.Listeners[0].Malformed != 0 {
				t.Errorf("malformed datagrams: %+v", st.Listeners[0])
			}
		})
	}
}

// TestCollectorSurvivesMalformed sends garbage between real datagrams: the
// garbage is counted, the rest decoded.
func TestCollectorSurvivesMalformed(t *testing.T) {
	good := readCaptureDatagrams(t, "akvorado-netflow-v5.pcap")
	var rec recorder
	c, addr, stop := startCollector(t, Config{Decoder: netflow.Config{PairWindow: -1}}, rec.emit)
	bad := []netflowtest.Datagram{
		{Payload: []byte{0}},                                              // too short for a version
		{Payload: []byte{0, 7, 0, 1}},                                     // unknown version
		{Payload: append([]byte{0, 5, 0, 30}, make([]byte, 40)...)},       // v5 claiming 30 records
		{Payload: append([]byte{0, 10, 0xff, 0xff}, make([]byte, 20)...)}, // IPFIX length beyond the datagram
		{Payload: append([]byte{0, 9, 0, 1}, make([]byte, 30)...)},
	}
	var all []netflowtest.Datagram
	all = append(all, bad...)
	all = append(all, good...)
	all = append(all, bad...)
	netflowtest.Send(t, addr, all)
	waitDatagrams(t, c, uint64(len(all)))
	stop()
	st := c.Stats()
	if st.Listeners[0].Malformed < uint64(len(bad)) {
		t.Errorf("malformed counted %d, sent at least %d", st.Listeners[0].Malformed, 2*len(bad))
	}
	if len(rec.recs) != 29 { // the v5 datagram's records (nfdump agrees, see the netflow package)
		t.Errorf("decoded %d records from the good datagram, want 29", len(rec.recs))
	}
}

// readCaptureDatagrams returns the export datagrams of a testdata capture.
func readCaptureDatagrams(t *testing.T, name string) []netflowtest.Datagram {
	t.Helper()
	var out []netflowtest.Datagram
	_, err := ReadCaptures(context.Background(), []string{repoCapture(name)}, FileOptions{}, func(*schema.Record) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	// ReadCaptures decodes; the raw payloads come from a second walk.
	walkCapture(t, repoCapture(name), func(d Datagram) {
		out = append(out, netflowtest.Datagram{From: d.Src, Payload: append([]byte(nil), d.Payload...)})
	})
	return out
}

func TestCollectorListenError(t *testing.T) {
	c := New(Config{Listen: []string{"127.0.0.1:0", "not an address"}}, func(*schema.Record) error { return nil })
	if err := c.Listen(context.Background()); err == nil {
		t.Fatal("Listen accepted a bad address")
	}
	// The first socket was closed again.
	if _, err := net.Dial("udp", "127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
}
