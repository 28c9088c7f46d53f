package serve

import (
	"context"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"tapdb/ingest/netflow"
	"tapdb/ingest/netflow/netflowtest"
	"tapdb/schema"
	"tapdb/store"
)

// BenchmarkNetflowDecode decodes NetFlow v5 datagrams and drops the
// records: the decoder's share of the collector's path.
func BenchmarkNetflowDecode(b *testing.B) {
	dgs := netflowtest.V5Datagrams(1024, time.Now(), 3)
	dec := netflow.NewDecoder(netflow.Config{PairWindow: -1})
	from := netip.MustParseAddrPort("192.0.2.1:2055")
	discard := func(*schema.Record) error { return nil }
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		dec.Decode(from, dgs[i%len(dgs)].Payload, time.Now(), discard)
	}
	b.ReportMetric(float64(b.N*30)/time.Since(start).Seconds(), "records/s")
}

// BenchmarkNetflowToStore decodes NetFlow v5 datagrams and writes their
// records through the Sink into a store file: the collector's path without
// the sockets. Reported as records/s.
func BenchmarkNetflowToStore(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, b.TempDir()+"/flows.duckdb", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	sink, err := newSink(ctx, st, Default().Batch, time.Second, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		b.Fatal(err)
	}
	dgs := netflowtest.V5Datagrams(1024, time.Now(), 3)
	dec := netflow.NewDecoder(netflow.Config{PairWindow: -1})
	from := netip.MustParseAddrPort("192.0.2.1:2055")
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		dec.Decode(from, dgs[i%len(dgs)].Payload, time.Now(), sink.Write)
	}
	sink.Flush()
	b.ReportMetric(float64(b.N*30)/time.Since(start).Seconds(), "records/s")
	if err := sink.Close(); err != nil {
		b.Fatal(err)
	}
}
