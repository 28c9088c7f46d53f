package query

import (
	"context"

	"tapdb/schema"
	"testing"
	"time"
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
	// Sabotage: drop the partition table behind the writer's back.
	if _, err := s.DB().ExecContext(ctx, "DROP VIEW flows; DROP TABLE flows_d20261125"); err != nil {
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
		t.Fatal("writing into a dropped partition gave no error")
	}
	// The batches committed before, in the other partition, are all there.
	var n int
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows_d20261126").Scan(&n); err != nil || n != 10 {
		t.Errorf("committed partition holds %d records (%v), want 10", n, err)
	}
}

var benchBatch = 0 // the writer's default
