package ingest

import (
	"context"
	"fmt"
	"log/slog"

	"tapdb/ingest/capture"
	"tapdb/ingest/decode"
	"tapdb/ingest/flow"
	"tapdb/schema"
)

// Options configure ReadFiles.
type Options struct {
	Flow flow.Config
	// Progress, if set, is called every capture.ProgressEvery packets and
	// at the end of each file.
	Progress func(Progress)
	Logger   *slog.Logger
	// Hash identifies each file while reading it (capture.FilesOptions.Hash):
	// Stats.PerFile then holds its Identity.
	Hash bool
}

// Progress reports how far ReadFiles got.
type Progress = capture.Progress

// Stats count what ReadFiles saw.
type Stats struct {
	Files        int
	Packets      int64
	Bytes        int64 // wire bytes
	DecodeErrors int64 // frames that could not be decoded at all
	Flow         flow.Stats
	// PerFile says what was read of each file begun and how many flow
	// records it made (those emitted while it was read, flushed at its
	// end included).
	PerFile []capture.FileRead
}

// ReadFiles reads the capture files in order ("-" is standard input) and
// passes every flow record to emit (which must copy what it keeps). Each file
// is read with fresh flow state, as Argus 3.0.8 reads each file of
// `argus -r a -r b`: its flows are flushed at its end, its clock and flow
// numbers (Record.Seq) start again, and no flow spans two files, so files may
// be given in any time order. Every file is opened and checked first: a file
// that is not a capture, or whose link type tapdb cannot decode, is refused
// before any record is emitted. A file damaged part-way is read up to the
// damage and its flows flushed; the remaining files are still read, and the
// error names the file, packet and offset.
func ReadFiles(ctx context.Context, paths []string, opts Options, emit func(*schema.Record) error) (Stats, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var st Stats
	dec := decode.NewDecoder()
	var pkt decode.Packet
	// Each file is read with fresh flow state, as Argus reads each -r file:
	// the flows are flushed at its end, so a later file may hold older
	// packets (flow.Table.Flush).
	var records, before int64
	count := func(r *schema.Record) error {
		records++
		return emit(r)
	}
	table := flow.NewTable(opts.Flow, count)
	flush := func(f *capture.FileRead) error {
		if err := table.Flush(); err != nil {
			return fmt.Errorf("flush flows: %w", err)
		}
		f.Records, before = records-before, records
		return nil
	}
	fopts := capture.FilesOptions{Supported: decode.Supported, Progress: opts.Progress, Logger: log, FileDone: flush, Hash: opts.Hash}
	rd, err := capture.ReadFrames(ctx, paths, fopts, func(_ string, frame *capture.Frame) error {
		st.Packets++
		st.Bytes += int64(frame.WireLen)
		pkt.Reset()
		pkt.TimeNanos = frame.TimeNanos
		pkt.WireLen = frame.WireLen
		if err := dec.Decode(frame.LinkType, frame.Data, &pkt); err != nil {
			st.DecodeErrors++
			return nil
		}
		return table.Add(&pkt)
	})
	st.Files, st.PerFile = rd.Files, rd.PerFile
	st.Flow = table.Stats()
	if err != nil {
		return st, err
	}
	if st.DecodeErrors > 0 {
		log.Warn("frames could not be decoded", "count", st.DecodeErrors)
	}
	return st, rd.Damage
}
