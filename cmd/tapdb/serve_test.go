package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tapdb/ingest/netflow/netflowtest"
	"tapdb/internal/testutil"
)

// served is a running tapdb serve.
type served struct {
	cmd     *exec.Cmd
	pg      string   // Postgres endpoint host:port
	udp     []string // collector sockets
	metrics string   // metrics host:port, if asked for
	stderr  *testutil.SyncBuffer
	done    chan error
}

// startServe runs tapdb serve with args and waits for its banner. Listen
// addresses should use port 0; the banner tells the real ones.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	cmd := exec.Command(tapdbBin, append([]string{"serve"}, args...)...)
	s := &served{cmd: cmd, stderr: &testutil.SyncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-s.done
		}
	})
	wantMetrics := slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--metrics") })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		io.Copy(io.Discard, out)
		s.done <- cmd.Wait()
	}()
	deadline := time.After(netflowtest.Wait)
	for s.pg == "" || (wantMetrics && s.metrics == "") {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("tapdb serve exited before serving:\n%s", s.stderr.String())
			}
			switch {
			case strings.HasPrefix(l, "tapdb serving flows on "):
				s.pg = strings.TrimPrefix(l, "tapdb serving flows on ")
			case strings.HasPrefix(l, "  collecting NetFlow/IPFIX on udp "):
				s.udp = append(s.udp, strings.TrimPrefix(l, "  collecting NetFlow/IPFIX on udp "))
			case strings.HasPrefix(l, "  metrics on http://"):
				s.metrics = strings.TrimSuffix(strings.TrimPrefix(l, "  metrics on http://"), "/metrics")
			}
		case <-deadline:
			t.Fatalf("tapdb serve did not start:\n%s", s.stderr.String())
		}
	}
	go func() {
		for range lines {
		}
	}()
	return s
}

// stop sends sig and returns the exit code.
func (s *served) stop(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(netflowtest.Wait):
		t.Fatalf("tapdb serve did not stop on %v:\n%s", sig, s.stderr.String())
	}
	return s.cmd.ProcessState.ExitCode()
}

func (s *served) conn(t *testing.T) *pgx.Conn {
	t.Helper()
	host, port, _ := strings.Cut(s.pg, ":")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, fmt.Sprintf("host=%s port=%s user=tapdb dbname=flows sslmode=disable", host, port))
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, s.stderr.String())
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// metric returns the value of a sample line of /metrics ("name{labels}").
func (s *served) metric(t *testing.T, sample string) float64 {
	t.Helper()
	resp, err := http.Get("http://" + s.metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), sample+" "); ok {
			var f float64
			fmt.Sscan(v, &f)
			return f
		}
	}
	t.Fatalf("no sample %s in /metrics", sample)
	return 0
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(netflowtest.Wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// queryLines returns the flows as netflowtest.Line strings, sorted.
func queryLines(t *testing.T, c *pgx.Conn) []string {
	t.Helper()
	rows, err := c.Query(context.Background(), "SELECT pnum, saddr, sport, daddr, dport, spkts, sbytes FROM flows")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var pnum, sport, dport int32
		var saddr, daddr string
		var spkts, sbytes int64
		if err := rows.Scan(&pnum, &saddr, &sport, &daddr, &dport, &spkts, &sbytes); err != nil {
			t.Fatal(err)
		}
		out = append(out, netflowtest.Line(int(pnum), saddr, int(sport), daddr, int(dport), spkts, sbytes))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestServeNetflowMatchesNfdump: softflowd exports a real capture to tapdb
// serve as NetFlow v5, v9 and IPFIX while it serves queries; the flows
// queried through the Postgres endpoint match, record for record, what
// nfdump's collector stores from the same export. SIGTERM then stops it
// with exit status 0 and the store keeps every record.
func TestServeNetflowMatchesNfdump(t *testing.T) {
	netflowtest.Need(t, "softflowd", "softflowctl", "nfcapd", "nfdump")
	capture, _ := filepath.Abs(testdataPath(t, "pcaps/zeek-wikipedia-mixed.pcap"))
	for _, tc := range []struct {
		name, version, flag string
		args                []string
	}{
		{"v5", "5", "--netflow", nil},
		{"v9", "9", "--netflow", []string{"-6"}},
		{"ipfix", "10", "--ipfix", []string{"-6"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dgs := netflowtest.Softflowd(t, capture, tc.version, append([]string{"-a"}, tc.args...)...)
			theirs := netflowtest.Nfdump(t, dgs)
			slices.Sort(theirs)

			db := filepath.Join(t.TempDir(), "flows.duckdb")
			s := startServe(t, "--db", db, tc.flag, "127.0.0.1:0", "--listen", "127.0.0.1:0", "--trust",
				"--metrics", "127.0.0.1:0", "--commit-every", "100ms", "--pair-window", "-1s")
			c := s.conn(t)
			netflowtest.Send(t, s.udp[0], dgs)
			var ours []string
			waitFor(t, "the flows to be queryable", func() bool {
				ours = queryLines(t, c)
				return len(ours) >= len(theirs)
			})
			if !slices.Equal(ours, theirs) {
				t.Errorf("flows differ from nfdump's:\nours:\n%s\nnfdump:\n%s", strings.Join(ours, "\n"), strings.Join(theirs, "\n"))
			}
			if v := s.metric(t, `tapdb_export_datagrams_total{listener="`+s.udp[0]+`"}`); v != float64(len(dgs)) {
				t.Errorf("metrics count %v datagrams, sent %d", v, len(dgs))
			}
			c.Close(context.Background())
			if code := s.stop(t, syscall.SIGTERM); code != 0 {
				t.Errorf("exit status %d after SIGTERM:\n%s", code, s.stderr.String())
			}
			out, _, code := tapdb(t, "sql", db, "SELECT count(*) FROM flows")
			if code != 0 || !strings.Contains(out, fmt.Sprint(len(theirs))) {
				t.Errorf("store after stop: %q (want %d flows)", out, len(theirs))
			}
		})
	}
}
