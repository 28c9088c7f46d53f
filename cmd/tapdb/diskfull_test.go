package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"tapdb/ingest/netflow/netflowtest"
)

// TestServeDiskFull puts the store on a 3 MiB tmpfs and sends NetFlow until
// a commit fails: ingest stops loudly (log, tapdb_ingest_stopped,
// tapdb_write_errors_total, /healthz 503) while queries keep being served;
// when the file system grows, ingest resumes, and after SIGTERM the store
// opens with every record the daemon said it committed.
func TestServeDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root; skipping the disk-full test")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3M", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	db := filepath.Join(dir, "flows.duckdb")
	s := startServe(t, "--db", db, "--netflow", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--trust", "--metrics", "127.0.0.1:0",
		"--commit-every", "100ms", "--retry-every", "3s", "--pair-window", "-1s")
	c := s.conn(t)

	netflowtest.Send(t, s.udp[0], netflowtest.V5Datagrams(4000, time.Now(), 1))
	waitFor(t, "a write error", func() bool { return s.metric(t, "tapdb_write_errors_total") >= 1 })
	sawStopped := false
	waitFor(t, "ingest to be reported stopped", func() bool {
		resp, err := http.Get("http://" + s.metrics + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable && s.metric(t, "tapdb_ingest_stopped") == 1 {
			sawStopped = true
		}
		return sawStopped || s.metric(t, "tapdb_write_errors_total") >= 2
	})
	if !sawStopped {
		t.Error("ingest was never reported stopped")
	}
	// Queries are served while ingest is stopped.
	if _, err := c.Exec(context.Background(), "SELECT count(*) FROM flows"); err != nil {
		t.Fatalf("query while ingest is stopped: %v\ndaemon log:\n%s", err, s.stderr.String())
	}
	if s.metric(t, "tapdb_flows_dropped_total") == 0 {
		t.Error("no records counted as dropped")
	}

	if out, err := exec.Command("mount", "-o", "remount,size=256M", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v %s", err, out)
	}
	waitFor(t, "ingest to resume", func() bool { return s.metric(t, "tapdb_ingest_stopped") == 0 })
	before := s.metric(t, "tapdb_flows_written_total")
	netflowtest.Send(t, s.udp[0], netflowtest.V5Datagrams(200, time.Now(), 2))
	waitFor(t, "the new records", func() bool { return s.metric(t, "tapdb_flows_written_total") >= before+6000 })
	written := s.metric(t, "tapdb_flows_written_total")
	if n := count(t, c, "true"); float64(n) != written {
		t.Errorf("queries see %d flows, the daemon committed %v", n, written)
	}
	c.Close(context.Background())
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit status %d:\n%s", code, s.stderr.String())
	}
	if got := sqlRow(t, db, "SELECT count(*) FROM flows"); got != formatCount(written) {
		t.Errorf("reopened store holds %s flows, the daemon committed %v", got, written)
	}
}

func formatCount(v float64) string { return fmt.Sprint(int64(v)) }
