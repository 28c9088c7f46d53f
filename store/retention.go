package store

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// Retention is what DeleteBefore removed.
type Retention struct {
	Rows    int64         // records deleted
	Periods int64         // sealed periods forgotten (their end was at or before the cutoff)
	Delete  time.Duration // the DELETE's time
	Fold    time.Duration // the checkpoint's time, which frees the deleted rows' blocks for reuse
}

// DeleteBefore deletes every record whose stime is before cutoff, and the
// sealed periods that ended at or before it, then checkpoints so that
// DuckDB marks the freed blocks for reuse (the file does not shrink; new
// records fill the freed blocks first).
//
// The DELETE runs in its own transaction beside the writer's: appends and
// the delete touch different rows, so neither waits for the other. Only
// the checkpoint waits for the writer's open transactions to end (as every
// checkpoint does) and holds back new ones while it runs; when the file
// system has too little room for it, it is left to the writer's next
// checkpoint, as there.
func (s *Store) DeleteBefore(ctx context.Context, cutoff time.Time) (Retention, error) {
	var r Retention
	if s.readOnly {
		return r, fmt.Errorf("retention: store is open read-only")
	}
	start := time.Now()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return r, fmt.Errorf("retention: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "DELETE FROM "+flowsTable+" WHERE stime < ?", cutoff)
	if err != nil {
		return r, fmt.Errorf("retention: delete records before %s: %w", cutoff.UTC().Format(time.RFC3339), err)
	}
	r.Rows, _ = res.RowsAffected()
	res, err = tx.ExecContext(ctx, "DELETE FROM tapdb_periods WHERE hi <= ?", cutoff)
	if err != nil {
		return r, fmt.Errorf("retention: forget periods before %s: %w", cutoff.UTC().Format(time.RFC3339), err)
	}
	r.Periods, _ = res.RowsAffected()
	if s.hooks.beforeRetentionCommit != nil {
		s.hooks.beforeRetentionCommit()
	}
	if err := tx.Commit(); err != nil {
		return r, fmt.Errorf("retention: commit: %w", err)
	}
	r.Delete = time.Since(start)
	if r.Rows == 0 {
		return r, nil
	}
	start = time.Now()
	if err := s.checkpoint(ctx); err != nil {
		return r, fmt.Errorf("retention: %w", err)
	}
	r.Fold = time.Since(start)
	s.log.Info("retention deleted records", "before", cutoff.UTC().Format(time.RFC3339), "rows", r.Rows, "periods", r.Periods,
		"delete", r.Delete.Round(time.Millisecond), "checkpoint", r.Fold.Round(time.Millisecond))
	return r, nil
}

// checkpoint folds the WAL into the file, waiting for open writer
// transactions to end; it is skipped (and left to a later checkpoint) when
// the file system has too little room for it.
func (s *Store) checkpoint(ctx context.Context) error {
	s.gate.lock()
	defer s.gate.unlock()
	wal := fileSize(s.nativePath + ".wal")
	need := wal + wal/4 + checkpointAt
	if free, ok := freeBytes(filepath.Dir(s.nativePath)); ok && free < need {
		s.log.Warn("not checkpointing: the file system has too little room", "wal_bytes", wal, "free_bytes", free, "needed_bytes", need)
		return nil
	}
	if _, err := s.DB().ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}
