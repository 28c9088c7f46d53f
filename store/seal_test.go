package store

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"tapdb/schema"
)

// Three days of records: at Close the low-water mark (the last record,
// 2026-11-27 11:39) less the hour's grace seals the first two days. A
// record written later for the first day is stored, and counted late.
func TestSealingAndLateRecords(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "flows.duckdb")
	s := openTest(t, path, Options{})
	writeAll(t, s, threeDays(), 70)

	ps, err := s.Periods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
	if len(ps) != len(want) {
		t.Fatalf("sealed periods %+v, want %v", ps, want)
	}
	for i, p := range ps {
		if !p.Lo.Equal(want[i]) || !p.Hi.Equal(want[i].Add(24*time.Hour)) || p.Rows != 100 || p.LateRows != 0 {
			t.Errorf("period %d: %+v, want [%v, +24h) with 100 rows", i, p, want[i])
		}
	}
	if got := s.SealedThrough(); !got.Equal(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("sealed through %v", got)
	}

	var mu sync.Mutex
	var late int
	w := writeWith(t, s, []schema.Record{
		testRecord(day0.Add(5*time.Minute), "10.9.9.9", "10.9.9.10", 1),                       // sealed 11-25
		testRecord(day0.Add(24*time.Hour+7*time.Minute), "10.9.9.9", "10.9.9.10", 1),          // sealed 11-26
		testRecord(day0.Add(24*time.Hour+8*time.Minute), "10.9.9.9", "10.9.9.10", 1),          // sealed 11-26
		testRecord(day0.Add(48*time.Hour+200*time.Minute), "10.9.9.9", "10.9.9.10", 1),        // open 11-27
		testRecord(time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC), "10.9.9.9", "10.9.9.10", 1), // sealed while empty
	}, WriterOptions{OnCommit: func(b BatchInfo) {
		mu.Lock()
		late += b.Late
		mu.Unlock()
	}})
	if late != 4 || w.Late() != 4 {
		t.Errorf("batches reported %d late records, writer %d; want 4", late, w.Late())
	}
	var n int
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil || n != 305 {
		t.Errorf("%d flows stored (%v), want 305: late records are stored, never dropped", n, err)
	}
	got := map[string][2]int64{}
	ps, _ = s.Periods(ctx)
	for _, p := range ps {
		got[p.Lo.Format("2006-01-02")] = [2]int64{p.Rows, p.LateRows}
	}
	wantRows := map[string][2]int64{"2026-11-20": {0, 1}, "2026-11-25": {100, 1}, "2026-11-26": {100, 2}}
	if len(got) != len(wantRows) {
		t.Errorf("periods %v, want %v", got, wantRows)
	}
	for k, v := range wantRows {
		if got[k] != v {
			t.Errorf("period %s: rows, late %v; want %v", k, got[k], v)
		}
	}

	// Sealing is kept across a reopen.
	s.Close()
	s2 := openTest(t, path, Options{})
	if got := s2.SealedThrough(); !got.Equal(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("reopened: sealed through %v", got)
	}
}

// A negative grace never seals; a seal that asks for nothing new does
// nothing.
func TestSealGraceAndIdempotence(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, "", Options{Partition: "hour"})
	writeWith(t, s, threeDays(), WriterOptions{SealGrace: -1})
	if !s.SealedThrough().IsZero() {
		t.Fatalf("a writer with a negative grace sealed through %v", s.SealedThrough())
	}
	mark := day0.Add(24 * time.Hour)
	sealed, err := s.Seal(ctx, mark)
	if err != nil {
		t.Fatal(err)
	}
	// 10:00–11:39 on 11-25 holds 100 records in two hours.
	if len(sealed) != 2 || sealed[0].Rows+sealed[1].Rows != 100 {
		t.Errorf("sealed %+v, want the two hours of 11-25 holding 100 records", sealed)
	}
	if again, err := s.Seal(ctx, mark); err != nil || len(again) != 0 {
		t.Errorf("sealing again: %+v, %v", again, err)
	}
	if !s.SealedThrough().Equal(mark.Truncate(time.Hour)) {
		t.Errorf("sealed through %v, want %v", s.SealedThrough(), mark.Truncate(time.Hour))
	}
}
