package store

import (
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tapdb/schema"
)

// loadRecords returns n records one second apart.
func loadRecords(n int) []schema.Record {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	src, dst := netip.MustParseAddr("192.0.2.1").As16(), netip.MustParseAddr("192.0.2.2").As16()
	recs := make([]schema.Record, n)
	for i := range recs {
		t := at.Add(time.Duration(i) * time.Second)
		recs[i] = schema.Record{
			Stime: t, Ltime: t.Add(time.Second),
			Proto: "udp", PNum: 17, EType: 0x0800,
			Saddr: "192.0.2.1", Daddr: "192.0.2.2", Sport: 1000 + int32(i), Dport: 53, HasPorts: true,
			Dir: "<->", State: "CON", Cause: "Start", Spkts: 1, Dpkts: 1, Sbytes: 80, Dbytes: 120,
			Srcid: "test", Trans: 1,
			SaddrHi: binary.BigEndian.Uint64(src[:8]), SaddrLo: binary.BigEndian.Uint64(src[8:]),
			DaddrHi: binary.BigEndian.Uint64(dst[:8]), DaddrLo: binary.BigEndian.Uint64(dst[8:]),
			HasAddrNum: true,
		}
	}
	return recs
}

// emitting is a LoadFunc that emits n records, then returns err.
func emitting(n int, err error) LoadFunc {
	return func(ctx context.Context, emit func(*schema.Record) error) error {
		recs := loadRecords(n)
		for i := range recs {
			if err := emit(&recs[i]); err != nil {
				return err
			}
		}
		return err
	}
}

func countFlows(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow("SELECT count(*) FROM flows").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStoreLoad(t *testing.T) {
	errRun := errors.New("capture damaged")
	for _, tc := range []struct {
		name    string
		batch   int
		run     LoadFunc
		wantErr error // nil: none
		want    int   // records in the store afterwards
	}{
		{"run completes", 0, emitting(5, nil), nil, 5},
		{"run fails: what it emitted is kept", 0, emitting(5, errRun), errRun, 5},
		{"run fails after committed batches", 2, emitting(5, errRun), errRun, 5},
		{"run emits nothing", 0, emitting(0, nil), nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(context.Background(), filepath.Join(t.TempDir(), "s.duckdb"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.Load(context.Background(), WriterOptions{BatchSize: tc.batch}, tc.run)
			if err != tc.wantErr {
				t.Errorf("err = %v, want %v as it is", err, tc.wantErr)
			}
			if n := countFlows(t, s); n != tc.want {
				t.Errorf("%d records stored, want %d", n, tc.want)
			}
		})
	}
}

// A writer that cannot start is reported and run is not called.
func TestStoreLoadWriterFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.duckdb")
	if err := Load(context.Background(), path, Options{}, WriterOptions{}, emitting(1, nil)); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Load(context.Background(), WriterOptions{}, func(context.Context, func(*schema.Record) error) error {
		t.Error("run called without a writer")
		return nil
	})
	if err == nil || !strings.HasPrefix(err.Error(), "store records: ") {
		t.Errorf("err = %v", err)
	}
}

// Load opens, loads and closes: the file holds the records afterwards,
// also when run failed; a store that cannot be opened is an error before
// run is called.
func TestLoad(t *testing.T) {
	errRun := errors.New("stop")
	path := filepath.Join(t.TempDir(), "s.duckdb")
	if err := Load(context.Background(), path, Options{}, WriterOptions{}, emitting(3, nil)); err != nil {
		t.Fatal(err)
	}
	if err := Load(context.Background(), path, Options{}, WriterOptions{}, emitting(2, errRun)); !errors.Is(err, errRun) {
		t.Errorf("err = %v, want %v", err, errRun)
	}
	s, err := Open(context.Background(), path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := countFlows(t, s); n != 5 {
		t.Errorf("%d records stored, want 5", n)
	}
	s.Close()

	bad := filepath.Join(t.TempDir(), "missing", "dir", "s.duckdb")
	err = Load(context.Background(), bad, Options{}, WriterOptions{}, func(context.Context, func(*schema.Record) error) error {
		t.Error("run called without a store")
		return nil
	})
	if err == nil {
		t.Error("no error for a store that cannot be opened")
	}
}

// With AllOrNothing a failed run commits nothing, even past a Flush-free
// run of many chunks.
func TestLoadAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, "", Options{})
	recs := threeDays()
	boom := errors.New("input changed")
	err := s.Load(ctx, WriterOptions{BatchSize: 1 << 30, Lanes: 1, AllOrNothing: true}, func(ctx context.Context, emit func(*schema.Record) error) error {
		for i := 0; i < 20_000; i++ {
			if err := emit(&recs[i%len(recs)]); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Load: %v, want the run's error", err)
	}
	var n int
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d records committed (%v), want none", n, err)
	}
}
