package collector

import (
	"context"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"tapdb/ingest/netflow"
	"tapdb/ingest/netflow/netflowtest"
	"tapdb/internal/testutil"
	"tapdb/schema"
	"tapdb/store"
)

// BenchmarkNetflowToWriter decodes synthetic NetFlow v5 datagrams (30
// records each, random addresses) and writes the records straight into a
// store file through store.Writer, committing every batch records: the
// collector's path without the sockets and without the daemon's sink.
// "locked" takes a mutex around every Write, as the daemon's sink does.
// 65536 was the daemon's default batch (491520 since); 122880 is one DuckDB row group, the
// size from which a commit writes compressed row groups straight to the
// file instead of through the WAL; default is the writer's (491520).
// Reported as records/s and CPU time per record.
func BenchmarkNetflowToWriter(b *testing.B) {
	cases := []struct {
		batch  int
		locked bool
	}{{65536, false}, {65536, true}, {122880, false}, {0, false}}
	for _, c := range cases {
		name := "batch=" + strconv.Itoa(c.batch)
		if c.batch == 0 {
			name = "batch=default"
		}
		if c.locked {
			name += "/locked"
		}
		b.Run(name, func(b *testing.B) { benchNetflowToWriter(b, c.batch, c.locked) })
	}
}

func benchNetflowToWriter(b *testing.B, batch int, locked bool) {
	ctx := context.Background()
	st, err := store.Open(ctx, b.TempDir()+"/flows.duckdb", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	w, err := st.NewWriter(ctx, store.WriterOptions{BatchSize: batch})
	if err != nil {
		b.Fatal(err)
	}
	emit := w.Write
	if locked {
		var mu sync.Mutex
		emit = func(r *schema.Record) error {
			mu.Lock()
			defer mu.Unlock()
			return w.Write(r)
		}
	}
	dgs := netflowtest.V5Datagrams(4096, time.Now(), 7)
	dec := netflow.NewDecoder(netflow.Config{PairWindow: -1})
	from := netip.MustParseAddrPort("192.0.2.1:2055")
	b.ReportAllocs()
	cpu0 := testutil.ProcessCPU()
	n := 0
	for b.Loop() {
		if err := dec.Decode(from, dgs[n%len(dgs)].Payload, time.Now(), emit); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n*30)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(testutil.ProcessCPU()-cpu0)/float64(n*30), "cpu-ns/record")
}
