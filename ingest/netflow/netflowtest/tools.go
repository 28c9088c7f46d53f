package netflowtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tapdb/internal/testutil"
)

// Wait bounds every tool run; it guards against a hung tool and is not a
// timing assertion.
const Wait = 60 * time.Second

// Need skips t unless every named tool is installed.
func Need(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian packages softflowd, nfdump); skipping", tool)
		}
	}
}

// Datagram is one export datagram as received.
type Datagram struct {
	From    netip.AddrPort
	Payload []byte
	Time    time.Time // when it was received (captures: the packet's time)
}

// Softflowd has softflowd read capture and export it as version ("5", "9"
// or "10") to a local UDP socket, with extra arguments, and returns the
// datagrams it sent, in order. softflowd 1.1 reading a file blocks on its
// control socket between reads, so the socket is poked with softflowctl
// until softflowd exits. softflowd's own count of the datagrams it sent
// must match what arrived; a run that lost some on a busy machine is
// repeated (three tries).
func Softflowd(t testing.TB, capture, version string, extra ...string) []Datagram {
	t.Helper()
	dgs, _ := SoftflowdLog(t, capture, version, extra...)
	return dgs
}

// SoftflowdLog is Softflowd that also returns softflowd's log (its own
// count of the flows and records it exported).
func SoftflowdLog(t testing.TB, capture, version string, extra ...string) ([]Datagram, string) {
	t.Helper()
	Need(t, "softflowd", "softflowctl")
	var lastLog string
	for try := 0; try < 3; try++ {
		dgs, log := softflowdOnce(t, capture, version, extra...)
		m := softflowdSent.FindStringSubmatch(log)
		if m == nil {
			t.Fatalf("no export summary in softflowd's log:\n%s", log)
		}
		if sent, _ := strconv.Atoi(m[1]); sent == len(dgs) {
			return dgs, log
		}
		lastLog = log
	}
	t.Fatalf("softflowd's datagrams kept getting lost on loopback:\n%s", lastLog)
	return nil, ""
}

var softflowdSent = regexp.MustCompile(`Flows exported: \d+ \(\d+ records\) in (\d+) packets`)

func softflowdOnce(t testing.TB, capture, version string, extra ...string) ([]Datagram, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetReadBuffer(8 << 20); err != nil {
		t.Logf("set receive buffer: %v", err)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "ctl")
	args := append([]string{"-r", capture, "-n", conn.LocalAddr().String(), "-v", version, "-d",
		"-c", sock, "-p", filepath.Join(dir, "pid")}, extra...)
	var log testutil.SyncBuffer
	cmd := exec.CommandContext(ctx, "softflowd", args...)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var out []Datagram
	recvDone := make(chan struct{})
	go func() {
		defer close(recvDone)
		buf := make([]byte, 65536)
		for {
			n, from, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			out = append(out, Datagram{From: from, Payload: append([]byte(nil), buf[:n]...), Time: time.Now()})
		}
	}()
	var waitErr error
poke:
	for {
		select {
		case waitErr = <-done:
			break poke
		case <-ctx.Done():
			t.Fatalf("softflowd did not finish: %v\n%s", ctx.Err(), log.String())
		case <-time.After(100 * time.Millisecond):
			if _, err := os.Stat(sock); err == nil {
				_ = exec.CommandContext(ctx, "softflowctl", "-c", sock, "statistics").Run()
			}
		}
	}
	var ee *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &ee) {
		t.Fatalf("softflowd: %v\n%s", waitErr, log.String())
	}
	// softflowd sent everything before exiting; wait until the socket's
	// queue is drained, then stop the reader.
	port := conn.LocalAddr().(*net.UDPAddr).Port
	for UDPQueued(t, port) > 0 {
		select {
		case <-ctx.Done():
			t.Fatal("datagrams from softflowd were not read")
		case <-time.After(10 * time.Millisecond):
		}
	}
	_ = conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	<-recvDone
	return out, log.String()
}

// Send sends the datagrams to addr in order, pausing while the receiving
// socket's queue holds more than 64 KiB (well under the default socket
// buffer, so that nothing is dropped on loopback even when the receiver is
// slow).
func Send(t testing.TB, addr string, dgs []Datagram) {
	t.Helper()
	conn, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	port := conn.RemoteAddr().(*net.UDPAddr).Port
	deadline := time.Now().Add(Wait)
	for i, dg := range dgs {
		if _, err := conn.Write(dg.Payload); err != nil {
			t.Fatalf("send datagram %d: %v", i, err)
		}
		for i%8 == 7 && UDPQueued(t, port) > 64<<10 {
			if time.Now().After(deadline) {
				t.Fatal("receiver does not read its socket")
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// Nfdump sends the datagrams to a fresh nfcapd, stops it once it has read
// them all, and returns what nfdump reads from its files, one line per
// record in the form of Line. nfcapd stops on SIGTERM without decoding a
// datagram it has read but not yet processed, so a run in which it counted
// no flows at all is repeated (three tries) before the test fails.
func Nfdump(t testing.TB, dgs []Datagram) []string {
	t.Helper()
	Need(t, "nfcapd", "nfdump")
	for try := 1; ; try++ {
		flows, ok := nfdumpOnce(t, dgs, try == 3)
		if ok {
			return flows
		}
	}
}

func nfdumpOnce(t testing.TB, dgs []Datagram, last bool) ([]string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	probe, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	port := probe.LocalAddr().(*net.UDPAddr).Port
	probe.Close()
	dir := t.TempDir()
	var log testutil.SyncBuffer
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
	Send(t, "127.0.0.1:"+strconv.Itoa(port), dgs)
	for UDPQueued(t, port) > 0 {
		select {
		case <-ctx.Done():
			t.Fatal("nfcapd did not read its socket")
		case <-time.After(20 * time.Millisecond):
		}
	}
	time.Sleep(200 * time.Millisecond) // let it process the last datagram read
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
	// nfcapd's own count at exit ("Ident: 'none' Flows: N, …") must match
	// what nfdump read, and something must have arrived.
	m := nfcapdFlows.FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("nfcapd printed no flow count:\n%s", log.String())
	}
	want, _ := strconv.Atoi(m[1])
	if want == 0 {
		if !last {
			return nil, false
		}
		t.Fatalf("nfcapd counted no flows from %d datagrams, three times:\n%s", len(dgs), log.String())
	}
	var flows []string
	defer func() {
		if len(flows) != want && !t.Failed() {
			t.Fatalf("nfdump read %d records, nfcapd counted %d:\n%s", len(flows), want, log.String())
		}
	}()
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
		if proto != 1 && proto != 58 { // nfdump prints ICMP "ports" as type.code
			sp, dp = int(n(2)), int(n(4))
		}
		flows = append(flows, Line(proto, nfdumpAddr(c[1]), sp, nfdumpAddr(c[3]), dp, n(5), n(6)))
	}
	return flows, true
}

var nfcapdFlows = regexp.MustCompile(`Flows: (\d+),`)

// Line is the form records are compared in: protocol number, addresses,
// ports (0 for ICMP, whose type and code nfdump and Argus place
// differently), packets and bytes.
func Line(proto int, saddr string, sport int, daddr string, dport int, pkts, bytes int64) string {
	if proto == 1 || proto == 58 {
		sport, dport = 0, 0
	}
	return fmt.Sprintf("%d %s %d %s %d %d %d", proto, saddr, sport, daddr, dport, pkts, bytes)
}

// nfdumpAddr undoes nfdump's display of IPv4 addresses as "::a.b.c.d" when
// the template also has (zero) IPv6 address fields.
func nfdumpAddr(s string) string {
	s = strings.TrimSpace(s)
	if v4, ok := strings.CutPrefix(s, "::"); ok && strings.Count(v4, ".") == 3 {
		return v4
	}
	return s
}

// UDPQueued returns the bytes waiting in the receive queue of the UDP
// socket bound to port on 127.0.0.1 or any address (from /proc/net/udp).
func UDPQueued(t testing.TB, port int) int64 {
	b, err := os.ReadFile("/proc/net/udp")
	if err != nil {
		t.Skipf("cannot read /proc/net/udp to know when a socket is drained: %v", err)
	}
	suffix := fmt.Sprintf(":%04X", port)
	var total int64
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && strings.HasSuffix(f[1], suffix) && (strings.HasPrefix(f[1], "0100007F") || strings.HasPrefix(f[1], "00000000")) {
			_, rx, _ := strings.Cut(f[4], ":")
			v, _ := strconv.ParseInt(rx, 16, 64)
			total += v
		}
	}
	return total
}
