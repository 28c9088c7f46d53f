package argusref

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	pcapDir   = "../../testdata/pcaps"
	goldenDir = "../../testdata/argus"
)

// readGoldens reads a capture's two goldens.
func readGoldens(t *testing.T, c Capture) (ra, racluster []Record) {
	t.Helper()
	ra, err := ReadFile(filepath.Join(goldenDir, c.GoldenRa()))
	if err != nil {
		t.Fatal(err)
	}
	racluster, err = ReadFile(filepath.Join(goldenDir, c.GoldenRacluster()))
	if err != nil {
		t.Fatal(err)
	}
	return ra, racluster
}

// TestCapturesMatchTestdata checks that Captures lists exactly the captures
// in testdata/pcaps and that goldens exist exactly for those that have one.
func TestCapturesMatchTestdata(t *testing.T) {
	entries, err := os.ReadDir(pcapDir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".pcap") || strings.HasSuffix(n, ".pcapng") {
			files = append(files, n)
		}
	}
	var listed []string
	for _, c := range Captures() {
		listed = append(listed, c.Name)
		for _, g := range []string{c.GoldenRa(), c.GoldenRacluster()} {
			_, err := os.Stat(filepath.Join(goldenDir, g))
			switch {
			case c.Mode == ModeNoGolden && err == nil:
				t.Errorf("%s: golden %s exists but the capture is marked NoGolden", c.Name, g)
			case c.Mode != ModeNoGolden && err != nil:
				t.Errorf("%s: %v", c.Name, err)
			}
		}
		if c.Mode != ModeCompare && c.Reason == "" {
			t.Errorf("%s: mode %d without a reason", c.Name, c.Mode)
		}
	}
	goldens, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goldens {
		name, ok := strings.CutSuffix(g.Name(), ".racluster.csv")
		if !ok {
			name, ok = strings.CutSuffix(g.Name(), ".ra.csv")
		}
		if ok && !slices.Contains(files, name) {
			t.Errorf("golden %s belongs to no capture in testdata/pcaps", g.Name())
		}
	}
	if !slices.IsSorted(listed) {
		t.Errorf("Captures is not in file-name order")
	}
	if !slices.Equal(listed, files) {
		t.Errorf("Captures lists\n  %v\ntestdata/pcaps holds\n  %v", listed, files)
	}
}

// TestMergeMatchesRacluster checks Merge against racluster itself: merging
// the raw records of every golden must give racluster's flows, counters,
// merged state and merge count. (Times are not compared: racluster repairs
// a record whose stime is after its ltime, as in the gnutella capture's
// first, snapped frame, and the faithfulness test does not use times.)
func TestMergeMatchesRacluster(t *testing.T) {
	for _, c := range Captures() {
		if c.Mode == ModeNoGolden {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			ra, racluster := readGoldens(t, c)
			merged := Merge(ra)
			if len(merged) != len(racluster) {
				t.Errorf("Merge gives %d flows, racluster %d", len(merged), len(racluster))
			}
			byKey := make(map[Key]*Flow, len(merged))
			for i := range merged {
				byKey[merged[i].Key] = &merged[i]
			}
			for _, want := range racluster {
				got, ok := byKey[want.Key]
				if !ok {
					t.Errorf("%s: racluster has it, Merge does not", want.Key)
					continue
				}
				if got.Spkts != want.Spkts || got.Dpkts != want.Dpkts || got.Sbytes != want.Sbytes || got.Dbytes != want.Dbytes ||
					got.Sappbytes != want.Sappbytes || got.Dappbytes != want.Dappbytes {
					t.Errorf("%s: Merge counters %d/%d %d/%d %d/%d, racluster %d/%d %d/%d %d/%d", want.Key,
						got.Spkts, got.Dpkts, got.Sbytes, got.Dbytes, got.Sappbytes, got.Dappbytes,
						want.Spkts, want.Dpkts, want.Sbytes, want.Dbytes, want.Sappbytes, want.Dappbytes)
				}
				if got.State != want.State {
					t.Errorf("%s: Merge state %s, racluster %s", want.Key, got.State, want.State)
				}
				if int32(got.Records) != want.Trans {
					t.Errorf("%s: Merge merged %d records, racluster %d", want.Key, got.Records, want.Trans)
				}
			}
		})
	}
}

// TestCompareGoldenWithItself: Argus against Argus gives 100%, from the
// merged raw records as well as from racluster's output.
func TestCompareGoldenWithItself(t *testing.T) {
	for _, c := range Captures() {
		if c.Mode == ModeNoGolden {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			ra, racluster := readGoldens(t, c)
			rep := Compare(Merge(racluster), Merge(ra))
			if rep.CountsFraction() != 1 || rep.AgreeFraction() != 1 || len(rep.Mismatches) != 0 {
				t.Errorf("%s\n%s", rep.String(), rep.Diff())
			}
			if rep.Tuples != len(racluster) {
				t.Errorf("%d 5-tuples, racluster has %d records", rep.Tuples, len(racluster))
			}
		})
	}
}

// TestComparePerturbed changes one flow of a real golden in each way the
// comparison must notice and checks the report counts and lists it.
func TestComparePerturbed(t *testing.T) {
	c := Capture{Name: "zeek-wikipedia-mixed.pcap"}
	_, racluster := readGoldens(t, c)
	argus := Merge(racluster)
	n := len(argus)
	if n < 10 {
		t.Fatalf("golden has only %d flows", n)
	}
	// The flow that gets changed: the first TCP one, so that it has traffic
	// both ways and a state worth changing.
	victim := slices.IndexFunc(argus, func(f Flow) bool { return f.Proto == "tcp" && f.Dpkts > 0 })
	if victim < 0 {
		t.Fatal("no two-way TCP flow in the golden")
	}

	tests := []struct {
		name        string
		change      func(fs []Flow) []Flow
		tuples      int
		countsEqual int
		agree       int
		problem     string
	}{
		{"packet count", func(fs []Flow) []Flow { fs[victim].Dpkts++; return fs }, n, n - 1, n, "dpkts argus"},
		{"byte count", func(fs []Flow) []Flow { fs[victim].Sbytes -= 4; return fs }, n, n - 1, n, "sbytes argus"},
		{"state", func(fs []Flow) []Flow { fs[victim].State = "RST"; return fs }, n, n, n - 1, "state argus"},
		{"initiator", func(fs []Flow) []Flow {
			f := &fs[victim]
			f.Key = f.Key.Reverse()
			f.Spkts, f.Dpkts, f.Sbytes, f.Dbytes = f.Dpkts, f.Spkts, f.Dbytes, f.Sbytes
			return fs
		}, n, n, n - 1, "initiator reversed"},
		{"initiator and counts", func(fs []Flow) []Flow {
			f := &fs[victim]
			f.Key = f.Key.Reverse()
			return fs
		}, n, n - 1, n - 1, "initiator reversed"},
		{"missing", func(fs []Flow) []Flow { return slices.Delete(fs, victim, victim+1) }, n, n - 1, n - 1, "missing in tapdb"},
		{"extra", func(fs []Flow) []Flow {
			f := fs[victim]
			f.Sport++
			return append(fs, f)
		}, n + 1, n, n, "extra in tapdb"},
		{"port", func(fs []Flow) []Flow { fs[victim].Dport++; return fs }, n + 1, n - 1, n - 1, "missing in tapdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tapdb := tt.change(slices.Clone(argus))
			rep := Compare(argus, tapdb)
			if rep.Tuples != tt.tuples || rep.CountsEqual != tt.countsEqual || rep.Agree != tt.agree {
				t.Errorf("tuples %d, counts equal %d, agree %d; want %d, %d, %d",
					rep.Tuples, rep.CountsEqual, rep.Agree, tt.tuples, tt.countsEqual, tt.agree)
			}
			if rep.CountsFraction() == 1 && rep.AgreeFraction() == 1 {
				t.Errorf("perturbation not detected: %s", rep.String())
			}
			diff := rep.Diff()
			if !strings.Contains(diff, tt.problem) {
				t.Errorf("diff does not say %q:\n%s", tt.problem, diff)
			}
			if lines := strings.Count(diff, "\n"); lines != 3*len(rep.Mismatches) || len(rep.Mismatches) == 0 {
				t.Errorf("diff has %d lines for %d mismatches:\n%s", lines, len(rep.Mismatches), diff)
			}
		})
	}
}

// TestCompareEmpty: no flow on either side is full agreement; flows on one
// side only are none.
func TestCompareEmpty(t *testing.T) {
	rep := Compare(nil, nil)
	if rep.CountsFraction() != 1 || rep.AgreeFraction() != 1 {
		t.Errorf("empty comparison: %s", rep.String())
	}
	one := []Flow{{Key: Key{Proto: "udp", Saddr: "10.0.0.1", Sport: 1, Daddr: "10.0.0.2", Dport: 2}, Spkts: 1, Sbytes: 60, State: "INT"}}
	for _, rep := range []Report{Compare(one, nil), Compare(nil, one)} {
		if rep.CountsFraction() != 0 || rep.AgreeFraction() != 0 || len(rep.Mismatches) != 1 {
			t.Errorf("one-sided comparison: %s", rep.String())
		}
	}
}

func TestTotals(t *testing.T) {
	_, racluster := readGoldens(t, Capture{Name: "zeek-icmp-5-pings.pcap"})
	pkts, bytes := Totals(Merge(racluster))
	// tshark: 10 frames of 98 bytes (capinfos: 980 bytes of packet data).
	if pkts != 10 || bytes != 980 {
		t.Errorf("Totals = %d packets, %d bytes; want 10, 980", pkts, bytes)
	}
}

// TestCompareSplits: the raw records agree with themselves on every golden;
// racluster's merged records do not split like the raw ones wherever a flow
// had status records, and the diff names such a flow.
func TestCompareSplits(t *testing.T) {
	for _, c := range Captures() {
		if c.Mode == ModeNoGolden {
			continue
		}
		ra, racluster := readGoldens(t, c)
		if rep := CompareSplits(ra, ra); rep.Fraction() != 1 || len(rep.Diffs) != 0 {
			t.Errorf("%s: raw records against themselves: %d of %d agree\n%s", c.Name, rep.Same, rep.Tuples, strings.Join(rep.Diffs, "\n"))
		}
		rep := CompareSplits(ra, racluster)
		if merged := len(ra) - len(racluster); merged > 0 && rep.Same == rep.Tuples {
			t.Errorf("%s: %d records merged by racluster but the splits compare equal", c.Name, merged)
		}
	}
	ra, racluster := readGoldens(t, Capture{Name: "zeek-irc-dcc-send.pcapng"})
	rep := CompareSplits(ra, racluster)
	want := "tcp 10.0.0.22 6667 -> 10.0.0.7 59069: argus 12 records"
	if len(rep.Diffs) == 0 || !strings.Contains(strings.Join(rep.Diffs, "\n"), want) {
		t.Errorf("diff does not contain %q:\n%s", want, strings.Join(rep.Diffs, "\n"))
	}
}
