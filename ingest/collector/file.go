package collector

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"tapdb/ingest/capture"
	"tapdb/ingest/decode"
	"tapdb/ingest/netflow"
	"tapdb/schema"
)

// FileOptions configure ReadCaptures.
type FileOptions struct {
	// Ports are the UDP destination ports whose payloads are decoded;
	// nil means DefaultPorts.
	Ports []uint16
	// Detect also decodes UDP payloads sent to other ports when
	// LooksLikeExport says they are export datagrams.
	Detect bool
	// Decoder configures the NetFlow/IPFIX decoder.
	Decoder netflow.Config
	Logger  *slog.Logger
	// Hash identifies each capture while reading it
	// (capture.FilesOptions.Hash): FileStats.PerFile then holds its
	// Identity.
	Hash bool
}

// FileStats count what ReadCaptures saw.
type FileStats struct {
	Files     int
	Frames    int64 // frames read
	Datagrams int64 // UDP datagrams decoded as exports
	Fragments int64 // IP fragments skipped
	Malformed int64 // datagrams the decoder reported a problem with
	Decoder   netflow.Stats
	// PerFile says what was read of each capture begun and how many
	// records were emitted while it was read (the records paired or
	// flushed at the very end count for the last capture).
	PerFile []capture.FileRead
}

// ReadCaptures decodes the NetFlow/IPFIX datagrams carried in capture files
// (read in order, one decoder for all, so a template in one file serves the
// data of the next) and hands every record to emit. Every file is opened
// before any is read. A malformed datagram is counted and logged, never
// fatal; a damaged capture is read up to the damage and reported in the
// returned error after the other files.
func ReadCaptures(ctx context.Context, paths []string, opts FileOptions, emit func(*schema.Record) error) (FileStats, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ports := opts.Ports
	if ports == nil {
		ports = DefaultPorts
	}
	var want [65536 / 64]uint64
	for _, p := range ports {
		want[p/64] |= 1 << (p % 64)
	}
	var st FileStats
	dec := netflow.NewDecoder(opts.Decoder)
	var (
		emitErr         error
		records, before int64
	)
	sink := func(r *schema.Record) error {
		records++
		if err := emit(r); err != nil {
			emitErr = err
			return err
		}
		return nil
	}
	frames := decode.NewDecoder()
	var pkt decode.Packet
	fileDone := func(f *capture.FileRead) error {
		f.Records, before = records-before, records
		return nil
	}
	fopts := capture.FilesOptions{Logger: log, Hash: opts.Hash, FileDone: fileDone}
	rd, err := capture.ReadFrames(ctx, paths, fopts, func(path string, frame *capture.Frame) error {
		d, why := udpDatagram(frames, frame.LinkType, frame.Data, &pkt)
		if why == skipFragment {
			st.Fragments++
			return nil
		}
		if why != skipNone {
			return nil
		}
		port := d.Dst.Port()
		if want[port/64]&(1<<(port%64)) == 0 && !(opts.Detect && LooksLikeExport(d.Payload)) {
			return nil
		}
		st.Datagrams++
		if err := dec.Decode(d.Src, d.Payload, time.Unix(0, frame.TimeNanos).UTC(), sink); err != nil {
			if emitErr != nil {
				return emitErr
			}
			st.Malformed++
			log.Warn("malformed export datagram", "file", path, "packet", frame.Number, "err", err)
		}
		return nil
	})
	st.Files, st.Frames, st.PerFile = rd.Files, rd.Frames, rd.PerFile
	if err != nil {
		return st, err
	}
	if err := dec.Flush(sink); err != nil {
		return st, fmt.Errorf("flush paired records: %w", err)
	}
	if n := len(st.PerFile); n > 0 {
		st.PerFile[n-1].Records += records - before
	}
	st.Decoder = dec.Stats()
	return st, rd.Damage
}
