package netflow

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"tapdb/schema"
)

// TestNfdumpAgreement replays softflowd's export of a capture to nfdump's
// collector (nfcapd) and checks that the Decoder finds the same records,
// one for one: protocol, addresses, ports, packets and bytes. Times are not
// compared: nfdump 1.7 prints whole seconds and puts some v9 records at
// 1970 (uptime-relative times it does not convert).
func TestNfdumpAgreement(t *testing.T) {
	for _, tool := range []string{"softflowd", "softflowctl", "nfcapd", "nfdump"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian packages softflowd, nfdump); skipping the nfdump comparison", tool)
		}
	}
	sfd, _ := exec.LookPath("softflowd")
	ctl, _ := exec.LookPath("softflowctl")
	capture, err := filepath.Abs(filepath.Join("testdata", wikiCapture))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, version string
		args          []string
	}{
		{"v5", "5", nil},
		{"v9", "9", []string{"-6"}},
		{"ipfix", "10", []string{"-6"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			datagrams, _ := runSoftflowd(t, sfd, ctl, capture, tc.version, append([]string{"-a"}, tc.args...))
			d := NewDecoder(Config{PairWindow: -1})
			var recs []*schema.Record
			for _, dg := range datagrams {
				if err := d.Decode(dg.from, dg.payload, dg.time, collect(&recs)); err != nil {
					t.Fatal(err)
				}
			}
			var ours []string
			for _, r := range recs {
				ours = append(ours, flowLine(int(r.PNum), r.Saddr, int(r.Sport), r.Daddr, int(r.Dport), r.Spkts, r.Sbytes))
			}
			theirs := nfdumpFlows(t, datagrams)
			slices.Sort(ours)
			slices.Sort(theirs)
			if !slices.Equal(ours, theirs) {
				t.Errorf("records differ from nfdump's:\nours:\n%s\nnfdump:\n%s", strings.Join(ours, "\n"), strings.Join(theirs, "\n"))
			}
			if len(ours) == 0 {
				t.Error("no records")
			}
		})
	}
}

// The real export captures, replayed to nfcapd, decode to the same records.
func TestNfdumpAgreementCaptures(t *testing.T) {
	for _, tool := range []string{"nfcapd", "nfdump"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian package nfdump); skipping the nfdump comparison", tool)
		}
	}
	for _, tc := range exportCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.rate != 1 {
				// nfdump 1.7 neither applies the options data's sampling
				// rate nor decodes the data set that precedes its template.
				t.Skip("nfdump decodes this capture differently by design (sampling, data before template)")
			}
			recs, _, errs := decodeFiles(t, Config{PairWindow: -1}, tc.files...)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			var datagrams []exportPacket
			for _, f := range tc.files {
				datagrams = append(datagrams, readExports(t, "testdata/"+f)...)
			}
			var ours []string
			for _, r := range recs {
				ours = append(ours, flowLine(int(r.PNum), r.Saddr, int(r.Sport), r.Daddr, int(r.Dport), r.Spkts, r.Sbytes))
			}
			theirs := nfdumpFlows(t, datagrams)
			slices.Sort(ours)
			slices.Sort(theirs)
			if !slices.Equal(ours, theirs) {
				t.Errorf("records differ from nfdump's:\nours:\n%s\nnfdump:\n%s", strings.Join(ours, "\n"), strings.Join(theirs, "\n"))
			}
		})
	}
}

func flowLine(proto int, sa string, sp int, da string, dp int, pkts, byts int64) string {
	if proto == protoICMP || proto == protoICMPv6 {
		sp, dp = 0, 0 // nfdump and Argus put ICMP type/code in different places
	}
	return fmt.Sprintf("%d %s %d %s %d %d %d", proto, sa, sp, da, dp, pkts, byts)
}

// nfdumpFlows sends the datagrams to a fresh nfcapd, stops it once it has
// read them all, and returns the records nfdump reads from its file.
func nfdumpFlows(t *testing.T, datagrams []exportPacket) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), softflowdWait)
	defer cancel()
	// Find a free port for nfcapd.
	probe, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	port := probe.LocalAddr().(*net.UDPAddr).Port
	probe.Close()

	dir := t.TempDir()
	var log syncBuffer
	cmd := exec.CommandContext(ctx, "nfcapd", "-b", "127.0.0.1", "-p", strconv.Itoa(port), "-w", dir, "-t", "3600", "-P", filepath.Join(dir, "pid"))
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	for !strings.Contains(log.String(), "Startup") {
		select {
		case <-ctx.Done():
			t.Fatalf("nfcapd did not start: %s", log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	conn, err := net.DialUDP("udp", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, dg := range datagrams {
		if _, err := conn.Write(dg.payload); err != nil {
			t.Fatal(err)
		}
	}
	// Wait until nfcapd has read everything queued on its socket.
	for udpQueued(t, port) > 0 {
		select {
		case <-ctx.Done():
			t.Fatal("nfcapd did not read its socket")
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("nfcapd: %v\n%s", err, log.String())
	}
	out, err := exec.CommandContext(ctx, "nfdump", "-6", "-R", dir, "-q", "-N", "-o", "fmt:%pr|%sa|%sp|%da|%dp|%pkt|%byt").Output()
	if err != nil {
		t.Fatalf("nfdump: %v", err)
	}
	var flows []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		c := strings.Split(sc.Text(), "|")
		if len(c) != 7 {
			continue
		}
		n := func(i int) int64 {
			v, err := strconv.ParseInt(strings.TrimSpace(c[i]), 10, 64)
			if err != nil {
				t.Fatalf("nfdump line %q: %v", sc.Text(), err)
			}
			return v
		}
		proto := int(n(0))
		var sp, dp int
		if proto != protoICMP && proto != protoICMPv6 { // nfdump prints ICMP "ports" as type.code
			sp, dp = int(n(2)), int(n(4))
		}
		flows = append(flows, flowLine(proto, nfdumpAddr(c[1]), sp, nfdumpAddr(c[3]), dp, n(5), n(6)))
	}
	return flows
}

// nfdumpAddr undoes nfdump's display of IPv4 addresses as "::a.b.c.d" when
// the template also has (zero) IPv6 address fields, as Cisco's v9 has.
func nfdumpAddr(s string) string {
	s = strings.TrimSpace(s)
	if v4, ok := strings.CutPrefix(s, "::"); ok && strings.Count(v4, ".") == 3 {
		return v4
	}
	return s
}

// udpQueued returns the bytes waiting in the receive queue of the
// loopback UDP socket bound to port (from /proc/net/udp).
func udpQueued(t *testing.T, port int) int64 {
	b, err := os.ReadFile("/proc/net/udp")
	if err != nil {
		t.Skipf("cannot read /proc/net/udp to know when nfcapd is done: %v", err)
	}
	want := fmt.Sprintf("0100007F:%04X", port)
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && f[1] == want {
			_, rx, _ := strings.Cut(f[4], ":")
			v, _ := strconv.ParseInt(rx, 16, 64)
			return v
		}
	}
	return 0
}

// syncBuffer is a bytes.Buffer safe to read while a process writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
