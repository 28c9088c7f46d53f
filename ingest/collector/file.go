package collector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"tapdb/ingest/capture"
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
}

// FileStats count what ReadCaptures saw.
type FileStats struct {
	Files     int
	Frames    int64 // frames read
	Datagrams int64 // UDP datagrams decoded as exports
	Fragments int64 // IP fragments skipped
	Malformed int64 // datagrams the decoder reported a problem with
	Decoder   netflow.Stats
}

// ReadCaptures decodes the NetFlow/IPFIX datagrams carried in capture files
// (read in order, one decoder for all, so a template in one file serves the
// data of the next) and hands every record to emit. A malformed datagram is
// counted and logged, never fatal; a damaged capture is read up to the
// damage and reported in the returned error after the other files.
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
	readers, err := capture.OpenAll(paths)
	if err != nil {
		return st, err
	}
	defer capture.CloseAll(readers)
	dec := netflow.NewDecoder(opts.Decoder)
	var emitErr error
	sink := func(r *schema.Record) error {
		if err := emit(r); err != nil {
			emitErr = err
			return err
		}
		return nil
	}
	var damaged []error
	var frame capture.Frame
	var last time.Time
	for i, r := range readers {
		st.Files++
		for {
			err := r.Next(&frame)
			if err == io.EOF {
				break
			}
			if err != nil {
				err = capture.ReadError(paths[i], err)
				log.Error("capture damaged; keeping the datagrams before it", "err", err)
				damaged = append(damaged, err)
				break
			}
			st.Frames++
			if st.Frames%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return st, err
				}
			}
			d, why := udpDatagram(frame.LinkType, frame.Data)
			if why == skipFragment {
				st.Fragments++
				continue
			}
			if why != skipNone {
				continue
			}
			port := d.Dst.Port()
			if want[port/64]&(1<<(port%64)) == 0 && !(opts.Detect && LooksLikeExport(d.Payload)) {
				continue
			}
			st.Datagrams++
			last = time.Unix(0, frame.TimeNanos).UTC()
			if err := dec.Decode(d.Src, d.Payload, last, sink); err != nil {
				if emitErr != nil {
					return st, fmt.Errorf("%s packet %d: %w", paths[i], frame.Number, emitErr)
				}
				st.Malformed++
				log.Warn("malformed export datagram", "file", paths[i], "packet", frame.Number, "err", err)
			}
		}
	}
	if err := dec.Flush(sink); err != nil {
		return st, fmt.Errorf("flush paired records: %w", err)
	}
	st.Decoder = dec.Stats()
	return st, errors.Join(damaged...)
}
