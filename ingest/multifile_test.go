package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tapdb/ingest"
	"tapdb/ingest/flow"
	"tapdb/schema"
)

// recordLine is a record as one comparable line: every column the flow
// table fills that a later file could disturb (times, key, counters, seq).
func recordLine(r *schema.Record) string {
	return fmt.Sprintf("%s %s %s %s %d %s %s %d %d/%d %d/%d %s %s seq %d",
		r.Stime.Format("2006-01-02T15:04:05.000000"), r.Ltime.Format("2006-01-02T15:04:05.000000"),
		r.Proto, r.Saddr, r.Sport, r.Dir, r.Daddr, r.Dport,
		r.Spkts, r.Dpkts, r.Sbytes, r.Dbytes, r.State, r.Cause, r.Seq)
}

// readLines runs ReadFiles over paths and returns every record as a line.
func readLines(t *testing.T, paths []string) ([]string, error) {
	t.Helper()
	var lines []string
	emit := func(r *schema.Record) error {
		lines = append(lines, recordLine(r))
		return nil
	}
	_, err := ingest.ReadFiles(context.Background(), paths, ingest.Options{Flow: flow.DefaultConfig()}, emit)
	return lines, err
}

// TestFilesInAnyTimeOrder gives ReadFiles two captures, the later one in
// time first: each file's records must be those of a run over that file
// alone, times included (Argus reads each -r file with fresh flow state;
// checked with argus -r a -r b in both orders).
func TestFilesInAnyTimeOrder(t *testing.T) {
	newer := filepath.Join(pcapDir, "pcapplusplus-tcp-mysql-fin-rst.pcap") // 2021
	older := filepath.Join(pcapDir, "zeek-icmp-5-pings.pcap")              // 2020
	var want []string
	for _, p := range []string{newer, older} {
		lines, err := readLines(t, []string{p})
		if err != nil {
			t.Fatalf("%s alone: %v", p, err)
		}
		want = append(want, lines...)
	}
	got, err := readLines(t, []string{newer, older})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 7 { // 2 records of one TCP flow, 5 pings
		t.Errorf("%d records one file at a time, want 7:\n%s", len(want), strings.Join(want, "\n"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("records of both files read together:\n%s\nwant (one run per file):\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, l := range got {
		if strings.Contains(l, " icmp ") && !strings.HasPrefix(l, "2020-12-08") {
			t.Errorf("ping record stamped outside its capture's day: %s", l)
		}
	}
}

// TestAllCapturesAtOnce reads every capture under testdata/pcaps in one run,
// in reverse name order (their times go back and forth by years), and
// compares with one run per capture: the same records, in the same order,
// and the damage of every damaged capture reported.
func TestAllCapturesAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("reads every capture")
	}
	var paths []string
	for _, pat := range []string{"*.pcap", "*.pcapng"} {
		m, err := filepath.Glob(filepath.Join(pcapDir, pat))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	slices.Sort(paths)
	slices.Reverse(paths)
	var (
		want    []string
		damaged []string
	)
	for _, p := range paths {
		lines, err := readLines(t, []string{p})
		if err != nil {
			damaged = append(damaged, filepath.Base(p))
		}
		want = append(want, lines...)
	}
	got, err := readLines(t, paths)
	for _, name := range damaged {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("damage of %s not reported: %v", name, err)
		}
	}
	if len(damaged) == 0 && err != nil {
		t.Errorf("ReadFiles: %v", err)
	}
	var fe interface{ Unwrap() []error }
	if len(damaged) > 1 && !errors.As(err, &fe) {
		t.Errorf("damage of %d files not joined: %v", len(damaged), err)
	}
	if !slices.Equal(got, want) {
		n := 0
		for n < len(got) && n < len(want) && got[n] == want[n] {
			n++
		}
		t.Errorf("%d records read together, %d one file at a time; first difference at record %d", len(got), len(want), n)
	}
	if len(got) < 1000 {
		t.Errorf("only %d records from %d captures", len(got), len(paths))
	}
}
