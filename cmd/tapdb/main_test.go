package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"tapdb/store"
	"testing"
	"time"
)

// tapdbBin is the real binary, built once for the integration tests.
var tapdbBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tapdb-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tapdbBin = filepath.Join(dir, "tapdb")
	build := exec.Command("go", "build", "-o", tapdbBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build tapdb:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// tapdb runs the binary and returns stdout, stderr and the exit code.
func tapdb(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tapdbBin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run tapdb %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// testdataPath finds a file in the repository's testdata.
func testdataPath(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "testdata", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("test capture missing: %v", err)
	}
	return p
}

// writeSyntheticPcap writes an Ethernet pcap of n one-packet UDP flows, one
// every millisecond, each with its own source port and address, so that
// flows keep timing out and records keep flowing to the store.
func writeSyntheticPcap(t *testing.T, path string, n int) {
	t.Helper()
	var b bytes.Buffer
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	b.Write(hdr)
	frame := make([]byte, 14+20+8+4)
	copy(frame[0:6], []byte{0x02, 0, 0, 0, 0, 2})
	copy(frame[6:12], []byte{0x02, 0, 0, 0, 0, 1})
	frame[12], frame[13] = 0x08, 0x00
	ip := frame[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], 32)
	ip[8] = 64
	ip[9] = 17
	copy(ip[16:20], []byte{192, 0, 2, 1})
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp[2:], 9999)
	binary.BigEndian.PutUint16(udp[4:], 12)
	rec := make([]byte, 16)
	start := time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		ts := start.Add(time.Duration(i) * time.Millisecond)
		binary.LittleEndian.PutUint32(rec[0:], uint32(ts.Unix()))
		binary.LittleEndian.PutUint32(rec[4:], uint32(ts.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(frame)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(frame)))
		ip[12], ip[13], ip[14], ip[15] = 10, byte(i>>16), byte(i>>8), byte(i)
		binary.BigEndian.PutUint16(udp[0:], uint16(1024+i%60000))
		b.Write(rec)
		b.Write(frame)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSensorThenSQL(t *testing.T) {
	store := filepath.Join(t.TempDir(), "flows.duckdb")
	_, stderr, code := tapdb(t, "sensor", "-q", "-r", testdataPath(t, "pcaps/zeek-wikipedia-mixed.pcap"), "-w", store)
	if code != 0 {
		t.Fatalf("sensor exit %d: %s", code, stderr)
	}
	out, stderr, code := tapdb(t, "sql", "-csv", store, "select proto, count(*) as n, sum(spkts + dpkts) as pkts from flows group by 1 order by 1")
	if code != 0 {
		t.Fatalf("sql exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, "proto,n,pkts\n") || !strings.Contains(out, "\ntcp,") || !strings.Contains(out, "\nudp,") {
		t.Errorf("unexpected result:\n%s", out)
	}
	// Every packet of the capture is counted on some flow (136 packets).
	out, _, _ = tapdb(t, "sql", "-csv", store, "select sum(pkts) from flows")
	if strings.TrimSpace(out) != "sum(pkts)\n136" {
		t.Errorf("packets in flows: %q, want 136", out)
	}
}

func TestSensorRefusesGarbageBeforeWriting(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pcap")
	os.WriteFile(garbage, []byte("this is not a capture file at all, just text\n"), 0o644)
	store := filepath.Join(dir, "flows.duckdb")
	_, stderr, code := tapdb(t, "sensor", "-q", "-r", testdataPath(t, "pcaps/zeek-icmp-5-pings.pcap"), "-r", garbage, "-w", store)
	if code == 0 {
		t.Fatal("garbage capture accepted")
	}
	if !strings.Contains(stderr, "garbage.pcap") {
		t.Errorf("error does not name the file: %s", stderr)
	}
	if _, err := os.Stat(store); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the store was created although an input was refused: %v", err)
	}
}

func TestSensorKeepsFlowsBeforeDamage(t *testing.T) {
	store := filepath.Join(t.TempDir(), "flows.duckdb")
	_, stderr, code := tapdb(t, "sensor", "-q", "-r", testdataPath(t, "pcaps/zeek-wikipedia-mixed-truncated.pcap"), "-w", store)
	if code == 0 {
		t.Fatal("truncated capture gave exit status 0")
	}
	for _, want := range []string{"zeek-wikipedia-mixed-truncated.pcap", "packet 93", "offset"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("error %q does not say %q", stderr, want)
		}
	}
	out, _, _ := tapdb(t, "sql", "-csv", store, "select sum(pkts) from flows")
	if strings.TrimSpace(out) != "sum(pkts)\n92" {
		t.Errorf("packets stored from the 92 whole packets: %q", out)
	}
}

// kill -9 during a large ingest: the store opens cleanly and holds exactly
// the batches committed before the kill.
func TestSensorKill9KeepsCommittedBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("large ingest")
	}
	dir := t.TempDir()
	capture := filepath.Join(dir, "big.pcap")
	writeSyntheticPcap(t, capture, 600000)
	store := filepath.Join(dir, "flows.duckdb")
	cmd := exec.Command(tapdbBin, "sensor", "-v", "-q", "-r", capture, "-w", store, "-batch", "2000")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var totals []string
	buf := make([]byte, 0, 1<<16)
	tmp := make([]byte, 4096)
	for len(totals) < 5 {
		n, err := stderr.Read(tmp)
		if err != nil {
			t.Fatalf("sensor ended before 5 batches were committed: %v\n%s", err, buf)
		}
		buf = append(buf, tmp[:n]...)
		totals = totals[:0]
		for _, line := range strings.Split(string(buf), "\n") {
			if i := strings.Index(line, " total="); i >= 0 && strings.Contains(line, "committed batch") {
				totals = append(totals, strings.Fields(line[i+len(" total="):])[0])
			}
		}
	}
	cmd.Process.Kill() // SIGKILL
	cmd.Wait()
	// Everything the log said was committed before the kill is there, and
	// the count is a batch boundary (no half batch).
	out, errOut, code := tapdb(t, "sql", "-csv", store, "select count(*) from flows")
	if code != 0 {
		t.Fatalf("store does not open after kill -9: %s", errOut)
	}
	got := strings.TrimPrefix(strings.TrimSpace(out), "count_star()\n")
	var count, last int
	fmt.Sscan(got, &count)
	fmt.Sscan(totals[len(totals)-1], &last)
	if count < last {
		t.Fatalf("store holds %d records, but %d were committed before the kill", count, last)
	}
	if count%2000 != 0 {
		t.Errorf("store holds %d records: not a whole number of 2000-record batches", count)
	}
}

func TestRetain(t *testing.T) {
	store := filepath.Join(t.TempDir(), "flows.duckdb")
	if _, stderr, code := tapdb(t, "sensor", "-q", "-r", testdataPath(t, "pcaps/zeek-icmp-5-pings.pcap"), "-w", store); code != 0 {
		t.Fatal(stderr)
	}
	out, _, code := tapdb(t, "retain", "-n", store, "30d")
	if code != 0 || !strings.Contains(out, "would delete 5 flows that started before") {
		t.Fatalf("retain -n: %d %q", code, out)
	}
	out, _, code = tapdb(t, "retain", store, "30d")
	if code != 0 || !strings.Contains(out, "deleted 5 flows that started before") {
		t.Fatalf("retain: %d %q", code, out)
	}
	out, _, _ = tapdb(t, "sql", "-csv", store, "select count(*) from flows")
	if strings.TrimSpace(out) != "count_star()\n0" {
		t.Errorf("after retain: %q", out)
	}
	if _, _, code := tapdb(t, "retain", store, "thirty"); code != 2 {
		t.Errorf("bad age gave exit %d, want 2", code)
	}
}

// A store held by tapdb serve: other commands say who holds it and what to
// do instead, not DuckDB's raw lock error; a reading command's typo
// creates no store.
func TestHeldAndMissingStores(t *testing.T) {
	db := filepath.Join(t.TempDir(), "flows.duckdb")
	if _, stderr, code := tapdb(t, "sensor", "-q", "-r", testdataPath(t, "pcaps/zeek-icmp-5-pings.pcap"), "-w", db); code != 0 {
		t.Fatal(stderr)
	}
	s := startServe(t, "--db", db, "--listen", "127.0.0.1:0", "--trust")
	for _, args := range [][]string{{"sql", db, "select 1"}, {"retain", db, "30d"}} {
		_, stderr, code := tapdb(t, args...)
		if code == 0 || !strings.Contains(stderr, "is held by process") || !strings.Contains(stderr, "-S HOST:PORT") {
			t.Errorf("tapdb %s on a held store: exit %d, %q", args[0], code, stderr)
		}
	}
	s.stop(t, syscall.SIGTERM)

	missing := filepath.Join(t.TempDir(), "typo.duckdb")
	for _, args := range [][]string{{"sql", missing, "select 1"}, {"retain", missing, "30d"}, {"retain", "-n", missing, "30d"}} {
		if _, _, code := tapdb(t, args...); code == 0 {
			t.Errorf("tapdb %v on a missing store succeeded", args)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatalf("tapdb %v created %s", args, missing)
		}
	}
}

// tapdb verify on a store made by the sensor: clean, then after one
// record's byte count is changed, the altered period is named and the exit
// status is 1.
func TestVerify(t *testing.T) {
	db := filepath.Join(t.TempDir(), "flows.duckdb")
	for _, c := range []string{"pcaps/zeek-icmp-5-pings.pcap", "pcapplusplus-tcp-mysql-fin-rst.pcap", "pcaps/zeek-wikipedia-mixed.pcap"} {
		if !strings.HasPrefix(c, "pcaps/") {
			c = "pcaps/" + c
		}
		if _, stderr, code := tapdb(t, "sensor", "-q", "-r", testdataPath(t, c), "-w", db); code != 0 {
			t.Fatal(stderr)
		}
	}
	out, stderr, code := tapdb(t, "verify", db)
	if code != 0 || !strings.HasPrefix(out, "ok: ") || strings.HasPrefix(out, "ok: 0 ") {
		t.Fatalf("verify of an untouched store: %d %q %q", code, out, stderr)
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec("UPDATE flows SET dbytes = dbytes + 1 WHERE stime = (SELECT min(stime) FROM flows)"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, _, code = tapdb(t, "verify", "-r", db)
	if code != 1 || !strings.Contains(out, "no longer match its digest") {
		t.Errorf("verify of an altered store: exit %d, %q", code, out)
	}
	if _, _, code := tapdb(t, "verify", filepath.Join(t.TempDir(), "typo.duckdb")); code == 0 {
		t.Error("verify of a missing store succeeded")
	}
}

// TestSensorRefusesIngestedCapture runs the sensor twice on one capture:
// the second run is refused, naming the earlier ingestion and --again, and
// so is the same capture under another name; --again stores it again and
// tapdb_sources counts both times.
func TestSensorRefusesIngestedCapture(t *testing.T) {
	dir := t.TempDir()
	pings := testdataPath(t, "pcaps/zeek-icmp-5-pings.pcap")
	data, err := os.ReadFile(pings)
	if err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(dir, "renamed.pcap")
	if err := os.WriteFile(copied, data, 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "flows.duckdb")
	flows := func() string {
		out, _, _ := tapdb(t, "sql", "-csv", db, "select count(*) from flows")
		return strings.TrimSpace(out)
	}
	if _, stderr, code := tapdb(t, "sensor", "-q", "-r", pings, "-w", db); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	for _, in := range []string{pings, copied} {
		_, stderr, code := tapdb(t, "sensor", "-q", "-r", in, "-w", db)
		if code == 0 {
			t.Fatalf("%s read again without --again", in)
		}
		for _, want := range []string{in + " was already ingested", "as " + pings, "5 records", "--again"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("refusal %q does not say %q", stderr, want)
			}
		}
		if got := flows(); got != "count_star()\n5" {
			t.Errorf("after refusing %s: %q, want the 5 flows of the first run", in, got)
		}
	}
	// The same bytes twice in one run are refused too.
	if _, stderr, code := tapdb(t, "sensor", "-q", "-r", pings, "-r", copied, "-w", filepath.Join(dir, "other.duckdb")); code == 0 || !strings.Contains(stderr, "are the same file") {
		t.Errorf("the same capture twice in one run: exit %d: %s", code, stderr)
	}
	if _, stderr, code := tapdb(t, "sensor", "-q", "-r", copied, "-w", db, "--again"); code != 0 {
		t.Fatalf("--again: exit %d: %s", code, stderr)
	}
	if got := flows(); got != "count_star()\n10" {
		t.Errorf("after --again: %q, want 10 flows", got)
	}
	sum := sha256.Sum256(data)
	out, _, _ := tapdb(t, "sql", "-csv", db, "select sha256, size, name, kind, records, times, epoch_us(first_time), epoch_us(last_time) from tapdb_sources")
	want := fmt.Sprintf("%x,%d,%s,capture,5,2,1607454603986596,1607454608018993", sum, len(data), copied)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || lines[1] != want {
		t.Errorf("tapdb_sources:\n%s\nwant one row %s", out, want)
	}
}

// TestRefusedInputLeavesNoStore checks that a refused input (text, a typo
// in a path) leaves no store file behind, for sensor, ingest and import.
func TestRefusedInputLeavesNoStore(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("this is not a capture\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "typo.pcap")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"sensor text", []string{"sensor", "-q", "-r", text}, "unknown file format"},
		{"sensor typo", []string{"sensor", "-q", "-r", missing}, "typo.pcap"},
		{"ingest text", []string{"ingest", text}, "unknown file format"},
		{"ingest netflow typo", []string{"ingest", "--netflow", missing}, "typo.pcap"},
		{"import text", []string{"import", text}, "notes.txt"},
		{"import typo", []string{"import", missing}, "typo.pcap"},
	} {
		db := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".duckdb")
		_, stderr, code := tapdb(t, append([]string{tc.args[0], "-w", db}, tc.args[1:]...)...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d: %s (want it to say %q)", tc.name, code, stderr, tc.want)
		}
		if _, err := os.Stat(db); !os.IsNotExist(err) {
			t.Errorf("%s: the store was created (%v)", tc.name, err)
		}
	}
}

// TestServeRestartSkipsIngestedCaptures restarts tapdb serve with the same
// -r: the capture read at the first start is skipped (and the log says
// so), a new capture is read, and no flow is stored twice.
func TestServeRestartSkipsIngestedCaptures(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "flows.duckdb")
	pings := testdataPath(t, "pcaps/zeek-icmp-5-pings.pcap")
	dns := testdataPath(t, "pcaps/pcapplusplus-dns-packets.pcap")
	count := func(s *served) int64 {
		var n int64
		if err := s.conn(t).QueryRow(context.Background(), "SELECT count(*) FROM flows").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	s := startServe(t, "--db", db, "-r", pings, "--listen", "127.0.0.1:0", "--trust")
	if n := count(s); n != 5 {
		t.Fatalf("first start: %d flows, want 5", n)
	}
	s.stop(t, syscall.SIGTERM)

	s = startServe(t, "--db", db, "-r", pings, "-r", dns, "--listen", "127.0.0.1:0", "--trust")
	if !strings.Contains(s.stderr.String(), "capture already ingested; skipping it") {
		t.Errorf("the restart does not say it skipped the capture:\n%s", s.stderr.String())
	}
	c := s.conn(t)
	var pingFlows, sources, times int64
	if err := c.QueryRow(context.Background(), "SELECT count(*) FILTER (WHERE proto = 'icmp') FROM flows").Scan(&pingFlows); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(context.Background(), "SELECT count(*), max(times) FROM tapdb_sources").Scan(&sources, &times); err != nil {
		t.Fatal(err)
	}
	if pingFlows != 5 || sources != 2 || times != 1 || count(s) <= 5 {
		t.Errorf("after the restart: %d ping flows (want 5), %d sources (want 2), max times %d (want 1), %d flows", pingFlows, sources, times, count(s))
	}
	s.stop(t, syscall.SIGTERM)
}
