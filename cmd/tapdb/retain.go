package main

import (
	"context"
	"fmt"
	"time"

	"tapdb/serve"
	"tapdb/store"
)

func runRetain(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "retain", "tapdb retain STORE AGE   (drop partitions whose time range ended more than AGE ago, e.g. 30d)")
	dry := fs.Bool("n", false, "only list the partitions that would be dropped")
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
	cutoff := time.Now().Add(-age)
	st, err := store.Open(ctx, fs.Arg(0), store.Options{Logger: e.log})
	if err != nil {
		return err
	}
	defer st.Close()
	if *dry {
		parts, err := st.Partitions(ctx)
		if err != nil {
			return err
		}
		for _, p := range parts {
			if !p.Hi.After(cutoff) {
				fmt.Fprintf(e.stdout, "would drop %s (%d flows)\n", p.Name, p.Rows)
			}
		}
		return nil
	}
	dropped, err := st.DropPartitionsBefore(ctx, cutoff)
	if err != nil {
		return err
	}
	for _, name := range dropped {
		fmt.Fprintf(e.stdout, "dropped %s\n", name)
	}
	return st.Close()
}
