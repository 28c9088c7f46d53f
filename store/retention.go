package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Retention is what DeleteBefore removed.
type Retention struct {
	Rows    int64         // records deleted
	Periods int64         // sealed periods forgotten (their end was at or before the cutoff)
	Delete  time.Duration // the DELETE's time
	Fold    time.Duration // the checkpoint's time, which frees the deleted rows' blocks for reuse
}

// DeleteBefore deletes whole periods: every record whose stime is before
// the start of cutoff's period, and the sealed periods that ended by then,
// then checkpoints so that DuckDB marks the freed blocks for reuse (the
// file does not shrink; new records fill the freed blocks first). Periods
// go whole so that every period left still matches its digest; the
// tamper-evidence chain's anchor moves to the last link removed.
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
	cutoff, _ = s.period.Bounds(cutoff)
	s.seal.mu.Lock() // the chain changes under the sealing lock only
	defer s.seal.mu.Unlock()
	start := time.Now()
	tx, err := s.beginRetention(ctx, cutoff) // refuses to drop what a lake lacks (export.go)
	if err != nil {
		return r, fmt.Errorf("retention: %w", err)
	}
	defer tx.Rollback()
	if err := moveAnchor(ctx, tx, cutoff); err != nil {
		return r, fmt.Errorf("retention: %w", err)
	}
	res, err := tx.ExecContext(ctx, "DELETE FROM "+flowsTable+" WHERE stime < ?", cutoff)
	if err != nil {
		return r, fmt.Errorf("retention: delete records before %s: %w", cutoff.UTC().Format(time.RFC3339), err)
	}
	r.Rows, _ = res.RowsAffected()
	if _, err := tx.ExecContext(ctx, "DELETE FROM tapdb_chain WHERE lo IN (SELECT lo FROM tapdb_periods WHERE hi <= ?)", cutoff); err != nil {
		return r, fmt.Errorf("retention: forget the chain before %s: %w", cutoff.UTC().Format(time.RFC3339), err)
	}
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

// moveAnchor makes the link of the last period ending by cutoff the
// chain's anchor, before retention removes the periods up to it.
func moveAnchor(ctx context.Context, tx *sql.Tx, cutoff time.Time) error {
	var chain sql.NullString
	var n int64
	err := tx.QueryRowContext(ctx, "SELECT arg_max(c.chain, p.lo), count(*) FROM tapdb_periods p LEFT JOIN tapdb_chain c ON c.lo = p.lo WHERE p.hi <= ?", cutoff).Scan(&chain, &n)
	if err != nil {
		return fmt.Errorf("find the chain's new anchor: %w", err)
	}
	if n == 0 || !chain.Valid {
		return nil
	}
	before, err := chainAnchor(ctx, tx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO tapdb_settings VALUES ('chain_anchor', ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", chain.String); err != nil {
		return fmt.Errorf("move the chain's anchor: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO tapdb_chain_events (kind, lo, rows, before, after) VALUES ('retention', ?, ?, ?, ?)", cutoff, n, before, chain.String); err != nil {
		return fmt.Errorf("record the anchor's move: %w", err)
	}
	return nil
}

// checkpoint folds the WAL into the file, waiting for open writer
// transactions to end; it is skipped (and left to a later checkpoint) when
// the file system has too little room for it.
func (s *Store) checkpoint(ctx context.Context) error {
	s.gate.lock()
	defer s.gate.unlock()
	if !s.roomToCheckpoint(fileSize(s.nativePath + ".wal")) {
		return nil
	}
	if _, err := s.DB().ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}
