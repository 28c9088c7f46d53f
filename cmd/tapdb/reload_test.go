package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"tapdb/ingest/netflow/netflowtest"
)

func tryConnect(pg string) error {
	host, port, _ := strings.Cut(pg, ":")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, fmt.Sprintf("host=%s port=%s user=tapdb dbname=flows sslmode=disable", host, port))
	if err != nil {
		return err
	}
	return c.Close(context.Background())
}

// TestServeSIGHUPReload: SIGHUP re-reads the config file; a new allow-list
// refuses new clients at once while an open session keeps working, and a
// second reload lets clients in again. The process keeps running.
func TestServeSIGHUPReload(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "tapdb.toml")
	write := func(allow string) {
		text := fmt.Sprintf("db = %q\nlisten = \"127.0.0.1:0\"\ntrust = true\nallow = [%q]\nmetrics = \"127.0.0.1:0\"\n", filepath.Join(dir, "flows.duckdb"), allow)
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("127.0.0.0/8")
	s := startServe(t, "--config", conf, "--metrics", "127.0.0.1:0")
	c := s.conn(t)

	write("10.99.0.0/16")
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the new allow-list", func() bool { return tryConnect(s.pg) != nil })
	// The refused client is told why (SQLSTATE 28000), and the refusal
	// is logged with its address.
	var pe *pgconn.PgError
	if err := tryConnect(s.pg); !errors.As(err, &pe) || pe.Code != "28000" || !strings.Contains(pe.Message, `no allow-list entry for host "127.0.0.1"`) {
		t.Errorf("refused client got %v, want SQLSTATE 28000", err)
	}
	if !strings.Contains(s.stderr.String(), "level=WARN msg=\"connection refused: address not in the allow-list\" remote=127.0.0.1:") {
		t.Errorf("refusal not logged:\n%s", s.stderr.String())
	}
	var one int
	if err := c.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Errorf("the open session broke on reload: %v", err)
	}
	if v := s.metric(t, "tapdb_pg_connections_refused_total"); v < 1 {
		t.Errorf("refused connections metric %v", v)
	}
	write("127.0.0.1/32")
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "clients let in again", func() bool { return tryConnect(s.pg) == nil })
	// The session kept across reloads is the only one open (the probes'
	// connections close as the server notices their end).
	waitFor(t, "one open connection", func() bool { return s.metric(t, "tapdb_pg_open_connections") == 1 })
	// A broken config file is refused and the old settings stay.
	os.WriteFile(conf, []byte("allow = [\"not a network\"]\n"), 0o644)
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the refusal to be logged", func() bool { return strings.Contains(s.stderr.String(), "configuration not reloaded") })
	if err := tryConnect(s.pg); err != nil {
		t.Errorf("after a bad reload: %v", err)
	}
	c.Close(context.Background())
	if code := s.stop(t, syscall.SIGINT); code != 0 {
		t.Errorf("exit status %d after SIGINT", code)
	}
}

// TestServeRetentionSchedule: records from 2011 exported by softflowd
// while the daemon runs are deleted by the next retention round (--retain
// 30d --retain-every 300ms); /healthz stays ok.
func TestServeRetentionSchedule(t *testing.T) {
	capture, _ := filepath.Abs(testdataPath(t, "pcaps/zeek-wikipedia-mixed.pcap"))
	dgs := netflowtest.Softflowd(t, capture, "5", "-a")
	db := filepath.Join(t.TempDir(), "flows.duckdb")
	s := startServe(t, "--db", db, "--netflow", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--trust",
		"--metrics", "127.0.0.1:0", "--commit-every", "100ms", "--retain", "30d", "--retain-every", "300ms", "--log-format", "json")
	netflowtest.Send(t, s.udp[0], dgs)
	waitFor(t, "the flows to be written", func() bool { return s.metric(t, "tapdb_flows_written_total") > 0 })
	waitFor(t, "retention to delete the 2011 records", func() bool {
		return s.metric(t, "tapdb_retention_deleted_flows_total") >= 1 && s.metric(t, "tapdb_stored_flows") == 0
	})
	c := s.conn(t)
	if n := count(t, c, "true"); n != 0 {
		t.Errorf("%d flows left after retention", n)
	}
	resp, err := http.Get("http://" + s.metrics + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "ok" {
		t.Errorf("/healthz: %d %q", resp.StatusCode, body)
	}
	if !strings.Contains(s.stderr.String(), "retention deleted records") {
		t.Errorf("retention not logged:\n%s", s.stderr.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(s.stderr.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("--log-format json wrote a line that is not JSON: %q", line)
		}
	}
	c.Close(context.Background())
	s.stop(t, syscall.SIGTERM)
}

// TestServeUsage: configuration mistakes are usage errors (exit status 2)
// before anything is opened; --print-config prints TOML.
func TestServeUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "nothing to serve"},
		{[]string{"serve", "--netflow", "2055"}, "address"},
		{[]string{"serve", "--netflow", ":0", "--bpf", "tcp[13] = 2", "-i", "lo"}, "packet-offset expressions"},
		{[]string{"serve", "--bogus"}, "flag provided but not defined"},
	} {
		_, errOut, code := tapdb(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
	out, _, code := tapdb(t, "serve", "--print-config", "--netflow", ":2055", "--retain", "90d")
	if code != 0 || !strings.Contains(out, "[collector]\nnetflow = [\":2055\"]") || !strings.Contains(out, "[retention]\nretain = \"90d\"") {
		t.Errorf("--print-config: exit %d:\n%s", code, out)
	}
	// The printed configuration, one table per section, loads back to
	// itself.
	printed := filepath.Join(t.TempDir(), "printed.toml")
	if err := os.WriteFile(printed, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if again, errOut, code := tapdb(t, "serve", "--print-config", "--config", printed); code != 0 || again != out {
		t.Errorf("printed configuration loaded back: exit %d %s\n%s\nwant\n%s", code, errOut, again, out)
	}
}
