//go:build linux

package live

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tapdb/ingest/flow"
	"tapdb/ingest/live/livetest"
	"tapdb/schema"
)

type sink struct {
	mu   sync.Mutex
	recs []schema.Record
}

func (s *sink) emit(r *schema.Record) error {
	s.mu.Lock()
	s.recs = append(s.recs, *r)
	s.mu.Unlock()
	return nil
}

// totals sums the records of one flow (its status records included).
type totals struct {
	records                            int
	spkts, dpkts, sappbytes, dappbytes int64
	states                             map[string]int
}

func sum(recs []schema.Record, match func(*schema.Record) bool) totals {
	t := totals{states: map[string]int{}}
	for i := range recs {
		r := &recs[i]
		if !match(r) {
			continue
		}
		t.records++
		t.spkts += r.Spkts
		t.dpkts += r.Dpkts
		t.sappbytes += r.Sappbytes
		t.dappbytes += r.Dappbytes
		t.states[r.State]++
	}
	return t
}

// TestLiveCapture captures real traffic on a veth pair: pings, a TCP
// transfer and UDP datagrams to a namespace, and finds each flow with the
// counts that were sent.
func TestLiveCapture(t *testing.T) {
	for _, tc := range []struct {
		name   string
		filter string
		udp    bool // UDP flows expected
	}{
		{"no filter", "", true},
		{"filter not udp", "not udp", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := livetest.Setup(t, 101)
			tcpPort := v.TCPServer(t, 5000)
			udpPort, received := v.UDPServer(t)
			var s sink
			cfg := flow.DefaultConfig()
			cfg.StatusInterval = time.Second
			cfg.Srcid = "test"
			c, err := Open(Config{Interfaces: []string{v.Host}, Promisc: true, Filter: tc.filter, Flow: cfg, RingBytes: 4 << 20}, s.emit)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- c.Run(ctx) }()

			if !promiscuous(t, v.Host) {
				t.Errorf("%s is not in promiscuous mode while capturing", v.Host)
			}
			v.Ping(t, 0x7a7a, 3, 56)
			if got := v.TCPTransfer(t, tcpPort, 100000); got != 5000 {
				t.Fatalf("TCP reply of %d bytes", got)
			}
			v.UDPSend(t, udpPort, 20, 200)
			deadline := time.Now().Add(10 * time.Second)
			for received.Load() < 20 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(200 * time.Millisecond) // let the last packets reach the ring
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			host, peer := v.HostIP.String(), v.PeerIP.String()
			s.mu.Lock()
			recs := s.recs
			s.mu.Unlock()

			icmp := sum(recs, func(r *schema.Record) bool { return r.PNum == 1 && r.Saddr == host && r.Daddr == peer })
			if icmp.records != 3 || icmp.spkts != 3 || icmp.dpkts != 3 || icmp.states["ECO"] != 3 {
				t.Errorf("pings: %+v, want 3 ECO records of one request and one reply", icmp)
			}
			tcp := sum(recs, func(r *schema.Record) bool {
				return r.PNum == 6 && r.Saddr == host && r.Daddr == peer && r.Dport == int32(tcpPort)
			})
			if tcp.records == 0 || tcp.sappbytes != 100000 || tcp.dappbytes != 5000 || tcp.states["FIN"] == 0 {
				t.Errorf("TCP transfer: %+v, want 100000 application bytes out, 5000 back, ending FIN", tcp)
			}
			udp := sum(recs, func(r *schema.Record) bool { return r.PNum == 17 && r.Dport == int32(udpPort) })
			if tc.udp && (udp.spkts != 20 || udp.sappbytes != 20*200 || udp.dpkts != 0) {
				t.Errorf("UDP: %+v, want 20 packets of 200 bytes one way", udp)
			}
			if !tc.udp && udp.records != 0 {
				t.Errorf("UDP flows despite the filter %q: %+v", tc.filter, udp)
			}
			for _, r := range recs {
				if r.Srcid != "test" {
					t.Fatalf("srcid %q", r.Srcid)
				}
			}
			st := c.Stats()
			if len(st) != 1 || st[0].Packets == 0 || st[0].KernelPackets < uint64(st[0].Packets) || st[0].KernelDrops != 0 {
				t.Errorf("interface stats %+v", st)
			}
		})
	}
}

// promiscuous reads IFF_PROMISC from the interface's flags.
func promiscuous(t *testing.T, name string) bool {
	b, err := os.ReadFile("/sys/class/net/" + name + "/flags")
	if err != nil {
		t.Fatal(err)
	}
	flags, err := strconv.ParseUint(strings.TrimSpace(string(b)), 0, 32)
	if err != nil {
		t.Fatal(err)
	}
	return flags&0x100 != 0
}

func TestOpenErrors(t *testing.T) {
	noop := func(*schema.Record) error { return nil }
	if _, err := Open(Config{}, noop); err == nil {
		t.Error("no interfaces accepted")
	}
	if _, err := Open(Config{Interfaces: []string{"tapdb-no-such-if"}}, noop); err == nil {
		t.Error("missing interface accepted")
	}
	if _, err := Open(Config{Interfaces: []string{"lo"}, Filter: "port http"}, noop); err == nil {
		t.Error("bad filter accepted")
	}
}

// TestLiveCaptureTwoInterfaces captures two veth pairs into one flow table:
// the pings on each are found, each once.
func TestLiveCaptureTwoInterfaces(t *testing.T) {
	a, b := livetest.Setup(t, 103), livetest.Setup(t, 104)
	var s sink
	c, err := Open(Config{Interfaces: []string{a.Host, b.Host}, Snaplen: 128, Flow: flow.Config{StatusInterval: time.Second}}, s.emit)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	a.Ping(t, 0x0a0a, 2, 400)
	b.Ping(t, 0x0b0b, 3, 400)
	time.Sleep(200 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tc := range []struct {
		v    *livetest.Veth
		want int
	}{{a, 2}, {b, 3}} {
		got := sum(s.recs, func(r *schema.Record) bool { return r.PNum == 1 && r.Daddr == tc.v.PeerIP.String() })
		if got.records != tc.want || got.spkts != int64(tc.want) || got.dpkts != int64(tc.want) {
			t.Errorf("%s: %+v, want %d pings", tc.v.Host, got, tc.want)
		}
		// The snap length cuts the 428-byte echoes, the counts keep
		// their wire length.
		for _, r := range s.recs {
			if r.PNum == 1 && r.Daddr == tc.v.PeerIP.String() && r.Sbytes != 14+20+8+400 {
				t.Errorf("echo of %d bytes, want %d", r.Sbytes, 14+20+8+400)
			}
		}
	}
	st := c.Stats()
	if len(st) != 2 || st[0].Name != a.Host || st[1].Name != b.Host {
		t.Errorf("stats %+v", st)
	}
}
