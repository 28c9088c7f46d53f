package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"tapdb/ingest"
	"tapdb/ingest/collector"
	"tapdb/ingest/flow"
	"tapdb/ingest/netflow"
	"tapdb/schema"
	"tapdb/store"
)

func runIngest(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ingest", "tapdb ingest [--netflow] CAPTURE … -w STORE   (--netflow: decode NetFlow/IPFIX carried in the captures' UDP packets)")
	var nf stringList
	fs.Var(&nf, "netflow", "capture holding NetFlow v5/v9/IPFIX export datagrams (repeatable); with it, the other arguments are export captures too")
	out := fs.String("w", "", "flow store to write (DuckDB file, created if missing)")
	ports := fs.String("port", "2055,4739,9995,9996", "UDP destination ports of export datagrams, comma-separated")
	detect := fs.Bool("detect", true, "also decode UDP payloads to other ports that are shaped like export datagrams (version 5, 9, 10 with a consistent header)")
	srcid := fs.String("srcid", "", "source id of NetFlow records (default: the exporter's address); of packet captures: Argus -e (default: host name)")
	pair := fs.Duration("pair-window", netflow.DefaultPairWindow, "NetFlow: how long a one-way record waits for its reverse direction to be paired (negative: no pairing)")
	partition := periodFlag(fs)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	files := append([]string(nil), nf...)
	files = append(files, rest...)
	if len(files) == 0 || *out == "" {
		fs.Usage()
		return &usageError{"want at least one CAPTURE and -w STORE"}
	}
	portList, err := parsePorts(*ports)
	if err != nil {
		return &usageError{"--port: " + err.Error()}
	}
	if err := checkCaptures(files); err != nil {
		return err
	}
	start := time.Now()
	return store.Load(ctx, *out, store.Options{Partition: *partition, Logger: e.log}, store.WriterOptions{},
		func(ctx context.Context, emit func(*schema.Record) error) error {
			if len(nf) > 0 {
				fst, err := collector.ReadCaptures(ctx, files, collector.FileOptions{
					Ports: portList, Detect: *detect, Logger: e.log,
					Decoder: netflow.Config{Srcid: *srcid, PairWindow: *pair},
				}, emit)
				d := fst.Decoder
				fmt.Fprintf(e.stderr, "read %d export datagrams (v5 %d, v9 %d, IPFIX %d; %d malformed) from %d capture(s) into %d flow records (%d paired) in %s\n",
					fst.Datagrams, d.V5.Datagrams, d.V9.Datagrams, d.IPFIX.Datagrams, fst.Malformed, fst.Files, d.Emitted, d.Paired, time.Since(start).Round(time.Millisecond))
				if miss := d.V9.MissingTemplate + d.IPFIX.MissingTemplate; miss > 0 {
					fmt.Fprintf(e.stderr, "tapdb ingest: %d data sets dropped: their template never came\n", miss)
				}
				return err
			}
			cfg := flow.DefaultConfig()
			cfg.Srcid = *srcid
			if cfg.Srcid == "" {
				cfg.Srcid, _ = os.Hostname()
			}
			stats, err := ingest.ReadFiles(ctx, files, ingest.Options{Flow: cfg, Logger: e.log}, emit)
			fmt.Fprintf(e.stderr, "read %d packets from %d capture(s) into %d flow records in %s\n", stats.Packets, stats.Files, stats.Flow.Records, time.Since(start).Round(time.Millisecond))
			return err
		})
}

// checkCaptures refuses capture files that are missing before the store
// is created or touched ("-", standard input, is not checked).
func checkCaptures(files []string) error {
	for _, in := range files {
		if in == "-" {
			continue
		}
		if _, err := os.Stat(in); err != nil {
			return fmt.Errorf("open capture: %w", err)
		}
	}
	return nil
}

// parsePorts reads a comma-separated list of UDP ports.
func parsePorts(s string) ([]uint16, error) {
	var out []uint16
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.ParseUint(f, 10, 16)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("bad port %q", f)
		}
		out = append(out, uint16(n))
	}
	if out == nil {
		out = []uint16{}
	}
	return out, nil
}

// parseInterspersed parses flags that may come after positional arguments
// ("tapdb ingest a.pcap -w store") and returns the positional ones;
// everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return append(pos, tail...), nil
		}
		args = fs.Args()
		pos = append(pos, args[0])
		args = args[1:]
	}
}
