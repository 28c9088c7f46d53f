package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"tapdb/export"
	"tapdb/serve"
	"tapdb/store"
)

func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "export", "tapdb export --to DIR [--since WHEN] STORE   (write every sealed period not yet exported as Parquet into DIR)")
	to := fs.String("to", "", "the lake: a directory, created if needed")
	since := fs.String("since", "", "skip periods before WHEN (a date 2006-01-02, an RFC 3339 time, or an age such as 30d); the lake remembers it")
	forget := fs.Bool("forget", false, "forget the lake instead: retention no longer keeps records for it, and a later export to it starts over")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *to == "" {
		fs.Usage()
		return &usageError{"want --to DIR and STORE"}
	}
	var opts export.Options
	if *since != "" {
		t, err := parseSince(*since, time.Now())
		if err != nil {
			return &usageError{err.Error()}
		}
		opts.Since = t
	}
	st, err := store.Open(ctx, fs.Arg(0), store.Options{MustExist: true, Logger: e.log})
	if err != nil {
		return err
	}
	defer st.Close()
	if *forget {
		dir, err := filepath.Abs(*to)
		if err != nil {
			return err
		}
		ok, err := st.RemoveLake(ctx, dir)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("the store has no lake %s", dir)
		}
		fmt.Fprintf(e.stdout, "forgot the lake %s (its files are left as they are)\n", dir)
		return st.Close()
	}
	opts.Logger = e.log
	opts.OnFile = func(f store.ExportedFile) {
		fmt.Fprintf(e.stdout, "%s\t%d records\t%d bytes\n", f.File, f.Rows, f.Bytes)
	}
	r, err := export.ToDir(ctx, st, *to, opts)
	if err != nil {
		return err
	}
	switch {
	case len(r.Files) == 0:
		fmt.Fprintf(e.stdout, "nothing new to export to %s (sealed through %s)\n", r.Lake, sealedThrough(st))
	default:
		secs := r.Elapsed.Seconds()
		fmt.Fprintf(e.stdout, "exported %d records in %d files, %d bytes (%.1f bytes/record), to %s in %s (%.0f records/s)\n",
			r.Rows, len(r.Files), r.Bytes, float64(r.Bytes)/float64(max(r.Rows, 1)), r.Lake, r.Elapsed.Round(time.Millisecond), float64(r.Rows)/max(secs, 1e-9))
	}
	return st.Close()
}

// parseSince reads --since: a date, an RFC 3339 time, or an age before now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if age, err := serve.ParseAge(s); err == nil && age > 0 {
		return now.Add(-age).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want a date (2006-01-02), an RFC 3339 time or an age such as 30d", s)
}

func sealedThrough(st *store.Store) string {
	t := st.SealedThrough()
	if t.IsZero() {
		return "nothing sealed yet"
	}
	return t.Format(time.RFC3339)
}
