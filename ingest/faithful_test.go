package ingest_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"tapdb/ingest"
	"tapdb/ingest/flow"
	"tapdb/internal/argusref"
	"tapdb/schema"
)

// The faithfulness thresholds of issue 2, per capture.
const (
	minCountsEqual = 0.99 // packets and bytes each way equal
	minAgree       = 0.95 // 5-tuple present on both sides, same initiator, same final state
)

var showArgusDiff = flag.Bool("argus.diff", false, "print the full diff against Argus for every capture, also those within the thresholds")

const (
	pcapDir   = "../testdata/pcaps"
	goldenDir = "../testdata/argus"
)

// readCapture runs tapdb's sensor pipeline over one capture with Argus's
// default timers and returns its records ready for comparison.
func readCapture(t *testing.T, name string) ([]argusref.Record, ingest.Stats, error) {
	t.Helper()
	var recs []argusref.Record
	emit := func(r *schema.Record) error {
		recs = append(recs, argusref.FromSchema(r)) // copies: r is reused
		return nil
	}
	opts := ingest.Options{Flow: flow.DefaultConfig()}
	st, err := ingest.ReadFiles(context.Background(), []string{filepath.Join(pcapDir, name)}, opts, emit)
	return recs, st, err
}

// TestFaithfulToArgus compares tapdb's flows with the real Argus 3.0.8's
// (testdata/argus, made by regen.sh) on every capture both can read: per
// 5-tuple, after merging status records on both sides, packet and byte
// totals each way must be equal on at least 99% of 5-tuples, and the
// 5-tuple set, initiator and final state must agree on at least 95%.
// Captures argus reports differently for known reasons are treated as
// argusref.Captures says; testdata/argus/DIFFERENCES.md explains each.
func TestFaithfulToArgus(t *testing.T) {
	var summary []string
	defer func() { t.Logf("summary:\n%s", strings.Join(summary, "\n")) }()

	for _, c := range argusref.Captures() {
		t.Run(c.Name, func(t *testing.T) {
			recs, st, err := readCapture(t, c.Name)
			switch {
			case c.Damaged && err == nil:
				t.Errorf("damaged capture read without an error (%d packets)", st.Packets)
			case c.Damaged:
				// The message must say where: file, packet number, offset.
				if msg := err.Error(); !strings.Contains(msg, c.Name) || !strings.Contains(msg, "packet") || !strings.Contains(msg, "offset") {
					t.Errorf("damage reported without file, packet and offset: %v", err)
				}
			case err != nil:
				t.Fatalf("ReadFiles: %v", err)
			}
			tapdb := argusref.Merge(recs)

			switch c.Mode {
			case argusref.ModeSkip, argusref.ModeNoGolden:
				// Nothing to compare with; tapdb must still read the capture.
				summary = append(summary, fmt.Sprintf("%-45s not compared: %s; tapdb %d flows", c.Name, c.Reason, len(tapdb)))
				if len(tapdb) == 0 {
					t.Errorf("tapdb wrote no flow for %s (%d packets read)", c.Name, st.Packets)
				}
				return
			}

			golden, err := argusref.ReadFile(filepath.Join(goldenDir, c.GoldenRacluster()))
			if err != nil {
				t.Fatal(err)
			}
			argus := argusref.Merge(golden)

			if c.Mode == argusref.ModeTotals {
				ap, ab := argusref.Totals(argus)
				tp, tb := argusref.Totals(tapdb)
				summary = append(summary, fmt.Sprintf("%-45s totals only (%s): argus %d pkts %d bytes, tapdb %d pkts %d bytes",
					c.Name, c.Reason, ap, ab, tp, tb))
				if ap != tp || ab != tb {
					t.Errorf("capture totals differ: argus %d packets %d bytes, tapdb %d packets %d bytes", ap, ab, tp, tb)
				}
				return
			}

			rep := argusref.Compare(argus, tapdb)
			// How the flows are cut into status records is reported, not
			// asserted: the thresholds apply to merged flows.
			raw, err := argusref.ReadFile(filepath.Join(goldenDir, c.GoldenRa()))
			if err != nil {
				t.Fatal(err)
			}
			split := argusref.CompareSplits(raw, recs)
			summary = append(summary, fmt.Sprintf("%-45s %s; same status-record split %d of %d",
				c.Name, rep.String(), split.Same, split.Tuples))
			if *showArgusDiff && len(split.Diffs) > 0 {
				t.Logf("status-record splits that differ (argus ra records vs tapdb records):\n%s", strings.Join(split.Diffs, "\n"))
			}
			if rep.CountsFraction() < minCountsEqual || rep.AgreeFraction() < minAgree {
				t.Errorf("below the thresholds (counts %.0f%%, agreement %.0f%%): %s\n%s",
					100*minCountsEqual, 100*minAgree, rep.String(), rep.Diff())
			} else if *showArgusDiff && len(rep.Mismatches) > 0 {
				t.Logf("%s\n%s", rep.String(), rep.Diff())
			}
		})
	}
}
