package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"tapdb/internal/argusref"
	"tapdb/store"
)

// argusTool runs a real Argus program in UTC and returns its output.
func argusTool(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed", name)
	}
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

// storeCount returns the number of records in a store.
func storeCount(t *testing.T, path string) int64 {
	t.Helper()
	st, err := store.Open(context.Background(), path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int64
	if err := st.DB().QueryRow("SELECT count(*) FROM flows").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// flowLines prints records as sorted "5-tuple counters" lines.
func flowLines(t *testing.T, csv []byte) []string {
	t.Helper()
	recs, err := argusref.ParseCSV(bytes.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.Key.String()+" "+strings.Join([]string{
			itoa(r.Spkts), itoa(r.Dpkts), itoa(r.Sbytes), itoa(r.Dbytes), r.State}, " "))
	}
	sort.Strings(out)
	return out
}

func itoa(n int64) string { return formatCount(float64(n)) }

var compareFields = []string{"-n", "-u", "-c", ",", "-s", "proto", "saddr", "sport", "daddr", "dport", "spkts", "dpkts", "sbytes", "dbytes", "state"}

func TestImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	pcap := testdataPath(t, filepath.Join("pcaps", "ndpi-gnutella-mixed.pcap"))
	af := filepath.Join(dir, "g.argus")
	argusTool(t, "argus", "-X", "-r", pcap, "-w", af)
	want := flowLines(t, argusTool(t, "ra", append([]string{"-X", "-r", af}, compareFields...)...))

	forms := map[string][]string{
		"epoch.csv": {"-c", ",", "-u", "-s", "stime", "ltime", "flgs", "proto", "saddr", "sport", "dir", "daddr", "dport",
			"spkts", "dpkts", "sbytes", "dbytes", "sappbytes", "dappbytes", "state", "smac", "dmac", "sttl", "dttl", "swin", "dwin", "srcid", "seq"},
		"names.csv": {"-c", ",", "-s", "stime", "ltime", "proto", "saddr", "sport", "dir", "daddr", "dport", "spkts", "dpkts", "sbytes", "dbytes", "state"},
	}
	for name, args := range forms {
		t.Run(name, func(t *testing.T) {
			in := filepath.Join(dir, name)
			if err := os.WriteFile(in, argusTool(t, "ra", append([]string{"-X", "-r", af}, args...)...), 0o644); err != nil {
				t.Fatal(err)
			}
			store := filepath.Join(dir, name+".duckdb")
			e, _, errb := testEnv()
			if err := runImport(context.Background(), e, []string{"-w", store, "--tz", "UTC", "--date", "1970-01-01", in}); err != nil {
				t.Fatalf("import: %v\n%s", err, errb)
			}
			if !strings.Contains(errb.String(), "1711 records from 1 files") {
				t.Errorf("stderr: %s", errb)
			}
			e, out, errb := testEnv()
			if err := runRa(context.Background(), e, append([]string{"-r", store}, compareFields...)); err != nil {
				t.Fatalf("tapdb ra: %v\n%s", err, errb)
			}
			got := flowLines(t, out.Bytes())
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("imported records differ from ra's: %d vs %d records", len(got), len(want))
				for i := 0; i < min(len(got), len(want)); i++ {
					if got[i] != want[i] {
						t.Errorf("first difference:\n got  %s\n want %s", got[i], want[i])
						break
					}
				}
			}
		})
	}
}

func TestImportBadRowsLoadNothing(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	const header = "StartTime,Proto,SrcAddr,Sport,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes,State\n"
	row := "1795755962.5,udp,10.0.0.1,53,10.0.0.2,domain,1,1,80,120,CON\n"
	if err := os.WriteFile(good, []byte(header+row+row), 0o644); err != nil {
		t.Fatal(err)
	}
	badText := header + row +
		"1795755963,udp,10.0.0.999,53,10.0.0.2,53,1,1,80,120,CON\n" +
		row +
		"1795755964,tcp,10.0.0.1,53,10.0.0.2,53,1,x,80,120,CON\n"
	if err := os.WriteFile(bad, []byte(badText), 0o644); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "s.duckdb")

	// A bad file alone: the store is not even created.
	e, _, errb := testEnv()
	err := runImport(context.Background(), e, []string{"-w", store, bad})
	if err == nil || !strings.Contains(err.Error(), "2 bad rows") || !strings.Contains(err.Error(), "nothing imported") {
		t.Errorf("err = %v", err)
	}
	for _, want := range []string{"bad.csv:3: SrcAddr", "bad.csv:5: DstPkts"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb)
		}
	}
	if _, err := os.Stat(store); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("store exists after a failed import: %v", err)
	}

	// A good file, then good and bad together: the good one is not loaded twice.
	e, _, errb = testEnv()
	if err := runImport(context.Background(), e, []string{"-w", store, good}); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	e, _, _ = testEnv()
	if err := runImport(context.Background(), e, []string{"-w", store, good, bad}); err == nil {
		t.Error("import of a bad file succeeded")
	}
	if n := storeCount(t, store); n != 2 {
		t.Errorf("%d records in the store, want the first import's 2", n)
	}
}

func TestImportInputErrors(t *testing.T) {
	dir := t.TempDir()
	tod := filepath.Join(dir, "tod.csv")
	if err := os.WriteFile(tod, []byte("StartTime,Proto,SrcAddr,DstAddr,TotPkts,TotBytes\n05:08:00.954581,tcp,10.0.0.1,10.0.0.2,1,60\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "s.duckdb")
	tests := []struct {
		args  []string
		want  string
		usage bool
	}{
		{[]string{"-w", store, tod}, "--date YYYY-MM-DD", false},
		{[]string{"-w", store, filepath.Join(dir, "missing.csv")}, "no such file", false},
		{[]string{tod}, "want -w STORE", true},
		{[]string{"-w", store}, "want -w STORE", true},
		{[]string{"-w", store, "--date", "27/11/2026", tod}, "want YYYY-MM-DD", true},
		{[]string{"-w", store, "-c", ",,", tod}, "one character", true},
	}
	for _, tt := range tests {
		e, _, _ := testEnv()
		err := runImport(context.Background(), e, tt.args)
		var ue *usageError
		if err == nil || !strings.Contains(err.Error(), tt.want) || errors.As(err, &ue) != tt.usage {
			t.Errorf("%v: err = %v, want %q (usage error %v)", tt.args, err, tt.want, tt.usage)
		}
	}
	if _, err := os.Stat(store); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("store created by a failed import: %v", err)
	}
	// With the date, the same file loads, totals on the source side.
	e, _, errb := testEnv()
	if err := runImport(context.Background(), e, []string{"-w", store, "--date", "2026-11-27", "--tz", "UTC", "--srcid", "lab", tod}); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	if !strings.Contains(errb.String(), "warning: TotPkts without per-side columns") {
		t.Errorf("no totals warning: %s", errb)
	}
	e, out, _ := testEnv()
	if err := runRa(context.Background(), e, []string{"-r", store, "-u", "-c", ",", "-s", "stime", "spkts", "dpkts", "srcid", "trans", "cause"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "1795756080.954581,1,0,lab,1,Start") {
		t.Errorf("tapdb ra: %s", out)
	}
}

func TestImportStdin(t *testing.T) {
	store := filepath.Join(t.TempDir(), "s.duckdb")
	e, _, errb := testEnv()
	e.stdin = strings.NewReader("stime,proto,saddr,daddr,spkts,dpkts,sbytes,dbytes\n1795755962,udp,10.0.0.1,10.0.0.2,1,1,60,60\n")
	if err := runImport(context.Background(), e, []string{"-w", store, "-"}); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	if n := storeCount(t, store); n != 1 {
		t.Errorf("%d records, want 1", n)
	}
}

// Argus files (plain, gzip'd, on stdin) are imported record by record and
// print as ra prints them; a damaged one imports the records before the
// damage and fails naming the file and the offset.
func TestImportArgusFiles(t *testing.T) {
	dir := t.TempDir()
	plain := testdataPath(t, filepath.Join("argusfiles", "zeek-wikipedia-mixed.pcap.argus"))
	gz := testdataPath(t, filepath.Join("argusfiles", "pcapplusplus-dns-packets.pcap.argus.gz"))
	fields := []string{"-n", "-u", "-c", ",", "-s", "stime", "ltime", "flgs", "proto", "saddr", "sport", "dir", "daddr", "dport",
		"spkts", "dpkts", "sbytes", "dbytes", "state", "cause", "smac", "dmac", "sttl", "dttl", "seq", "srcid"}

	store := filepath.Join(dir, "s.duckdb")
	e, _, errb := testEnv()
	if err := runImport(context.Background(), e, []string{"-w", store, plain, gz}); err != nil {
		t.Fatalf("import: %v\n%s", err, errb)
	}
	if !strings.Contains(errb.String(), "270 records from 2 files") {
		t.Errorf("stderr: %s", errb)
	}
	e, out, errb := testEnv()
	if err := runRa(context.Background(), e, append(append([]string{"-r", store}, fields...), "-", "host", "208.80.152.2")); err != nil {
		t.Fatalf("tapdb ra: %v\n%s", err, errb)
	}
	want := argusTool(t, "ra", append([]string{"-X", "-r", plain}, append(fields, "-", "host", "208.80.152.2")...)...)
	if trimCSV(out.String()) != trimCSV(string(want)) {
		t.Errorf("tapdb ra of the imported file:\n%s\nra:\n%s", out, want)
	}

	// Standard input.
	data, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	e, _, errb = testEnv()
	e.stdin = bytes.NewReader(data)
	if err := runImport(context.Background(), e, []string{"-w", filepath.Join(dir, "stdin.duckdb"), "-"}); err != nil {
		t.Fatalf("stdin: %v\n%s", err, errb)
	}
	if n := storeCount(t, filepath.Join(dir, "stdin.duckdb")); n != 42 {
		t.Errorf("stdin: %d records, want 42", n)
	}

	// Damage: the file cut inside its fourth flow record (at offset 464).
	cut := filepath.Join(dir, "cut.argus")
	if err := os.WriteFile(cut, data[:500], 0o644); err != nil {
		t.Fatal(err)
	}
	e, _, errb = testEnv()
	err = runImport(context.Background(), e, []string{"-w", filepath.Join(dir, "cut.duckdb"), cut})
	if err == nil || !strings.Contains(err.Error(), "cut.argus: record 5 at offset 464: truncated record") {
		t.Errorf("damaged file: err = %v\n%s", err, errb)
	}
	if n := storeCount(t, filepath.Join(dir, "cut.duckdb")); n != 3 {
		t.Errorf("damaged file: %d records imported, want the 3 before the damage", n)
	}
}

// trimCSV drops the blanks ra pads dir and flgs with.
func trimCSV(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		f := strings.Split(line, ",")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		b.WriteString(strings.Join(f, ",") + "\n")
	}
	return b.String()
}

// TestImportRefusesIngestedFile: an archive or ra text imported before is
// refused, under another name and on stdin too (stdin is spooled to a
// file first), unless --again is given; a damaged archive is recorded
// with the records before its damage.
func TestImportRefusesIngestedFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	archive := testdataPath(t, filepath.Join("argusfiles", "zeek-wikipedia-mixed.pcap.argus"))
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "flows.csv")
	if err := os.WriteFile(text, []byte("stime,proto,saddr,daddr,spkts,dpkts,sbytes,dbytes\n1795755962,udp,10.0.0.1,10.0.0.2,1,1,60,60\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(stdin []byte, args ...string) error {
		e, _, _ := testEnv()
		e.stdin = bytes.NewReader(stdin)
		return runImport(context.Background(), e, append([]string{"-w", db}, args...))
	}
	if err := run(nil, archive, text); err != nil {
		t.Fatal(err)
	}
	n := storeCount(t, db)
	var ie *store.IngestedError
	for _, tc := range []struct {
		stdin []byte
		args  []string
	}{
		{nil, []string{archive}},
		{nil, []string{text}},
		{data, []string{"-"}},
	} {
		if err := run(tc.stdin, tc.args...); !errors.As(err, &ie) || !strings.Contains(err.Error(), "--again") {
			t.Errorf("import %v again: %v", tc.args, err)
		}
	}
	if got := storeCount(t, db); got != n {
		t.Errorf("%d records after the refusals, want %d", got, n)
	}
	if err := run(data, "--again", "-"); err != nil {
		t.Fatal(err)
	}
	if got := storeCount(t, db); got != 2*n-1 {
		t.Errorf("%d records after --again, want %d", got, 2*n-1)
	}
	// A damaged archive: its records before the damage are stored, and it
	// is recorded, so it is refused the next time.
	cut := filepath.Join(dir, "cut.argus")
	if err := os.WriteFile(cut, data[:len(data)-50], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(nil, cut); err == nil || errors.As(err, &ie) {
		t.Fatalf("damaged archive: %v", err)
	}
	if err := run(nil, cut); !errors.As(err, &ie) {
		t.Errorf("damaged archive again: %v", err)
	}
}
