package store

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"tapdb/internal/testutil"
	"tapdb/schema"
)

// BenchmarkWriter measures records/s through the Appender into a file store.
func BenchmarkWriter(b *testing.B) {
	s, err := Open(context.Background(), b.TempDir()+"/bench.duckdb", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	w, err := s.NewWriter(context.Background(), WriterOptions{BatchSize: benchBatch})
	if err != nil {
		b.Fatal(err)
	}
	recs := threeDays()
	b.ReportAllocs()
	cpu0 := testutil.ProcessCPU()
	i := 0
	for b.Loop() {
		r := recs[i%len(recs)]
		r.Stime = day0.Add(time.Duration(i) * time.Millisecond)
		r.Ltime = r.Stime
		if err := w.Write(&r); err != nil {
			b.Fatal(err)
		}
		i++
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "records/s")
	// CPU time (every thread's, DuckDB's included) per record: steadier
	// than records/s on a machine shared with other work.
	b.ReportMetric(float64(testutil.ProcessCPU()-cpu0)/float64(i), "cpu-ns/record")
}

// A failed batch surfaces as an error from the next call, and the store
// keeps the batches committed before it.
func TestWriterErrorKeepsCommitted(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, "", Options{})
	all := threeDays()
	recs := all[:10]
	writeAll(t, s, append(append([]schema.Record(nil), recs...), all[100:110]...), 5)
	w, err := s.NewWriter(ctx, WriterOptions{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Sabotage: take the flows table away behind the writer's back.
	if _, err := s.DB().ExecContext(ctx, "ALTER TABLE flows RENAME TO kept"); err != nil {
		t.Fatal(err)
	}
	var werr error
	for i := 0; i < 6 && werr == nil; i++ {
		werr = w.Write(&recs[0])
	}
	if werr == nil {
		werr = w.Close()
	} else {
		w.Close()
	}
	if werr == nil {
		t.Fatal("writing into a missing table gave no error")
	}
	// The batches committed before are all there.
	var n int
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM kept").Scan(&n); err != nil || n != 20 {
		t.Errorf("the table holds %d records (%v), want the 20 committed", n, err)
	}
}

var benchBatch = 0 // the writer's default

// OnCommit reports each batch once, numbered in order, with its rows.
func TestWriterOnCommit(t *testing.T) {
	s := openTest(t, "", Options{})
	var (
		mu    sync.Mutex
		infos []BatchInfo
	)
	w, err := s.NewWriter(context.Background(), WriterOptions{BatchSize: 70, OnCommit: func(b BatchInfo) {
		mu.Lock()
		infos = append(infos, b)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	recs := threeDays()
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(infos, func(a, b BatchInfo) int { return a.Number - b.Number })
	var rows, late int
	for i, b := range infos {
		if b.Number != i+1 {
			t.Errorf("batch %d numbered %d", i+1, b.Number)
		}
		rows += b.Rows
		late += b.Late
	}
	var last int64
	for _, b := range infos {
		last = max(last, b.Total)
	}
	if rows != len(recs) || last != int64(len(recs)) {
		t.Errorf("batches hold %d records (total %d), wrote %d", rows, last, len(recs))
	}
	if late != 0 {
		t.Errorf("%d late records in a first write", late)
	}
}

// DuckDB's own checkpoint-on-commit is off (a failing one invalidates the
// database); the writer checkpoints instead once the WAL passes
// checkpointAt, so the WAL stays bounded.
func TestWriterCheckpoints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flows.duckdb")
	s := openTest(t, path, Options{})
	w, err := s.NewWriter(context.Background(), WriterOptions{BatchSize: 2000})
	if err != nil {
		t.Fatal(err)
	}
	maxWAL := int64(0)
	writeMillis(t, w, 200_000, 2000, func() { maxWAL = max(maxWAL, fileSize(path+".wal")) })
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if maxWAL < checkpointAt/2 || maxWAL > 2*checkpointAt {
		t.Errorf("largest WAL seen %d bytes; want it to grow to about %d and be folded back", maxWAL, checkpointAt)
	}
}

// Two lanes writing while retention deletes and readers query: the
// DELETE runs beside the writer's transactions, retention's checkpoint gets
// its turn between batches (at the writer's flushes), and nobody waits
// forever. Run under the race detector by scripts/test.sh.
func TestWriterLanesWithRetentionAndQueries(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, "", Options{Partition: "hour"})
	w, err := s.NewWriter(ctx, WriterOptions{BatchSize: 1000, Lanes: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Records 100 ms apart from 10:00; retention removes the first hour's
	// 36,000 (whole periods only).
	cutoff := day0.Add(time.Hour)
	stop := make(chan struct{})
	retained := make(chan error, 1)
	go func() {
		for range 10 {
			if _, err := s.DeleteBefore(ctx, cutoff); err != nil {
				retained <- err
				return
			}
		}
		retained <- nil
	}()
	queried := make(chan error, 1)
	go func() {
		defer close(queried)
		for {
			select {
			case <-stop:
				return
			default:
			}
			var n, bytes int64
			if err := s.DB().QueryRowContext(ctx, "SELECT count(*), coalesce(sum(bytes), 0) FROM flows WHERE stime >= ?", cutoff).Scan(&n, &bytes); err != nil {
				queried <- err
				return
			}
		}
	}()
	const n = 60000
	recs := threeDays()
	for i := range n {
		r := recs[i%100]
		r.Stime = day0.Add(time.Duration(i) * 100 * time.Millisecond)
		r.Ltime = r.Stime
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
		if i%5000 == 4999 {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	if err := <-queried; err != nil {
		t.Fatalf("query beside ingest and retention: %v", err)
	}
	select {
	case err := <-retained:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("retention never got its turn")
	}
	if _, err := s.DeleteBefore(ctx, cutoff); err != nil {
		t.Fatal(err)
	}
	var got int
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&got); err != nil || got != n-36000 {
		t.Errorf("%d flows kept, %v; want %d", got, err, n-36000)
	}
	if problems, err := s.Verify(ctx); err != nil || len(problems) != 0 {
		t.Errorf("verify: %v, %v", problems, err)
	}
}

// writeMillis writes n records one millisecond apart from day0, flushing
// every flushEvery records and then calling flushed (if set).
func writeMillis(t *testing.T, w *Writer, n, flushEvery int, flushed func()) {
	t.Helper()
	recs := threeDays()
	for i := range n {
		r := recs[i%100]
		r.Stime = day0.Add(time.Duration(i) * time.Millisecond)
		r.Ltime = r.Stime
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
		if i%flushEvery == flushEvery-1 {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if flushed != nil {
				flushed()
			}
		}
	}
}
