package serve

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
)

// handler serves /metrics (Prometheus text format) and /healthz.
func (d *runner) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		bw := bufio.NewWriter(w)
		d.writeMetrics(r.Context(), &exposition{w: bw})
		bw.Flush()
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		code, msg := d.health(r.Context())
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(code)
		fmt.Fprintln(w, msg)
	})
	return mux
}

// health is 200 when the store answers and ingest is running, 503
// otherwise (queries may still be served while ingest is stopped).
func (d *runner) health(ctx context.Context) (int, string) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if d.recovering.Load() {
		return http.StatusServiceUnavailable, "store being reopened after a fatal error: sessions refused, ingest paused"
	}
	var one int
	if err := d.st.DB().QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		d.noteFatal(err)
		return http.StatusServiceUnavailable, "store: " + err.Error()
	}
	if d.sink.Stopped() {
		return http.StatusServiceUnavailable, "ingest stopped: the store cannot be written (queries are served)"
	}
	return http.StatusOK, "ok"
}

func (d *runner) writeMetrics(ctx context.Context, e *exposition) {
	s := d.sink
	e.one("tapdb_up", "gauge", "1 while the daemon runs", 1)
	e.one("tapdb_start_time_seconds", "gauge", "start time of the daemon, Unix seconds", float64(d.started.Unix()))
	e.one("tapdb_flows_written_total", "counter", "flow records committed to the store", float64(s.written.Load()))
	e.one("tapdb_flows_dropped_total", "counter", "flow records lost because the store could not be written", float64(s.dropped.Load()))
	e.one("tapdb_write_errors_total", "counter", "batches that failed to commit (disk full, I/O error)", float64(s.errors.Load()))
	stopped := 0.0
	if s.Stopped() {
		stopped = 1
	}
	e.one("tapdb_ingest_stopped", "gauge", "1 while ingest is stopped by a write error", stopped)
	e.one("tapdb_store_reopens_total", "counter", "times the store was reopened after a fatal DuckDB error", float64(d.storeReopens.Load()))
	e.one("tapdb_batches_total", "counter", "batches committed", float64(s.batches.Load()))
	s.latency.write(e, "tapdb_batch_commit_seconds", "time to append and commit a batch")
	e.one("tapdb_late_flows_total", "counter", "records stored for periods already sealed", float64(s.late.Load()))
	if periods, err := d.st.Periods(ctx); err == nil {
		e.one("tapdb_sealed_periods", "gauge", "sealed periods that hold records", float64(len(periods)))
	}
	if t := d.st.SealedThrough(); !t.IsZero() {
		e.one("tapdb_sealed_through_seconds", "gauge", "end of the last sealed period (Unix time)", float64(t.Unix()))
	}
	var stored int64
	if err := d.st.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&stored); err == nil {
		e.one("tapdb_stored_flows", "gauge", "flow records in the store", float64(stored))
	}
	e.one("tapdb_retention_runs_total", "counter", "retention rounds run", float64(atomic.LoadInt64(&d.retentionRuns)))
	e.one("tapdb_baseline_runs_total", "counter", "scheduled baselining queries run", float64(atomic.LoadInt64(&d.baselineRuns)))
	e.one("tapdb_baseline_errors_total", "counter", "scheduled baselining queries that failed", float64(atomic.LoadInt64(&d.baselineErrors)))
	e.one("tapdb_retention_deleted_flows_total", "counter", "flow records deleted by retention", float64(atomic.LoadInt64(&d.retentionDeleted)))
	e.one("tapdb_retention_errors_total", "counter", "retention rounds that failed", float64(atomic.LoadInt64(&d.retentionErrors)))

	// Postgres endpoint.
	pg := d.pg.Stats()
	e.one("tapdb_pg_open_connections", "gauge", "open client connections to the Postgres endpoint", float64(pg.Open))
	e.one("tapdb_pg_connections_total", "counter", "client connections accepted", float64(pg.Accepted))
	e.one("tapdb_pg_connections_refused_total", "counter", "client connections refused by the allow-list", float64(pg.Refused))

	// Live capture.
	if d.live != nil {
		ifs := d.live.Stats()
		type m struct {
			name, typ, help string
			v               func(i int) float64
		}
		for _, x := range []m{
			{"tapdb_capture_packets_total", "counter", "packets captured per interface", func(i int) float64 { return float64(ifs[i].Packets) }},
			{"tapdb_capture_bytes_total", "counter", "wire bytes of the packets captured per interface", func(i int) float64 { return float64(ifs[i].Bytes) }},
			{"tapdb_capture_decode_errors_total", "counter", "captured packets that could not be decoded", func(i int) float64 { return float64(ifs[i].DecodeErrors) }},
			{"tapdb_capture_kernel_packets_total", "counter", "packets the kernel passed to the capture socket", func(i int) float64 { return float64(ifs[i].KernelPackets) }},
			{"tapdb_capture_kernel_drops_total", "counter", "packets the kernel dropped because the capture ring was full", func(i int) float64 { return float64(ifs[i].KernelDrops) }},
		} {
			e.family(x.name, x.typ, x.help)
			for i := range ifs {
				e.sample(x.name, x.v(i), "interface", ifs[i].Name)
			}
		}
		fs := d.live.FlowStats()
		e.one("tapdb_flow_table_flows", "gauge", "flows held in the live flow table", float64(fs.Live))
		e.one("tapdb_flow_table_records_total", "counter", "records emitted by the live flow table", float64(fs.Records))
		e.one("tapdb_flow_table_evicted_total", "counter", "flows written early because the table was full", float64(fs.Evicted))
	}

	// NetFlow / IPFIX.
	if d.coll != nil {
		st := d.coll.Stats()
		e.family("tapdb_export_datagrams_total", "counter", "export datagrams received per listener")
		for _, l := range st.Listeners {
			e.sample("tapdb_export_datagrams_total", float64(l.Datagrams), "listener", l.Addr)
		}
		e.family("tapdb_export_malformed_total", "counter", "malformed export datagrams per listener")
		for _, l := range st.Listeners {
			e.sample("tapdb_export_malformed_total", float64(l.Malformed), "listener", l.Addr)
		}
		e.family("tapdb_export_records_total", "counter", "flow records decoded per export version")
		e.sample("tapdb_export_records_total", float64(st.Decoder.V5.Records), "version", "5")
		e.sample("tapdb_export_records_total", float64(st.Decoder.V9.Records), "version", "9")
		e.sample("tapdb_export_records_total", float64(st.Decoder.IPFIX.Records), "version", "10")
		e.family("tapdb_export_missing_template_total", "counter", "data sets dropped because their template never came")
		e.sample("tapdb_export_missing_template_total", float64(st.Decoder.V9.MissingTemplate), "version", "9")
		e.sample("tapdb_export_missing_template_total", float64(st.Decoder.IPFIX.MissingTemplate), "version", "10")
		e.one("tapdb_export_templates", "gauge", "templates held", float64(st.Decoder.TemplatesHeld))
		e.one("tapdb_export_paired_total", "counter", "bidirectional records paired from two one-way exports", float64(st.Decoder.Paired))
	}
}
