package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestIngestNetflow(t *testing.T) {
	db := filepath.Join(t.TempDir(), "flows.duckdb")
	// Templates in one file, data in the next; flags after the files.
	_, errOut, code := tapdb(t, "ingest", "--netflow", testdataPath(t, "pcaps/akvorado-netflow-v5.pcap"),
		testdataPath(t, "pcaps/akvorado-ipfix-ipfixprobe-1-templates.pcap"), testdataPath(t, "pcaps/akvorado-ipfix-ipfixprobe-2-data.pcap"),
		"-w", db, "--pair-window", "-1s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "v5 1, v9 0, IPFIX 2; 0 malformed") {
		t.Errorf("summary: %s", errOut)
	}
	// 29 v5 records (exporter 127.0.0.1 per the capture) and 4 IPFIX biflows.
	if got := sqlRow(t, db, "SELECT count(*), count(DISTINCT srcid), count(*) FILTER (WHERE flgs LIKE 'N%') FROM flows"); got != "33 2 33" {
		t.Errorf("store holds %q, want 33 records of 2 exporters, all flagged N", got)
	}
	// Only the default ports and no detection: the v5 export to 9990 is skipped.
	db2 := filepath.Join(t.TempDir(), "flows.duckdb")
	_, errOut, code = tapdb(t, "ingest", "--detect=false", "--netflow", testdataPath(t, "pcaps/akvorado-netflow-v5.pcap"), "-w", db2)
	if code != 0 || !strings.Contains(errOut, "read 0 export datagrams") {
		t.Errorf("without detection: exit %d: %s", code, errOut)
	}
	_, errOut, code = tapdb(t, "ingest", "--port", "9990", "--detect=false", "--netflow", testdataPath(t, "pcaps/akvorado-netflow-v5.pcap"), "-w", db2)
	if code != 0 || !strings.Contains(errOut, "read 1 export datagrams") {
		t.Errorf("--port 9990: exit %d: %s", code, errOut)
	}
}

func TestIngestUsage(t *testing.T) {
	for _, args := range [][]string{
		{"ingest"},
		{"ingest", "--netflow", "x.pcap"},
		{"ingest", "--port", "http", "--netflow", "x.pcap", "-w", "y"},
	} {
		if _, _, code := tapdb(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if _, errOut, code := tapdb(t, "ingest", "--netflow", "/nonexistent.pcap", "-w", filepath.Join(t.TempDir(), "s")); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing capture: exit %d: %s", code, errOut)
	}
}

// Without --netflow, ingest reads packets like tapdb sensor.
func TestIngestPackets(t *testing.T) {
	db := filepath.Join(t.TempDir(), "flows.duckdb")
	_, errOut, code := tapdb(t, "ingest", testdataPath(t, "pcaps/zeek-icmp-5-pings.pcap"), "-w", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := sqlRow(t, db, "SELECT count(*) FROM flows WHERE proto = 'icmp'"); got != "5" {
		t.Errorf("%s ping records, want 5", got)
	}
}

// sqlRow runs a query with tapdb sql and returns its first row's fields
// joined by single spaces.
func sqlRow(t *testing.T, db, query string) string {
	t.Helper()
	out, errOut, code := tapdb(t, "sql", db, query)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) < 2 {
		t.Fatalf("tapdb sql %q: exit %d: %s%s", query, code, out, errOut)
	}
	return strings.Join(strings.Fields(lines[1]), " ")
}

// TestIngestRefusesIngestedCapture: an export capture ingested twice is
// refused the second time unless --again is given.
func TestIngestRefusesIngestedCapture(t *testing.T) {
	db := filepath.Join(t.TempDir(), "flows.duckdb")
	v5 := testdataPath(t, "pcaps/akvorado-netflow-v5.pcap")
	for i, tc := range []struct {
		args []string
		ok   bool
		want string
	}{
		{nil, true, "29 flow records"},
		{nil, false, "was already ingested"},
		{[]string{"--again"}, true, "29 flow records"},
	} {
		args := append([]string{"ingest", "--netflow", v5, "-w", db}, tc.args...)
		_, errOut, code := tapdb(t, args...)
		if (code == 0) != tc.ok || !strings.Contains(errOut, tc.want) {
			t.Errorf("run %d %v: exit %d: %s (want %q)", i+1, tc.args, code, errOut, tc.want)
		}
	}
	if got := sqlRow(t, db, "SELECT count(*), (SELECT kind || ' ' || records || ' ' || times FROM tapdb_sources) FROM flows"); got != "58 netflow 29 2" {
		t.Errorf("store holds %q, want 58 records from one source ingested twice", got)
	}
}
