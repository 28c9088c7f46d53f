package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"

	"tapdb/ingest/live/livetest"
)

// tcpAppBytes sums the application bytes of the TCP flows to port.
func tcpAppBytes(t *testing.T, c *pgx.Conn, port int) (sapp, dapp int64, fin bool) {
	t.Helper()
	err := c.QueryRow(context.Background(),
		"SELECT coalesce(sum(sappbytes), 0), coalesce(sum(dappbytes), 0), coalesce(bool_or(state = 'FIN'), false) FROM flows WHERE proto = 'tcp' AND dport = $1",
		port).Scan(&sapp, &dapp, &fin)
	if err != nil {
		t.Fatal(err)
	}
	return sapp, dapp, fin
}

func count(t *testing.T, c *pgx.Conn, where string) int64 {
	t.Helper()
	var n int64
	if err := c.QueryRow(context.Background(), "SELECT count(*) FROM flows WHERE "+where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestServeLiveCaptureAndKill9: tapdb serve captures real traffic on a veth
// pair (pings, a TCP transfer to a server in another namespace, UDP), and
// the flows are queried through the Postgres endpoint with pgx. Then it is
// killed with SIGKILL during ingest and restarted on the same store: the
// store opens, every batch committed before the kill is there, capture
// resumes, and SIGTERM stops it with exit status 0.
func TestServeLiveCaptureAndKill9(t *testing.T) {
	v := livetest.Setup(t, 102)
	tcpPort := v.TCPServer(t, 7000)
	udpPort, _ := v.UDPServer(t)
	db := filepath.Join(t.TempDir(), "flows.duckdb")
	pid := filepath.Join(t.TempDir(), "tapdb.pid")
	args := []string{"--db", db, "-i", v.Host, "--listen", "127.0.0.1:0", "--trust", "--metrics", "127.0.0.1:0",
		"--status-interval", "1s", "--commit-every", "200ms", "--srcid", "veth-sensor", "--pid-file", pid}
	s := startServe(t, args...)
	if b, err := os.ReadFile(pid); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(s.cmd.Process.Pid) {
		t.Errorf("pid file: %q, %v; pid %d", b, err, s.cmd.Process.Pid)
	}
	c := s.conn(t)

	v.Ping(t, 0x4242, 4, 56)
	v.TCPTransfer(t, tcpPort, 250000)
	v.UDPSend(t, udpPort, 30, 300)
	waitFor(t, "the TCP transfer, pings and UDP in the store", func() bool {
		sapp, dapp, fin := tcpAppBytes(t, c, tcpPort)
		return sapp == 250000 && dapp == 7000 && fin &&
			count(t, c, fmt.Sprintf("proto = 'icmp' AND saddr = '%s' AND state = 'ECO'", v.HostIP)) == 4 &&
			count(t, c, fmt.Sprintf("proto = 'udp' AND dport = %d", udpPort)) > 0
	})
	var udpPkts, udpApp int64
	if err := c.QueryRow(context.Background(), "SELECT sum(spkts), sum(sappbytes) FROM flows WHERE proto = 'udp' AND dport = $1", udpPort).Scan(&udpPkts, &udpApp); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "all the UDP datagrams", func() bool {
		c.QueryRow(context.Background(), "SELECT sum(spkts), sum(sappbytes) FROM flows WHERE proto = 'udp' AND dport = $1", udpPort).Scan(&udpPkts, &udpApp)
		return udpPkts == 30
	})
	if udpApp != 30*300 {
		t.Errorf("UDP application bytes %d, want %d", udpApp, 30*300)
	}
	if n := count(t, c, "srcid <> 'veth-sensor'"); n != 0 {
		t.Errorf("%d flows with another srcid", n)
	}
	if v := s.metric(t, fmt.Sprintf(`tapdb_capture_packets_total{interface="%s"}`, v.Host)); v == 0 {
		t.Error("no packets counted in the metrics")
	}
	if v := s.metric(t, fmt.Sprintf(`tapdb_capture_kernel_drops_total{interface="%s"}`, v.Host)); v != 0 {
		t.Errorf("%v kernel drops", v)
	}

	// kill -9 while UDP keeps flowing, then restart.
	before := count(t, c, "true")
	go v.UDPSend(t, udpPort, 200, 100)
	c.Close(context.Background())
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.done
	s2 := startServe(t, args...)
	c2 := s2.conn(t)
	if after := count(t, c2, "true"); after < before {
		t.Errorf("after kill -9: %d flows, %d were committed before", after, before)
	}
	if sapp, dapp, _ := tcpAppBytes(t, c2, tcpPort); sapp != 250000 || dapp != 7000 {
		t.Errorf("after kill -9 the TCP transfer reads %d/%d application bytes", sapp, dapp)
	}
	// Capture resumes.
	tcp2 := v.TCPServer(t, 10)
	v.TCPTransfer(t, tcp2, 12345)
	waitFor(t, "a transfer after the restart", func() bool {
		sapp, _, fin := tcpAppBytes(t, c2, tcp2)
		return sapp == 12345 && fin
	})
	c2.Close(context.Background())
	if code := s2.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit status %d after SIGTERM:\n%s", code, s2.stderr.String())
	}
	if _, err := os.Stat(pid); !os.IsNotExist(err) {
		t.Errorf("pid file left behind: %v", err)
	}
}
