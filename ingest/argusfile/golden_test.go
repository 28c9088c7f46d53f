package argusfile

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tapdb/ingest/csvimport"
	"tapdb/schema"
)

// goldenDir holds argus files made by real argus 3.0.8 and ra's CSV of
// each (testdata/argusfiles/regen.sh).
const goldenDir = "../../testdata/argusfiles"

// field is one compared column: its ra name and its value as text.
type field struct {
	name string
	get  func(r *schema.Record) string
}

func i64(v int64) string { return strconv.FormatInt(v, 10) }

// opt is an optional value: "" when absent.
func opt(has bool, v int64) string {
	if !has {
		return ""
	}
	return i64(v)
}

// goldenFields are the stored columns the CSVs carry, compared one by one.
var goldenFields = []field{
	{"stime", func(r *schema.Record) string { return r.Stime.Format(time.RFC3339Nano) }},
	{"ltime", func(r *schema.Record) string { return r.Ltime.Format(time.RFC3339Nano) }},
	{"flgs", func(r *schema.Record) string { return r.Flgs }},
	{"proto", func(r *schema.Record) string { return r.Proto }},
	{"pnum", func(r *schema.Record) string { return i64(int64(r.PNum)) }},
	{"etype", func(r *schema.Record) string { return i64(int64(r.EType)) }},
	{"saddr", func(r *schema.Record) string { return r.Saddr }},
	{"saddr_num", func(r *schema.Record) string { return fmt.Sprint(r.HasAddrNum, r.SaddrHi, r.SaddrLo) }},
	{"sport", func(r *schema.Record) string { return opt(r.HasPorts, int64(r.Sport)) }},
	{"dir", func(r *schema.Record) string { return r.Dir }},
	{"daddr", func(r *schema.Record) string { return r.Daddr }},
	{"daddr_num", func(r *schema.Record) string { return fmt.Sprint(r.HasAddrNum, r.DaddrHi, r.DaddrLo) }},
	{"dport", func(r *schema.Record) string { return opt(r.HasPorts, int64(r.Dport)) }},
	{"spkts", func(r *schema.Record) string { return i64(r.Spkts) }},
	{"dpkts", func(r *schema.Record) string { return i64(r.Dpkts) }},
	{"sbytes", func(r *schema.Record) string { return i64(r.Sbytes) }},
	{"dbytes", func(r *schema.Record) string { return i64(r.Dbytes) }},
	{"sappbytes", func(r *schema.Record) string { return i64(r.Sappbytes) }},
	{"dappbytes", func(r *schema.Record) string { return i64(r.Dappbytes) }},
	{"state", func(r *schema.Record) string { return r.State }},
	{"cause", func(r *schema.Record) string { return r.Cause }},
	{"smac", func(r *schema.Record) string { return r.Smac }},
	{"dmac", func(r *schema.Record) string { return r.Dmac }},
	{"sttl", func(r *schema.Record) string { return opt(r.HasSttl, int64(r.Sttl)) }},
	{"dttl", func(r *schema.Record) string { return opt(r.HasDttl, int64(r.Dttl)) }},
	{"stos", func(r *schema.Record) string { return i64(int64(r.Stos)) }},
	{"dtos", func(r *schema.Record) string { return i64(int64(r.Dtos)) }},
	{"svlan", func(r *schema.Record) string { return opt(r.HasSvlan, int64(r.Svlan)) }},
	{"dvlan", func(r *schema.Record) string { return opt(r.HasDvlan, int64(r.Dvlan)) }},
	{"smpls", func(r *schema.Record) string { return opt(r.HasSmpls, int64(r.Smpls)) }},
	{"dmpls", func(r *schema.Record) string { return opt(r.HasDmpls, int64(r.Dmpls)) }},
	{"swin", func(r *schema.Record) string { return i64(int64(r.Swin)) }},
	{"dwin", func(r *schema.Record) string { return i64(int64(r.Dwin)) }},
	{"stcpb", func(r *schema.Record) string { return i64(int64(r.Stcpb)) }},
	{"dtcpb", func(r *schema.Record) string { return i64(int64(r.Dtcpb)) }},
	{"synack", func(r *schema.Record) string { return strconv.FormatFloat(r.Synack, 'f', 6, 64) }},
	{"ackdat", func(r *schema.Record) string { return strconv.FormatFloat(r.Ackdat, 'f', 6, 64) }},
	{"inode", func(r *schema.Record) string { return r.Inode }},
	{"srcid", func(r *schema.Record) string { return r.Srcid }},
	{"seq", func(r *schema.Record) string { return i64(r.Seq) }},
	{"trans", func(r *schema.Record) string { return i64(int64(r.Trans)) }},
	{"sretrans", func(r *schema.Record) string { return i64(r.Sretrans) }},
	{"dretrans", func(r *schema.Record) string { return i64(r.Dretrans) }},
}

// known tells the differences from ra's printing that are meant: ra
// prints the broadcast MAC as "broadcast" (tapdb stores the address, as
// its sensor does), and ra 3.0.8 prints retransmissions only for UDT
// flows while tapdb keeps the TCP counts the record carries (as its
// sensor does).
func known(name string, got *schema.Record, want string) bool {
	switch name {
	case "smac", "dmac":
		return want == "broadcast" && (got.Smac == "ff:ff:ff:ff:ff:ff" || got.Dmac == "ff:ff:ff:ff:ff:ff")
	case "sretrans", "dretrans":
		return want == "0" && got.Proto == "tcp"
	}
	return false
}

// goldenFiles lists the argus files that have a CSV beside them.
func goldenFiles(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{"*.argus", "*.argus.gz"} {
		m, err := filepath.Glob(filepath.Join(goldenDir, pat))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatalf("no argus files in %s", goldenDir)
	}
	return out
}

// readAll decodes every flow record of an argus file.
func readAll(path string) ([]schema.Record, Stats, error) {
	r, err := Open(path)
	if err != nil {
		return nil, Stats{}, err
	}
	defer r.Close()
	var recs []schema.Record
	for {
		var rec schema.Record
		err := r.Next(&rec)
		if err == io.EOF {
			return recs, r.Stats(), nil
		}
		if err != nil {
			return recs, r.Stats(), err
		}
		recs = append(recs, rec)
	}
}

// readCSV reads ra's CSV of an argus file (gzip'd when large).
func readCSV(t *testing.T, argusPath string) []schema.Record {
	t.Helper()
	path := argusPath + ".csv"
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		path += ".gz"
		f, err = os.Open(path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var in io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		defer gz.Close()
		in = gz
	}
	data, err := io.ReadAll(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 {
		return nil // ra prints nothing, not even a header, for no records
	}
	cr, err := csvimport.NewReader(strings.NewReader(string(data)), csvimport.Options{Location: time.UTC})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var recs []schema.Record
	for {
		var rec schema.Record
		err := cr.Read(&rec)
		if err == io.EOF {
			return recs
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		recs = append(recs, rec)
	}
}

// TestGolden sets every stored field of every record decoded from each
// argus file against ra's CSV of the same file, and reports each field's
// match rate over all files.
func TestGolden(t *testing.T) {
	matched := make([]int, len(goldenFields))
	total := 0
	for _, path := range goldenFiles(t) {
		name := filepath.Base(path)
		got, _, err := readAll(path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want := readCSV(t, path)
		if len(got) != len(want) {
			t.Errorf("%s: %d records, ra printed %d", name, len(got), len(want))
			continue
		}
		shown := 0
		for i := range want {
			total++
			for j, fd := range goldenFields {
				g, w := fd.get(&got[i]), fd.get(&want[i])
				if g == w || known(fd.name, &got[i], w) {
					matched[j]++
					continue
				}
				if shown < 10 {
					t.Errorf("%s: record %d (seq %d): %s = %q, ra %q", name, i+1, want[i].Seq, fd.name, g, w)
				}
				shown++
			}
		}
		if shown > 10 {
			t.Errorf("%s: %d more mismatches", name, shown-10)
		}
	}
	for j, fd := range goldenFields {
		t.Logf("%-10s %d/%d records match ra", fd.name, matched[j], total)
	}
}
