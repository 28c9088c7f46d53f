package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"tapdb/ingest"
	"tapdb/ingest/capture"
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
	again := fs.Bool("again", false, "read captures this store already holds (the same bytes, under any name) once more, storing their flows again")
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
	// Refuse bad and already ingested inputs before the store is touched.
	ins, err := checkInputs(files, *again, checkCapture)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *out, store.Options{Partition: *partition, Logger: e.log})
	if err != nil {
		return err
	}
	err = ingestCaptures(ctx, e, st, ins, len(nf) > 0, *again, func(ctx context.Context, emit func(*schema.Record) error) ([]capture.FileRead, error) {
		start := time.Now()
		if len(nf) > 0 {
			fst, err := collector.ReadCaptures(ctx, files, collector.FileOptions{
				Ports: portList, Detect: *detect, Logger: e.log, Hash: true,
				Decoder: netflow.Config{Srcid: *srcid, PairWindow: *pair},
			}, emit)
			d := fst.Decoder
			fmt.Fprintf(e.stderr, "read %d export datagrams (v5 %d, v9 %d, IPFIX %d; %d malformed) from %d capture(s) into %d flow records (%d paired) in %s\n",
				fst.Datagrams, d.V5.Datagrams, d.V9.Datagrams, d.IPFIX.Datagrams, fst.Malformed, fst.Files, d.Emitted, d.Paired, time.Since(start).Round(time.Millisecond))
			if miss := d.V9.MissingTemplate + d.IPFIX.MissingTemplate; miss > 0 {
				fmt.Fprintf(e.stderr, "tapdb ingest: %d data sets dropped: their template never came\n", miss)
			}
			return fst.PerFile, err
		}
		cfg := flow.DefaultConfig()
		cfg.Srcid = *srcid
		if cfg.Srcid == "" {
			cfg.Srcid, _ = os.Hostname()
		}
		stats, err := ingest.ReadFiles(ctx, files, ingest.Options{Flow: cfg, Logger: e.log, Hash: true}, emit)
		fmt.Fprintf(e.stderr, "read %d packets from %d capture(s) into %d flow records in %s\n", stats.Packets, stats.Files, stats.Flow.Records, time.Since(start).Round(time.Millisecond))
		return stats.PerFile, err
	})
	if cerr := st.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close store %s: %w", *out, cerr))
	}
	return err
}

// ingestCaptures refuses the inputs st already holds (unless again), then
// loads what read emits and records each capture read to its end once
// its flows are committed (see recordSources).
func ingestCaptures(ctx context.Context, e *env, st *store.Store, ins []input, netflow, again bool,
	read func(ctx context.Context, emit func(*schema.Record) error) ([]capture.FileRead, error)) error {
	if err := refuseIngested(ctx, st, ins, again); err != nil {
		return err
	}
	kind := "capture"
	if netflow {
		kind = "netflow"
	}
	var (
		files   []capture.FileRead
		readErr error
	)
	err := st.Load(ctx, store.WriterOptions{}, func(ctx context.Context, emit func(*schema.Record) error) error {
		files, readErr = read(ctx, emit)
		return nil
	})
	if err == nil {
		err = recordSources(ctx, e, st, kind, ins, files)
	}
	return errors.Join(readErr, err)
}

// input is a file a loading command reads, checked before the store is
// opened.
type input struct {
	path string
	// fp is its fingerprint (hex, capture.FingerprintFile); "" for
	// standard input and pipes, which cannot be looked up before they are
	// read: they are recorded after, and never refused.
	fp string
}

// checkInputs refuses, before the store is created or touched, a file
// that is missing or that check refuses (not a capture, say), and the
// same file given twice (by fingerprint) unless again is set; it returns
// each file's fingerprint. "-" (standard input) is not checked.
func checkInputs(paths []string, again bool, check func(path string) error) ([]input, error) {
	ins := make([]input, len(paths))
	seen := make(map[string]string, len(paths))
	for i, p := range paths {
		ins[i].path = p
		if p == "-" {
			continue
		}
		if err := check(p); err != nil {
			return nil, err
		}
		fp, _, ok, err := capture.FingerprintFile(p)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		ins[i].fp = hex.EncodeToString(fp[:])
		if prev, dup := seen[ins[i].fp]; dup && !again {
			return nil, fmt.Errorf("%s and %s are the same file (same size, same first and last 64 KiB): give --again to read both", prev, p)
		}
		seen[ins[i].fp] = p
	}
	return ins, nil
}

// checkCapture refuses a file that is missing or is not a capture.
func checkCapture(path string) error {
	r, err := capture.Open(path)
	var fe *capture.FormatError
	if errors.As(err, &fe) {
		return fmt.Errorf("open capture: %w", err)
	}
	if err != nil {
		return err // "opening capture: …"
	}
	return r.Close()
}

// refuseIngested refuses the first input whose fingerprint st holds (an
// *store.IngestedError naming the earlier ingestion), unless again is set.
func refuseIngested(ctx context.Context, st *store.Store, ins []input, again bool) error {
	for _, in := range ins {
		if in.fp == "" {
			continue
		}
		if err := st.CheckFingerprint(ctx, in.path, in.fp, again); err != nil {
			return err
		}
	}
	return nil
}

// recordSources records in st each capture read to its end, damaged ones
// included (the flows before the damage are stored), once the writer has
// committed their flows: a crash between that commit and this record
// leaves the capture unrecorded, and it would be read again. A capture
// stopped part-way (an error, ^C) is not recorded although the flows read
// from it are stored. files[i] is what was read of ins[i]. Standard input,
// not refused before it is read, is recorded like the rest; if it held a
// source recorded before, a warning says its flows are now stored twice.
func recordSources(ctx context.Context, e *env, st *store.Store, kind string, ins []input, files []capture.FileRead) error {
	for i := range files {
		f := &files[i]
		if !f.Ended || !f.Hashed {
			continue
		}
		sha, fp := f.Identity.Hex()
		name := f.Path
		if name == "-" {
			name = "stdin"
		}
		if i < len(ins) && ins[i].fp == "" {
			if prev, ok, err := st.LookupSource(ctx, sha); err != nil {
				return err
			} else if ok {
				e.log.Warn("input held a source ingested before: its flows are stored again", "input", name, "earlier", prev.Name, "ingested", prev.Ingested)
			}
		}
		first, last := f.Times()
		src := store.Source{SHA256: sha, Fingerprint: fp, Size: f.Identity.Size, Name: name, Kind: kind, First: first, Last: last, Records: f.Records}
		if err := st.RecordSource(ctx, src); err != nil {
			return err
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
