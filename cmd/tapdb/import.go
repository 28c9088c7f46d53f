package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"tapdb/ingest/argusfile"
	"tapdb/ingest/capture"
	"tapdb/ingest/csvimport"
	"tapdb/schema"
	"tapdb/store"
)

// importMaxShown is how many bad rows import lists before it only counts.
const importMaxShown = 50

func runImport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "import", "tapdb import -w STORE [options] FILE …  (Argus 3 files, plain or gzip'd, or ra -c , -s … output; - for stdin)")
	out := fs.String("w", "", "flow store to write (DuckDB file, created if missing)")
	date := fs.String("date", "", "date YYYY-MM-DD of times printed as time of day (ra's default %T.%f)")
	tz := fs.String("tz", "Local", "time zone of formatted times (ra prints local time); Unix times (-u) are absolute")
	srcid := fs.String("srcid", "", "source id for records without a SrcId column")
	delim := fs.String("c", "", "field delimiter (ra -c); default: detected from the header")
	again := fs.Bool("again", false, "import files this store already holds (the same bytes, under any name) once more, storing their records again")
	partition := periodFlag(fs)
	verbose := fs.Bool("v", false, "log progress")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	files := fs.Args()
	if *out == "" || len(files) == 0 {
		fs.Usage()
		return &usageError{"want -w STORE and at least one FILE"}
	}
	opts := csvimport.Options{Srcid: *srcid}
	if *delim != "" {
		r := []rune(*delim)
		if len(r) != 1 || r[0] == '"' || r[0] == '\n' || r[0] == '\r' {
			return &usageError{fmt.Sprintf("-c %q: the delimiter is one character", *delim)}
		}
		opts.Comma = r[0]
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return &usageError{fmt.Sprintf("--tz: %v", err)}
	}
	opts.Location = loc
	if *date != "" {
		d, err := time.ParseInLocation("2006-01-02", *date, loc)
		if err != nil {
			return &usageError{fmt.Sprintf("--date %q: want YYYY-MM-DD", *date)}
		}
		opts.Date = d
	}
	log := e.log
	if *verbose {
		log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}

	// Standard input can be read only once: keep a copy for the second pass.
	shown := append([]string(nil), files...) // names for messages
	for i, f := range files {
		if f != "-" {
			continue
		}
		shown[i] = "stdin"
		tmp, err := spoolStdin(e.stdin)
		if err != nil {
			return err
		}
		defer os.Remove(tmp)
		files[i] = tmp
	}

	// Argus files are read record by record; the rest is ra's text.
	isArgus := make([]bool, len(files))
	for i, f := range files {
		ok, err := argusfile.DetectFile(f)
		if err != nil {
			return fmt.Errorf("%s: %w", shown[i], err)
		}
		isArgus[i] = ok
	}
	// The same file twice, or one the store holds, is refused by its
	// fingerprint (standard input too: it was spooled to a file).
	ins, err := checkInputs(files, *again, func(string) error { return nil })
	if err != nil {
		return err
	}
	for i := range ins {
		ins[i].path = shown[i] // for messages: stdin, not its spooled copy
	}
	ids := make([]capture.Identity, len(files))

	// Pass 1: read everything, write nothing. Any bad row stops the import
	// before the store is touched. Damage in an Argus file does not: the
	// records before it are imported, and the import then fails.
	start := time.Now()
	var (
		total  int64
		bad    int
		damage []error
	)
	for i, f := range files {
		if isArgus[i] {
			n, dmg, err := scanArgusFile(ctx, f, shown[i], nil, &ids[i])
			if err != nil {
				return err
			}
			if dmg != nil {
				fmt.Fprintf(e.stderr, "tapdb import: %v: the %d records before it will be imported\n", dmg, n)
				damage = append(damage, dmg)
			}
			total += n
			continue
		}
		sc, err := scanImportFile(ctx, f, opts, nil, &ids[i])
		if err != nil {
			return fmt.Errorf("%s: %w", shown[i], err)
		}
		for _, w := range sc.warnings {
			fmt.Fprintf(e.stderr, "tapdb import: %s: warning: %s\n", shown[i], w)
		}
		for _, re := range sc.bad {
			if bad < importMaxShown {
				fmt.Fprintf(e.stderr, "tapdb import: %s:%d: %v\n", shown[i], re.Line, re.Err)
			}
			bad++
		}
		bad += sc.unshown
		total += sc.records
	}
	if bad > 0 {
		more := ""
		if bad > importMaxShown {
			more = fmt.Sprintf(" (first %d shown)", importMaxShown)
		}
		return fmt.Errorf("%d bad rows%s: nothing imported", bad, more)
	}
	log.Info("input checked", "records", total, "elapsed", time.Since(start))

	// Pass 2: write all records in one transaction (one lane, a batch
	// larger than the input), so that a failed commit leaves the store as
	// it was; a file that changed since pass 1 stops the import and the
	// writer is aborted, so nothing is imported then either.
	var written int64
	wopts := store.WriterOptions{BatchSize: int(min(total+1, 1<<62)), Lanes: 1, AllOrNothing: true}
	st, err := store.Open(ctx, *out, store.Options{Partition: *partition, Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseIngested(ctx, st, ins, *again); err != nil {
		return err
	}
	read := make([]capture.FileRead, len(files)) // for recordSources
	err = st.Load(ctx, wopts, func(ctx context.Context, emit func(*schema.Record) error) error {
		for i, f := range files {
			fr := &read[i]
			*fr = capture.FileRead{Path: shown[i], Ended: true, Hashed: true, Identity: ids[i]}
			track := func(r *schema.Record) error {
				if t := r.Stime.UnixNano(); fr.Frames == 0 || t < fr.First {
					fr.First = t
				}
				if t := r.Ltime.UnixNano(); fr.Frames == 0 || t > fr.Last {
					fr.Last = t
				}
				fr.Frames++
				return emit(r)
			}
			if isArgus[i] {
				n, _, err := scanArgusFile(ctx, f, shown[i], track, nil)
				if err != nil {
					return err
				}
				written += n
				fr.Records = n
				continue
			}
			sc, err := scanImportFile(ctx, f, opts, track, nil)
			if err == nil && len(sc.bad) > 0 {
				err = fmt.Errorf("changed while importing: line %d: %w", sc.bad[0].Line, sc.bad[0].Err)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", shown[i], err)
			}
			written += sc.records
			fr.Records = sc.records
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: nothing imported", err)
	}
	kinds := map[bool]string{true: "argus", false: "csv"}
	for i := range read {
		if err := recordSources(ctx, e, st, kinds[isArgus[i]], ins[i:i+1], read[i:i+1]); err != nil {
			return err
		}
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", *out, err)
	}
	log.Info("import done", "files", len(files), "records", written, "elapsed", time.Since(start))
	fmt.Fprintf(e.stderr, "tapdb import: %d records from %d files into %s\n", written, len(files), *out)
	if len(damage) > 0 {
		return fmt.Errorf("%w (the records before the damage were imported)", errors.Join(damage...))
	}
	return nil
}

// scanArgusFile reads the flow records of an Argus file, handing each to
// write if not nil. Damage part-way is returned as dmg (a
// *argusfile.FormatError with the file and byte offset) after the records
// before it; err is what else stopped the read. name is the file's name
// for messages (stdin is spooled to a temporary file).
func scanArgusFile(ctx context.Context, path, name string, write func(*schema.Record) error, id *capture.Identity) (n int64, dmg, err error) {
	f, hr, err := openHashed(path, id)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	r, err := argusfile.NewReader(path, hr)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", name, err)
	}
	defer r.Close()
	var rec schema.Record
	for {
		if n%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return n, nil, err
			}
		}
		err := r.Next(&rec)
		if err == io.EOF {
			return n, nil, sumHashed(hr, id)
		}
		if err != nil {
			var fe *argusfile.FormatError
			if errors.As(err, &fe) {
				fe.File = name
				return n, fe, sumHashed(hr, id)
			}
			return n, nil, fmt.Errorf("%s: %w", name, err)
		}
		if write != nil {
			if err := write(&rec); err != nil {
				return n, nil, fmt.Errorf("%s: store records: %w", name, err)
			}
		}
		n++
	}
}

// importScan is what reading one input file found.
type importScan struct {
	records  int64
	warnings []string
	bad      []*csvimport.RowError // the first importMaxShown bad rows
	unshown  int                   // further bad rows
}

// scanImportFile reads one file, handing each good record to write (if not
// nil; it then stops at the first bad row). With id, the file's identity
// is computed while it is read (see openHashed).
func scanImportFile(ctx context.Context, path string, opts csvimport.Options, write func(*schema.Record) error, id *capture.Identity) (importScan, error) {
	var sc importScan
	f, hr, err := openHashed(path, id)
	if err != nil {
		return sc, fmt.Errorf("open input: %w", err)
	}
	defer f.Close()
	r, err := csvimport.NewReader(hr, opts)
	if err != nil {
		return sc, err
	}
	sc.warnings = r.Warnings()
	var rec schema.Record
	for i := 0; ; i++ {
		if i%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return sc, err
			}
		}
		err := r.Read(&rec)
		if err == io.EOF {
			sc.warnings = append(sc.warnings, r.Notes()...)
			return sc, sumHashed(hr, id)
		}
		var re *csvimport.RowError
		if errors.As(err, &re) {
			if len(sc.bad) < importMaxShown {
				sc.bad = append(sc.bad, re)
			} else {
				sc.unshown++
			}
			if write != nil {
				return sc, nil
			}
			continue
		}
		if err != nil {
			return sc, err
		}
		sc.records++
		if write != nil {
			if err := write(&rec); err != nil {
				return sc, fmt.Errorf("store records: %w", err)
			}
		}
	}
}

// openHashed opens the file at path; with id, what is read from the
// returned reader is hashed for sumHashed to store in id.
func openHashed(path string, id *capture.Identity) (*os.File, io.Reader, error) {
	f, err := os.Open(path)
	if err != nil || id == nil {
		return f, f, err
	}
	return f, capture.NewHashReader(f), nil
}

// sumHashed stores in id the identity of the whole file under r (the
// bytes not read yet are read), if openHashed was given id.
func sumHashed(r io.Reader, id *capture.Identity) error {
	hr, ok := r.(*capture.HashReader)
	if !ok || id == nil {
		return nil
	}
	var err error
	*id, err = hr.Sum(true)
	return err
}

// spoolStdin copies standard input to a temporary file, since import reads
// its input twice.
func spoolStdin(in io.Reader) (string, error) {
	f, err := os.CreateTemp("", "tapdb-import-*.csv")
	if err != nil {
		return "", fmt.Errorf("copy stdin: %w", err)
	}
	if _, err := io.Copy(f, in); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("copy stdin: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("copy stdin: %w", err)
	}
	return f.Name(), nil
}
