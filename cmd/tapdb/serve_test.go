package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"tapdb/ingest/netflow/netflowtest"
	"tapdb/internal/testutil"
	"tapdb/pgwire"
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

// TestServeTLS: --tls-required with no certificate generates a
// self-signed one beside the store (127.0.0.1 and localhost in its
// names), logs its fingerprint, and psql (sslmode=verify-full), pgx,
// psycopg2, pgjdbc (ssl=true) and node-postgres verify it; a client
// without TLS is refused with 28000; SIGHUP takes up a renewed
// certificate while an open session goes on.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, "--db", filepath.Join(dir, "flows.duckdb"), "--listen", "127.0.0.1:0", "--trust", "--tls-required")
	cert := filepath.Join(dir, "server.crt")
	fingerprint := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		blk, _ := pem.Decode(b)
		if blk == nil {
			t.Fatalf("%s: no PEM", path)
		}
		return pgwire.CertFingerprint(tls.Certificate{Certificate: [][]byte{blk.Bytes}})
	}
	fp := fingerprint(cert)
	waitFor(t, "the fingerprint "+fp+" to be logged", func() bool { return strings.Contains(s.stderr.String(), "sha256="+fp) })
	host, port, _ := strings.Cut(s.pg, ":")
	ctx := context.Background()
	connect := func(hostName, sslmode, root string) (*pgx.Conn, error) {
		return pgx.Connect(ctx, fmt.Sprintf("host=%s port=%s user=tapdb dbname=flows sslmode=%s sslrootcert=%s connect_timeout=10", hostName, port, sslmode, root))
	}
	for _, h := range []string{"127.0.0.1", "localhost"} {
		c, err := connect(h, "verify-full", cert)
		if err != nil {
			t.Fatalf("pgx verify-full to %s: %v", h, err)
		}
		c.Close(ctx)
		if _, err := os.Stat("/usr/bin/psql"); err == nil {
			out, err := exec.Command("/usr/bin/psql", "-X", "-At", "-c", "select 'psql over tls'",
				fmt.Sprintf("host=%s port=%s user=tapdb dbname=flows sslmode=verify-full sslrootcert=%s", h, port, cert)).CombinedOutput()
			if err != nil || string(out) != "psql over tls\n" {
				t.Errorf("psql verify-full to %s: %v %s", h, err, out)
			}
		}
	}
	var pe *pgconn.PgError
	if _, err := connect(host, "disable", cert); !errors.As(err, &pe) || pe.Code != "28000" || !strings.Contains(err.Error(), "TLS is required") {
		t.Errorf("plain client with TLS required: %v, want 28000", err)
	}
	tlsClients(t, host, port, cert)

	// A renewed certificate, put in place of the old one, is served
	// after SIGHUP; the open session keeps working.
	open, err := connect(host, "verify-full", cert)
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close(ctx)
	renewed := t.TempDir()
	if _, err := pgwire.SelfSignedCert(renewed); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"server.crt", "server.key"} {
		b, err := os.ReadFile(filepath.Join(renewed, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := connect(host, "verify-full", cert); err == nil {
		t.Fatal("the renewed certificate was served before SIGHUP")
	}
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the renewed certificate", func() bool {
		c, err := connect(host, "verify-full", cert)
		if err == nil {
			c.Close(ctx)
		}
		return err == nil
	})
	if !strings.Contains(s.stderr.String(), "SIGHUP: TLS certificate loaded") || !strings.Contains(s.stderr.String(), "sha256="+fingerprint(cert)) {
		t.Errorf("reload not logged:\n%s", s.stderr.String())
	}
	var one int
	if err := open.QueryRow(ctx, "select 1").Scan(&one); err != nil {
		t.Errorf("session opened before the reload: %v", err)
	}
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// tlsClients connects with psycopg2, pgjdbc and node-postgres, each
// verifying the server's certificate against cert, when installed.
func tlsClients(t *testing.T, host, port, cert string) {
	t.Run("psycopg2", func(t *testing.T) {
		if exec.Command("/usr/bin/python3", "-c", "import psycopg2").Run() != nil {
			t.Skip("psycopg2 not installed")
		}
		out, err := exec.Command("/usr/bin/python3", "-c", `import psycopg2, sys
c = psycopg2.connect(sys.argv[1])
cur = c.cursor()
cur.execute("select 41 + 1")
print(cur.fetchone()[0], c.info.ssl_in_use)`, fmt.Sprintf("host=%s port=%s user=tapdb dbname=flows sslmode=verify-full sslrootcert=%s", host, port, cert)).CombinedOutput()
		if err != nil || string(out) != "42 True\n" {
			t.Errorf("psycopg2: %v %s", err, out)
		}
	})
	t.Run("pgjdbc", func(t *testing.T) {
		const jar = "/usr/share/java/postgresql.jar"
		if _, err := exec.LookPath("java"); err != nil {
			t.Skip("java not installed")
		}
		if _, err := os.Stat(jar); err != nil {
			t.Skip("pgjdbc not installed")
		}
		src := filepath.Join(t.TempDir(), "TLSClient.java")
		os.WriteFile(src, []byte(`import java.sql.*;
public class TLSClient {
	public static void main(String[] a) throws Exception {
		try (Connection c = DriverManager.getConnection(a[0]); ResultSet r = c.createStatement().executeQuery("select 40 + 2")) {
			r.next();
			System.out.println("jdbc " + r.getInt(1));
		}
	}
}
`), 0o644)
		// ssl=true is sslmode=verify-full in pgjdbc.
		url := fmt.Sprintf("jdbc:postgresql://%s:%s/flows?user=tapdb&ssl=true&sslrootcert=%s", host, port, cert)
		out, err := exec.Command("java", "-cp", jar, src, url).CombinedOutput()
		if err != nil || string(out) != "jdbc 42\n" {
			t.Errorf("pgjdbc: %v %s", err, out)
		}
	})
	t.Run("node-postgres", func(t *testing.T) {
		if _, err := exec.LookPath("node"); err != nil {
			t.Skip("node not installed")
		}
		env := append(os.Environ(), "NODE_PATH="+filepath.Join("..", "..", ".ci", "node", "node_modules"))
		check := exec.Command("node", "-e", "require('pg')")
		check.Env = env
		if check.Run() != nil {
			t.Skip("node-postgres not installed")
		}
		cmd := exec.Command("node", "-e", `const { Client } = require('pg');
const fs = require('fs');
const [host, port, ca] = process.argv.slice(1);
const c = new Client({ host, port: +port, user: 'tapdb', database: 'flows', ssl: { ca: fs.readFileSync(ca) } });
c.connect().then(() => c.query('select 40 + 2 as n')).then(r => { console.log('node ' + r.rows[0].n + ' ' + c.connection.stream.encrypted); return c.end(); }).catch(e => { console.error(e.message); process.exit(1); });`,
			host, port, cert)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil || string(out) != "node 42 true\n" {
			t.Errorf("node-postgres: %v %s", err, out)
		}
	})
}

// TestServeCostlyQueries: issue 12's attacks, scaled down. A result row
// over max-row-size and a query over memory-limit get 53200, a statement
// over max-statement-size gets 54000, and each session keeps working; the
// table functions that list the store's paths are refused, and no message
// names the store's directory.
func TestServeCostlyQueries(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, "--db", filepath.Join(dir, "flows.duckdb"), "--listen", "127.0.0.1:0", "--trust",
		"--memory-limit", "128MB", "--max-row-size", "1MiB", "--max-statement-size", "64KiB")
	c, other := s.conn(t), s.conn(t)
	ctx := context.Background()
	tests := []struct {
		sql, code string
	}{
		{"select repeat('x', 4000000)", "53200"},
		{"select string_agg(repeat('x', 1000000), ',') from range(400)", "53200"},
		{"select 1" + strings.Repeat(" ", 100<<10) + ", 2", "54000"},
		{"select * from duckdb_settings()", "42501"},
		{"select path from duckdb_databases()", "42501"},
		{"select * from '" + filepath.Join(dir, "flows.duckdb") + "'", "42501"},
	}
	for _, tt := range tests {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec} {
			_, err := c.Exec(ctx, tt.sql, mode)
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != tt.code {
				t.Errorf("%.60s (mode %v): %v, want SQLSTATE %s", tt.sql, mode, err, tt.code)
				continue
			}
			if all := pe.Message + pe.Detail + pe.Hint; strings.Contains(all, dir) {
				t.Errorf("%.60s: the message shows the store's directory: %s", tt.sql, all)
			}
			var one int
			if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("%.60s: select 1 afterwards: %v", tt.sql, err)
			}
		}
	}
	var n int64
	if err := other.QueryRow(ctx, "select count(*) from flows").Scan(&n); err != nil {
		t.Fatalf("other session: %v", err)
	}
}
