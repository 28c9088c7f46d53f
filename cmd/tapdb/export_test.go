package main

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tapdb/schema"
	"tapdb/store"
)

// exportStore makes a store holding three days of records, the first two
// sealed.
func exportStore(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "flows.duckdb")
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := st.NewWriter(ctx, store.WriterOptions{SealGrace: -1})
	if err != nil {
		t.Fatal(err)
	}
	day0 := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for i := range 300 {
		ts := day0.Add(time.Duration(i) * 14 * time.Minute)
		a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i)})
		b := a.As16()
		r := schema.Record{Stime: ts, Ltime: ts.Add(time.Second), Proto: "udp", PNum: 17, EType: 0x86dd,
			Saddr: a.String(), Daddr: "2001:db8::ffff", Dir: "->", State: "INT", Spkts: 1, Sbytes: 100, Srcid: "sensor-a", Seq: int64(i), Trans: 1,
			HasAddrNum: true, SaddrHi: 0x20010db800000000, SaddrLo: uint64(b[15]), DaddrHi: 0x20010db800000000, DaddrLo: 0xffff}
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Seal(ctx, day0.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExport(t *testing.T) {
	st := exportStore(t)
	lake := filepath.Join(t.TempDir(), "lake")
	out, stderr, code := tapdb(t, "export", "--to", lake, st)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"flows/date=2026-11-25/srcid=sensor-a/part-1.parquet\t103 records\t",
		"flows/date=2026-11-26/srcid=sensor-a/part-1.parquet\t103 records\t",
		"exported 206 records in 2 files",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("export printed %q, want %q", out, want)
		}
	}
	if _, err := os.Stat(filepath.Join(lake, "_tapdb", "manifest.json")); err != nil {
		t.Error(err)
	}
	out, _, code = tapdb(t, "export", "--to", lake, st)
	if code != 0 || !strings.Contains(out, "nothing new to export to") {
		t.Errorf("second export: exit %d: %q", code, out)
	}

	// The third day is not sealed, so not exported: retention keeps it.
	_, stderr, code = tapdb(t, "retain", st, "1d")
	if code != 1 || !strings.Contains(stderr, "not sealed yet") {
		t.Errorf("retain with a lake: exit %d: %q", code, stderr)
	}
	out, _, code = tapdb(t, "export", "--forget", "--to", lake, st)
	if code != 0 || !strings.Contains(out, "forgot the lake") {
		t.Errorf("export --forget: exit %d: %q", code, out)
	}
	if out, stderr, code = tapdb(t, "retain", st, "1d"); code != 0 {
		t.Errorf("retain without a lake: exit %d: %q %q", code, out, stderr)
	}
	if _, _, code := tapdb(t, "export", "--since", "yesterday-ish", "--to", lake, st); code != 2 {
		t.Errorf("bad --since gave exit %d, want 2", code)
	}
}

func TestExportParseSince(t *testing.T) {
	now := time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"2026-11-25", time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)},
		{"2026-11-25T05:00:00+01:00", time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)},
		{"30d", now.Add(-30 * 24 * time.Hour)},
	} {
		got, err := parseSince(c.in, now)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := parseSince("soon", now); err == nil {
		t.Error("parseSince(soon) gave no error")
	}
}
