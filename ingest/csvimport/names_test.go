package csvimport

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tapdb/schema"
)

// readFile reads every record of a file in testdata, failing on any bad
// row, and returns them with the reader's notes.
func readFile(t *testing.T, name string) ([]schema.Record, []string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var text bytes.Buffer
	if _, err := text.ReadFrom(f); err != nil {
		t.Fatal(err)
	}
	recs, bad, r := readAll(t, text.String(), Options{})
	for _, re := range bad {
		t.Errorf("%s:%v", name, re)
	}
	return recs, r.Notes()
}

// TestImportNames reads real ra output printed without -n (service names,
// LLC SAP names, ra's protocol names; one file gzip'd) and the same records
// printed with -nn (testdata/regen.sh), and wants the same records.
func TestImportNames(t *testing.T) {
	tests := []struct {
		names, numbers string
		note           string // a note the names file must give
	}{
		{"zeek-wikipedia-mixed.names.csv.gz", "zeek-wikipedia-mixed.numbers.csv", ""},
		{"pcapplusplus-vlan-8021q.names.csv", "pcapplusplus-vlan-8021q.numbers.csv", ""},
		{"ra-protos.names.csv", "ra-protos.numbers.csv", "Proto unas is ra's name for IP protocols"},
	}
	for _, tt := range tests {
		t.Run(tt.names, func(t *testing.T) {
			named, notes := readFile(t, tt.names)
			numbered, _ := readFile(t, tt.numbers)
			if len(named) != len(numbered) || len(named) == 0 {
				t.Fatalf("%d records with names, %d with numbers", len(named), len(numbered))
			}
			unknown := 0
			for i := range named {
				n, want := named[i], numbered[i]
				if _, ok := raAmbiguousProtos[n.Proto]; ok {
					if n.PNum != pnumUnknown {
						t.Errorf("row %d: proto %s pnum %d, want %d", i+2, n.Proto, n.PNum, pnumUnknown)
					}
					unknown++
					continue
				}
				if n.Proto == "rsvp" && want.PNum == 134 {
					continue // ra prints rsvp for 46 and 134; it is read as 46
				}
				if n != want {
					t.Errorf("row %d:\nnames   %+v\nnumbers %+v", i+2, n, want)
				}
			}
			if tt.note != "" && !strings.Contains(strings.Join(notes, "\n"), tt.note) {
				t.Errorf("notes %q, want one with %q", notes, tt.note)
			}
			if tt.note == "" && unknown > 0 {
				t.Errorf("%d records with an unknown protocol", unknown)
			}
		})
	}
}

// TestImportNamesSeen checks that the golden files hold the names the
// test is about, so that a regenerated file cannot make it pass vacuously.
func TestImportNamesSeen(t *testing.T) {
	want := map[string][]string{
		"pcapplusplus-vlan-8021q.names.csv": {",snap,", ",llc,"},
		"ra-protos.names.csv":               {",st2,", ",sep,", ",unas,", ",any,", ",ib,", ",rsvp,"},
	}
	for name, words := range want {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range words {
			if !bytes.Contains(data, []byte(w)) {
				t.Errorf("%s has no %q", name, w)
			}
		}
	}
	f, err := os.Open(filepath.Join("testdata", "zeek-wikipedia-mixed.names.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if _, err := text.ReadFrom(gz); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{",stp,", ",http,", ",domain,"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("zeek-wikipedia-mixed.names.csv.gz has no %q", w)
		}
	}
}

func TestHostNameRefused(t *testing.T) {
	_, bad, _ := readAll(t, "stime,proto,saddr,daddr\n1,igmp,localhost,0.0.0.0\n", Options{})
	if len(bad) != 1 || !strings.Contains(bad[0].Error(), "host name (ra -nnn)") {
		t.Errorf("bad rows %v, want one naming ra -nnn", bad)
	}
}

func TestGzipDamaged(t *testing.T) {
	if _, err := NewReader(strings.NewReader("\x1f\x8bnot gzip"), Options{}); err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("NewReader of a damaged gzip stream: %v", err)
	}
}
