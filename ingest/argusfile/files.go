package argusfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"tapdb/schema"
)

// FilesRead is what ReadFiles read.
type FilesRead struct {
	Files int   // files begun
	Stats Stats // summed over the files
	// Damage joins the errors of the files damaged part-way (each a
	// *FormatError naming the file and byte offset); nil if none was.
	Damage error
}

// ctxEvery is how many records pass between looks at the context.
const ctxEvery = 1 << 12

// ReadFiles reads the flow records of Argus files ("-" is standard
// input) in order and hands each to emit; rec is valid only during the
// call. Every file is opened, and so checked to be an Argus 3 file, before
// any record is handed on. A file damaged part-way is read up to the
// damage, logged, and the next file is read: the damage is reported in
// FilesRead.Damage, not as the error, so that the caller keeps what came
// before it. The error is what stopped the loop: a file that could not be
// opened or is not an Argus file, emit's error (wrapped with the file and
// the record's offset), or the context's error.
func ReadFiles(ctx context.Context, paths []string, log *slog.Logger, emit func(rec *schema.Record) error) (rd FilesRead, err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	readers := make([]*Reader, 0, len(paths))
	defer func() {
		for _, r := range readers {
			r.Close()
		}
	}()
	for _, p := range paths {
		r, err := Open(p)
		if err != nil {
			return rd, err
		}
		readers = append(readers, r)
	}
	var (
		rec    schema.Record
		damage []error
	)
	defer func() { rd.Damage = errors.Join(damage...) }()
	for _, r := range readers {
		rd.Files++
		before := r.Stats()
		for {
			off := r.Offset()
			err := r.Next(&rec)
			if err == io.EOF {
				break
			}
			if err != nil {
				var fe *FormatError
				if !errors.As(err, &fe) {
					err = fmt.Errorf("read %s: %w", r.Name(), err)
				}
				log.Error("argus file damaged; keeping the records before it", "err", err)
				damage = append(damage, err)
				break
			}
			if err := emit(&rec); err != nil {
				return rd, fmt.Errorf("%s: record at offset %d: %w", r.Name(), off, err)
			}
			if r.Stats().Flows%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return rd, err
				}
			}
		}
		st := r.Stats()
		rd.Stats.Records += st.Records - before.Records
		rd.Stats.Flows += st.Flows - before.Flows
		rd.Stats.Management += st.Management - before.Management
		rd.Stats.Skipped += st.Skipped - before.Skipped
		log.Info("argus file read", "file", r.Name(), "flows", st.Flows, "management", st.Management, "skipped", st.Skipped)
	}
	return rd, nil
}
