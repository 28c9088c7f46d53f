package store

import (
	"context"
	"errors"
	"fmt"

	"tapdb/schema"
)

// LoadFunc produces the records of a load: it hands each to emit (which
// copies it) and returns when it is done or cannot go on.
type LoadFunc func(ctx context.Context, emit func(*schema.Record) error) error

// Load writes the records run emits into the store through one Writer:
// it starts the writer, calls run with the writer's Write, and closes the
// writer whatever run returned, so that what run emitted before it failed
// is committed too (a capture damaged part-way keeps the flows before the
// damage). The error joins run's error, returned as it is, and the
// writer's ("store records: …"): a writer that could not start, or whose
// last commit failed. Batches committed before a failure stay committed.
// With wopts.AllOrNothing a failed run aborts the writer instead: what it
// had not committed yet is rolled back.
func (s *Store) Load(ctx context.Context, wopts WriterOptions, run LoadFunc) error {
	w, err := s.NewWriter(ctx, wopts)
	if err != nil {
		return fmt.Errorf("store records: %w", err)
	}
	runErr := run(ctx, w.Write)
	if runErr != nil && wopts.AllOrNothing {
		w.Abort()
		return runErr
	}
	if err := w.Close(); err != nil {
		return errors.Join(runErr, fmt.Errorf("store records: %w", err))
	}
	return runErr
}

// Load opens (creating if needed) the store at path, loads into it what
// run emits (see (*Store).Load) and closes it. The store is opened before
// run is called: a caller that must refuse bad input without touching the
// store checks it first.
func Load(ctx context.Context, path string, opts Options, wopts WriterOptions, run LoadFunc) error {
	s, err := Open(ctx, path, opts)
	if err != nil {
		return err
	}
	err = s.Load(ctx, wopts, run)
	if cerr := s.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close store %s: %w", path, cerr))
	}
	return err
}
