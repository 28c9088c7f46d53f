package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Times returns the file's earliest and latest frame times, both zero when
// it held no frame.
func (f *FileRead) Times() (first, last time.Time) {
	if f.Frames == 0 {
		return time.Time{}, time.Time{}
	}
	return time.Unix(0, f.First).UTC(), time.Unix(0, f.Last).UTC()
}

// FilesOptions configure ReadFrames.
type FilesOptions struct {
	// Supported, if set, is asked about the link type of every file once
	// all are open and before any frame is read; a file whose link type it
	// refuses fails the whole read.
	Supported func(linkType uint32) bool
	// Progress, if set, is called every ProgressEvery frames and at the
	// end of each file.
	Progress func(Progress)
	// Logger receives one line per damaged file; nil discards.
	Logger *slog.Logger
	// FileDone, if set, is called after each file's last frame (also after
	// a damaged file's last whole frame), with what was read of it; it may
	// set f.Records. Its error stops the loop.
	FileDone func(f *FileRead) error
	// Hash computes each file's Identity while it is read (on a goroutine
	// of its own, without reading any byte twice): FileRead.Identity.
	Hash bool
}

// Progress reports how far ReadFrames got.
type Progress struct {
	File    string
	Offset  int64 // bytes of the (decompressed) file read so far
	Packets int64 // packets (frames) read from all files so far
	Done    bool  // the file is finished
}

// FilesRead is what ReadFrames read.
type FilesRead struct {
	Files  int   // files begun
	Frames int64 // frames handed to fn
	// Damage joins the errors of the files damaged part-way (each naming
	// the file, packet number and byte offset); nil if none was.
	Damage error
	// PerFile holds one entry per file begun, in order.
	PerFile []FileRead
}

// FileRead is what ReadFrames read of one file.
type FileRead struct {
	Path   string
	Frames int64
	// First and Last are the earliest and the latest frame time (Unix
	// nanoseconds); both 0 when the file held no frame.
	First, Last int64
	// Records is left to FileDone: the flow records the caller made of
	// the file's frames.
	Records int64
	// Ended says the file was read to its end, or to its damage, and
	// FileDone accepted it; a file stopped by an error or the context is
	// not ended.
	Ended   bool
	Damaged bool
	// Identity is the file's, with FilesOptions.Hash (Hashed then says so):
	// of every byte of a regular file, damaged or not, and of the bytes
	// read from standard input or a pipe.
	Identity Identity
	Hashed   bool
}

const (
	// ProgressEvery is how many frames pass between progress calls.
	ProgressEvery = 1 << 14
	// ctxEvery is how many frames pass between looks at the context.
	ctxEvery = 1 << 12
)

// ReadFrames is the frame loop of the programs that read capture files.
// It opens every file of paths ("-" is standard input) before reading any,
// so that a file that is not a capture (or whose link type
// opts.Supported refuses) is refused before a frame is handed on; then it
// reads the files in order and calls fn with each frame and the path of
// its file. f and its Data are valid only during the call.
//
// A file damaged part-way is read up to the damage, logged, and the next
// file is read: the damage is reported in FilesRead.Damage, not as the
// error, so that the caller still flushes what it built from the frames
// before it. The error is what stopped the loop: a file that could not be
// opened or is refused, fn's error (wrapped with the file, packet number
// and byte offset of the frame), or the context's error.
func ReadFrames(ctx context.Context, paths []string, opts FilesOptions, fn func(path string, f *Frame) error) (rd FilesRead, err error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	readers, err := openReaders(paths, opts.Hash)
	if err != nil {
		return rd, err
	}
	defer CloseAll(readers)
	if opts.Supported != nil {
		for i, r := range readers {
			if lt := r.LinkType(); !opts.Supported(lt) {
				return rd, fmt.Errorf("open capture %s: link type %d is not supported", paths[i], lt)
			}
		}
	}
	var (
		frame  Frame
		damage []error
	)
	rd.PerFile = make([]FileRead, 0, len(paths))
	defer func() { rd.Damage = errors.Join(damage...) }()
	for i, r := range readers {
		path := paths[i]
		rd.Files++
		rd.PerFile = append(rd.PerFile, FileRead{Path: path})
		fr := &rd.PerFile[len(rd.PerFile)-1]
		var (
			lens        badLens
			n           int64
			first, last int64
		)
		for {
			err := r.Next(&frame)
			if err == io.EOF {
				break
			}
			if err != nil {
				err = ReadError(path, err)
				log.Error("capture damaged; keeping the frames before it", "err", err)
				damage = append(damage, err)
				fr.Damaged = true
				break
			}
			if frame.BadWireLen {
				lens.add(path, &frame, log)
			}
			if t := frame.TimeNanos; n == 0 {
				first, last = t, t
			} else if t < first {
				first = t
			} else if t > last {
				last = t
			}
			n++
			rd.Frames++
			if err := fn(path, &frame); err != nil {
				fr.Frames, fr.First, fr.Last = n, first, last
				return rd, fmt.Errorf("%s: packet %d at offset %d: %w", path, frame.Number, frame.Offset, err)
			}
			if rd.Frames%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					fr.Frames, fr.First, fr.Last = n, first, last
					return rd, err
				}
				if opts.Progress != nil && rd.Frames%ProgressEvery == 0 {
					opts.Progress(Progress{File: path, Offset: frame.Offset, Packets: rd.Frames})
				}
			}
		}
		fr.Frames, fr.First, fr.Last = n, first, last
		if err := lens.err(); err != nil {
			damage = append(damage, err)
			fr.Damaged = true
		}
		if fr.Identity, fr.Hashed, err = identify(r); err != nil {
			return rd, err
		}
		if opts.FileDone != nil {
			if err := opts.FileDone(fr); err != nil {
				return rd, fmt.Errorf("%s: after its last packet: %w", path, err)
			}
		}
		fr.Ended = true
		if opts.Progress != nil {
			opts.Progress(Progress{File: path, Offset: frame.Offset, Packets: rd.Frames, Done: true})
		}
	}
	return rd, nil
}

// warnBadLens is how many packets with a damaged original length are logged
// one by one per file; the rest are counted in the file's damage error.
const warnBadLens = 10

// badLens collects a file's packets whose recorded original length is
// damaged (Frame.BadWireLen): their captured bytes are counted, each of the
// first few is logged, and the file is reported damaged at its end.
type badLens struct {
	first *FormatError
	n     int
}

func (b *badLens) add(path string, f *Frame, log *slog.Logger) {
	b.n++
	if b.n > warnBadLens {
		return
	}
	e := &FormatError{File: path, Packet: f.Number, Offset: f.Offset,
		Msg: fmt.Sprintf("original length %d with %d bytes captured (at most %d): damaged record header; counting the captured bytes",
			f.RecordedLen, len(f.Data), MaxWireLen)}
	if b.first == nil {
		b.first = e
	}
	log.Warn("capture damaged: impossible original length", "err", e)
}

// err is the file's damage error, nil if every length was sound.
func (b *badLens) err() error {
	switch b.n {
	case 0:
		return nil
	case 1:
		return b.first
	}
	e := *b.first
	e.Msg += fmt.Sprintf(" (and %d more packets like it)", b.n-1)
	return &e
}
