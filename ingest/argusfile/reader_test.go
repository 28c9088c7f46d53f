package argusfile

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"tapdb/schema"
)

const sample = goldenDir + "/zeek-wikipedia-mixed.pcap.argus"

func readBytes(t *testing.T, data []byte) ([]schema.Record, error) {
	t.Helper()
	r, err := NewReader("mem", bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var recs []schema.Record
	for {
		var rec schema.Record
		err := r.Next(&rec)
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

func TestDetect(t *testing.T) {
	for _, p := range goldenFiles(t) {
		ok, err := DetectFile(p)
		if err != nil || !ok {
			t.Errorf("DetectFile(%s) = %v, %v; want true", filepath.Base(p), ok, err)
		}
	}
	for _, p := range []string{"../../testdata/pcaps/zeek-icmp-5-pings.pcap", "doc.go"} {
		ok, err := DetectFile(p)
		if err != nil || ok {
			t.Errorf("DetectFile(%s) = %v, %v; want false", p, ok, err)
		}
	}
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"mar v3", []byte{0x83, 0x10, 0x00, 0x20}, true},
		{"short", []byte{0x83, 0x10, 0x00}, false},
		{"far first", []byte{0x13, 0x10, 0x00, 0x20}, false},
		{"mar v5", []byte{0x85, 0x10, 0x00, 0x20}, false},
		{"mar too short", []byte{0x83, 0x10, 0x00, 0x01}, false},
		{"duckdb", []byte("\x00\x00\x00\x00\x00\x00\x00\x00DUCK"), false},
	}
	for _, tt := range tests {
		if got := Detect(tt.head); got != tt.want {
			t.Errorf("%s: Detect = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestGzipSame: a gzip'd file gives the records of the plain one.
func TestGzipSame(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	plain, err := readBytes(t, data)
	if err != nil {
		t.Fatal(err)
	}
	zipped, err := readBytes(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) == 0 || len(plain) != len(zipped) {
		t.Fatalf("%d plain records, %d gzip'd", len(plain), len(zipped))
	}
	for i := range plain {
		if plain[i] != zipped[i] {
			t.Fatalf("record %d differs: %+v / %+v", i, plain[i], zipped[i])
		}
	}
}

// recordStarts walks the record headers of a file.
func recordStarts(data []byte) []int {
	var starts []int
	for off := 0; off+4 <= len(data); {
		starts = append(starts, off)
		off += 4*int(data[off+2])<<8 | 4*int(data[off+3])
	}
	return starts
}

// TestDamage: a truncated or corrupted file keeps the records before the
// damage and names the file and the offset of the bad record.
func TestDamage(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	full, err := readBytes(t, data)
	if err != nil {
		t.Fatal(err)
	}
	starts := recordStarts(data)
	if len(starts) < 6 {
		t.Fatalf("%d records", len(starts))
	}
	at := starts[5] // the MAR and four flow records before it
	set := func(b []byte, i int, v byte) []byte {
		b = append([]byte(nil), b...)
		b[i] = v
		return b
	}
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"truncated record", data[:at+10], "truncated record"},
		{"truncated header", data[:at+2], "truncated record header"},
		{"bad version", set(data, at, 0x15), "version 5"},
		{"zero length", set(set(data, at+2, 0), at+3, 0), "length 0"},
		{"dsr past end", set(data, at+7, 0xff), "runs past"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readBytes(t, tt.data)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FormatError", err)
			}
			if fe.File != "mem" || fe.Offset != int64(at) || !bytes.Contains([]byte(fe.Msg), []byte(tt.msg)) {
				t.Errorf("err = %v, want mem at offset %d: %s", err, at, tt.msg)
			}
			if len(got) != 4 {
				t.Fatalf("%d records before the damage, want 4", len(got))
			}
			for i := range got {
				if got[i] != full[i] {
					t.Errorf("record %d differs from the undamaged file's", i)
				}
			}
		})
	}
}

// TestNotArgus: files that are not Argus 3 are refused before any record.
func TestNotArgus(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty": nil,
		"pcap":  {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0},
		"text":  []byte("StartTime,Proto\n"),
	} {
		if _, err := NewReader(name, bytes.NewReader(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestReadFiles: records of several files in order; damage reported,
// the records before it kept and the next file read.
func TestReadFiles(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.argus")
	starts := recordStarts(data)
	if err := os.WriteFile(cut, data[:starts[3]+5], 0o644); err != nil {
		t.Fatal(err)
	}
	other := goldenDir + "/zeek-icmp-5-pings.pcap.argus"
	var n int
	rd, err := ReadFiles(context.Background(), []string{cut, other}, nil, func(*schema.Record) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	var fe *FormatError
	if !errors.As(rd.Damage, &fe) || fe.File != cut || fe.Offset != int64(starts[3]) {
		t.Fatalf("damage = %v, want %s at offset %d", rd.Damage, cut, starts[3])
	}
	if rd.Files != 2 || n != 2+5 || rd.Stats.Flows != 7 || rd.Stats.Management != 1+2 {
		t.Errorf("read %+v, %d records; want 2 files, 7 flows, 3 management records", rd, n)
	}
	if _, err := ReadFiles(context.Background(), []string{other, "doc.go"}, nil, func(*schema.Record) error { n++; return nil }); err == nil {
		t.Error("a file that is not an Argus file was accepted")
	}
}
