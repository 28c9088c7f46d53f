package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"tapdb/ingest"
	"tapdb/ingest/flow"
	"tapdb/schema"
	"tapdb/store"
)

func runSensor(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "sensor", "tapdb sensor -r CAPTURE [-r CAPTURE …] -w STORE")
	var inputs stringList
	fs.Var(&inputs, "r", "capture file to read: pcap or pcapng, optionally gzip-compressed; - for stdin (repeatable)")
	out := fs.String("w", "", "flow store to write (DuckDB file, created if missing)")
	cfg := flow.DefaultConfig()
	status := fs.Float64("S", cfg.StatusInterval.Seconds(), "flow status interval in seconds (Argus -S)")
	fs.IntVar(&cfg.MaxFlows, "max-flows", cfg.MaxFlows, "most flows held in memory; when full the oldest idle flows are written early")
	fs.TextVar(&cfg.Tunnels, "tunnels", cfg.Tunnels, "IP-in-IP, 6in4, 4in6, 6in6 packets: decapsulate (the inner flows) or outer (one flow between the tunnel endpoints, as argus 3.0.8)")
	// Argus writes srcid 0.0.0.0 unless -e (or ARGUS_MONITOR_ID) says
	// otherwise, with or without Debian's /etc/argus.conf (emp.).
	fs.StringVar(&cfg.Srcid, "e", "0.0.0.0", "source id written to every record (Argus -e; argus's default is 0.0.0.0)")
	again := fs.Bool("again", false, "read captures this store already holds (the same bytes, under any name) once more, storing their flows again")
	partition := periodFlag(fs)
	batch := fs.Int("batch", 0, "records per committed batch (default 491520: four DuckDB row groups)")
	memLimit := fs.String("memory-limit", "256MB", "DuckDB memory limit while ingesting (its buffer pool; written data is on disk)")
	verbose := fs.Bool("v", false, "log every committed batch")
	quiet := fs.Bool("q", false, "no progress bar")
	cpuProfile := fs.String("cpuprofile", "", "write a Go CPU profile to this file (for benchmarks)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(inputs) == 0 || *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return &usageError{"want at least one -r CAPTURE and -w STORE"}
	}
	if *status < 1 {
		return &usageError{"-S: the status interval is at least 1 second"}
	}
	cfg.StatusInterval = time.Duration(*status * float64(time.Second))
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	log := e.log
	if *verbose {
		log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	// Refuse bad inputs before the store is created or touched, and
	// captures it already holds before anything is read.
	ins, err := checkInputs(inputs, *again, checkCapture)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *out, store.Options{Partition: *partition, Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseIngested(ctx, st, ins, *again); err != nil {
		return err
	}
	if *memLimit != "" {
		if err := st.SetMemoryLimit(ctx, *memLimit); err != nil {
			return &usageError{fmt.Sprintf("-memory-limit: %v", err)}
		}
	}
	wopts := store.WriterOptions{
		BatchSize: *batch,
		OnCommit: func(b store.BatchInfo) {
			log.Info("committed batch", "batch", b.Number, "rows", b.Rows, "total", b.Total, "elapsed", b.Elapsed, "late", b.Late)
		},
	}
	opts := ingest.Options{Flow: cfg, Logger: log, Hash: true}
	var bar *progressBar
	if e.stderrIsTerm && !*quiet {
		bar = newProgressBar(e.stderr, inputs)
		opts.Progress = bar.update
	}
	start := time.Now()
	var (
		stats   ingest.Stats
		readErr error
	)
	// Whatever was read is stored, even when a capture was damaged.
	err = st.Load(ctx, wopts, func(ctx context.Context, emit func(*schema.Record) error) error {
		stats, readErr = ingest.ReadFiles(ctx, inputs, opts, emit)
		if bar != nil {
			bar.finish()
		}
		return nil
	})
	if err == nil { // the flows are committed
		err = recordSources(ctx, e, st, "capture", ins, stats.PerFile)
	}
	err = errors.Join(readErr, err)
	if cerr := st.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close store: %w", cerr))
	}
	elapsed := time.Since(start)
	log.Info("sensor done", "files", stats.Files, "packets", stats.Packets, "records", stats.Flow.Records,
		"flows", stats.Flow.Flows, "evicted", stats.Flow.Evicted, "decode_errors", stats.DecodeErrors,
		"elapsed", elapsed, "packets_per_s", float64(stats.Packets)/elapsed.Seconds())
	if stats.Flow.Evicted > 0 {
		fmt.Fprintf(e.stderr, "tapdb sensor: flow table full: %d flows written early (raise --max-flows)\n", stats.Flow.Evicted)
	}
	return err
}
