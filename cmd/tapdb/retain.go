package main

import (
	"context"
	"fmt"
	"time"

	"tapdb/serve"
	"tapdb/store"
)

func runRetain(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "retain", "tapdb retain STORE AGE   (delete the records that started more than AGE ago, e.g. 30d)")
	dry := fs.Bool("n", false, "only count the records that would be deleted")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return &usageError{"want STORE and AGE"}
	}
	age, err := serve.ParseAge(fs.Arg(1))
	if err != nil {
		return &usageError{err.Error()}
	}
	if age <= 0 {
		return &usageError{fmt.Sprintf("age %q: want a positive age, e.g. 30d", fs.Arg(1))}
	}
	cutoff := time.Now().Add(-age).UTC()
	st, err := store.Open(ctx, fs.Arg(0), store.Options{ReadOnly: *dry, MustExist: true, Logger: e.log})
	if err != nil {
		return err
	}
	defer st.Close()
	if *dry {
		var n int64
		if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows WHERE stime < ?", cutoff).Scan(&n); err != nil {
			return fmt.Errorf("count records before %s: %w", cutoff.Format(time.RFC3339), err)
		}
		fmt.Fprintf(e.stdout, "would delete %d flows that started before %s\n", n, cutoff.Format(time.RFC3339))
		return nil
	}
	r, err := st.DeleteBefore(ctx, cutoff)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "deleted %d flows that started before %s (%d sealed periods forgotten)\n", r.Rows, cutoff.Format(time.RFC3339), r.Periods)
	return st.Close()
}
