package csvimport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"tapdb/internal/argusref"
	"tapdb/schema"
)

// roundTripCaptures are real captures whose argus records are printed by
// real ra in several forms and read back.
var roundTripCaptures = []string{
	"ndpi-gnutella-mixed.pcap",
	"zeek-icmp-5-pings.pcap",
	"zeek-icmpv6-mixed.pcap",
	"ipfixprobe-arp.pcap",
	"pcapplusplus-dns-packets.pcap",
	"zeek-mixed-vlan-mpls.pcap",
	"zeek-wikipedia-mixed.pcap",    // LLC SAP names (stp)
	"pcapplusplus-vlan-8021q.pcap", // LLC SAP names (snap)
	"ndpi-ipv6-http-tls-quic.pcap",
}

// manyFields is a long -s list: every stored column ra can print.
var manyFields = []string{"stime", "ltime", "flgs", "proto", "saddr", "sport", "dir", "daddr", "dport",
	"spkts", "dpkts", "sbytes", "dbytes", "sappbytes", "dappbytes", "state", "cause", "smac", "dmac",
	"sttl", "dttl", "stos", "dtos", "svlan", "dvlan", "smpls", "dmpls", "swin", "dwin", "stcpb", "dtcpb",
	"synack", "ackdat", "inode", "srcid", "seq", "trans", "dur", "rate", "load"}

// roundTripForm is one way of printing records with ra.
type roundTripForm struct {
	name   string
	args   []string // ra print options
	totals bool     // only TotPkts/TotBytes: compare totals
	names  bool     // rewrite the header into field names
}

var roundTripForms = []roundTripForm{
	{name: "default", args: []string{"-c", ","}, totals: true},
	{name: "n", args: []string{"-c", ",", "-n"}, totals: true},
	{name: "u", args: []string{"-c", ",", "-u", "-s", "stime", "ltime", "proto", "saddr", "sport", "dir", "daddr", "dport", "spkts", "dpkts", "sbytes", "dbytes", "state"}},
	{name: "many", args: append([]string{"-c", ",", "-u", "-n", "-s"}, manyFields...)},
	{name: "many-names", args: append([]string{"-c", "\t", "-s"}, manyFields...), names: true},
	{name: "nn-semicolon", args: []string{"-c", ";", "-nn", "-s", "stime", "proto", "saddr", "sport", "daddr", "dport", "spkts", "dpkts", "sbytes", "dbytes"}},
	{name: "no-port-columns", args: []string{"-c", "|", "-s", "stime", "proto", "saddr", "daddr", "spkts", "dpkts", "sbytes", "dbytes"}},
}

func needArgus(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"argus", "ra"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian argus-server, argus-client)", tool)
		}
	}
}

// runTool runs an Argus tool in UTC and returns its standard output.
func runTool(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// tally counts records per 5-tuple and counters ("proto saddr sport ->
// daddr dport spkts/dpkts sbytes/dbytes", or totals only).
func tally(recs []argusref.Record, totals bool, ports bool) map[string]int {
	m := make(map[string]int)
	for _, r := range recs {
		k := r.Key
		if !ports {
			k.Sport, k.Dport = 0, 0
		}
		var s string
		if totals {
			s = fmt.Sprintf("%v %d %d", k, r.Spkts+r.Dpkts, r.Sbytes+r.Dbytes)
		} else {
			s = fmt.Sprintf("%v %d/%d %d/%d", k, r.Spkts, r.Dpkts, r.Sbytes, r.Dbytes)
		}
		m[s]++
	}
	return m
}

func diffTally(a, b map[string]int) []string {
	var out []string
	for k, n := range a {
		if b[k] != n {
			out = append(out, fmt.Sprintf("%s: ra %d, imported %d", k, n, b[k]))
		}
	}
	for k, n := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("%s: ra 0, imported %d", k, n))
		}
	}
	sort.Strings(out)
	return out
}

// toFieldNames rewrites a header line of ra labels into field names.
func toFieldNames(t *testing.T, text []byte, comma string) []byte {
	t.Helper()
	head, rest, _ := bytes.Cut(text, []byte("\n"))
	words := strings.Split(string(head), comma)
	for i, w := range words {
		c, ok := lookupColumn(w)
		if !ok {
			t.Fatalf("label %q names no column", w)
		}
		words[i] = c.Name
	}
	return append([]byte(strings.Join(words, comma)+"\n"), rest...)
}

func TestRoundTripRealRa(t *testing.T) {
	needArgus(t)
	dir := t.TempDir()
	for _, capture := range roundTripCaptures {
		t.Run(capture, func(t *testing.T) {
			pcap := filepath.Join("..", "..", "testdata", "pcaps", capture)
			if _, err := os.Stat(pcap); err != nil {
				t.Skipf("no capture: %v", err)
			}
			af := filepath.Join(dir, capture+".argus")
			runTool(t, "argus", "-X", "-r", pcap, "-w", af)
			ref, err := argusref.ParseCSV(bytes.NewReader(runTool(t, "ra", "-X", "-r", af, "-n", "-u", "-c", ",",
				"-s", "proto", "saddr", "sport", "daddr", "dport", "spkts", "dpkts", "sbytes", "dbytes", "state")))
			if err != nil {
				t.Fatalf("reference: %v", err)
			}
			if len(ref) == 0 {
				t.Fatal("argus wrote no record")
			}
			for _, form := range roundTripForms {
				t.Run(form.name, func(t *testing.T) {
					text := runTool(t, "ra", append([]string{"-X", "-r", af}, form.args...)...)
					if form.names {
						text = toFieldNames(t, text, form.args[1])
					}
					opts := Options{Location: time.UTC, Date: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}
					got := readRecords(t, text, opts)
					ports := !strings.HasPrefix(form.name, "no-port")
					want, have := tally(ref, form.totals, ports), tally(got, form.totals, ports)
					if d := diffTally(want, have); len(d) > 0 {
						t.Errorf("%d records from ra, %d imported; differences:\n%s", len(ref), len(got), strings.Join(d, "\n"))
					}
				})
			}
		})
	}
}

// readRecords reads text, failing on any bad row, and converts the
// records for comparison.
func readRecords(t *testing.T, text []byte, opts Options) []argusref.Record {
	t.Helper()
	r, err := NewReader(bytes.NewReader(text), opts)
	if err != nil {
		t.Fatalf("header: %v", err)
	}
	var out []argusref.Record
	for {
		var rec schema.Record
		err := r.Read(&rec)
		if err == io.EOF {
			return out
		}
		if err != nil {
			var re *RowError
			if errors.As(err, &re) {
				line := strings.Split(string(text), "\n")[re.Line-1]
				t.Fatalf("%v\n%s", err, line)
			}
			t.Fatal(err)
		}
		out = append(out, argusref.FromSchema(&rec))
	}
}
