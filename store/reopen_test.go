package store

import (
	"context"
	"path/filepath"
	"tapdb/internal/duckc"
	"testing"
	"time"
)

// invalidate makes DuckDB invalidate the store's instance the way a failed
// checkpoint does (a full disk, say), with DuckDB's own test switch.
func invalidate(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	c, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "SET debug_checkpoint_abort = 'before_header'"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "CREATE TABLE scratch AS SELECT 1 AS a"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "CHECKPOINT"); !duckc.IsFatal(err) {
		t.Fatalf("checkpoint with the abort switch: %v, want a fatal error", err)
	}
}

// After a fatal error every statement fails; Reopen brings back every
// committed record once the old instance's connections are closed, and
// applies the memory limit again.
func TestReopenAfterFatalError(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "flows.duckdb")
	s := openTest(t, path, Options{})
	if err := s.SetMemoryLimit(ctx, "300MB"); err != nil {
		t.Fatal(err)
	}
	recs := threeDays()
	writeAll(t, s, recs, 50)
	w, err := s.NewWriter(ctx, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}

	invalidate(t, s)
	var n int
	err = s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&n)
	if !duckc.IsFatal(err) {
		t.Fatalf("query after the fatal error: %v, want a fatal error", err)
	}
	if err := w.Write(&recs[0]); err == nil {
		err = w.Flush()
		if !duckc.IsFatal(err) {
			t.Errorf("writer commit after the fatal error: %v, want a fatal error", err)
		}
	}
	w.Close()

	// Reopen waits for the last connection of the old instance.
	held, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan time.Time, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		released <- time.Now()
		held.Close()
	}()
	if err := s.Reopen(ctx); err != nil {
		t.Fatal(err)
	}
	if reopened := time.Now(); reopened.Before(<-released) {
		t.Error("Reopen returned before the old instance's last connection closed")
	}
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil || n != len(recs) {
		t.Fatalf("after Reopen: %d flows, %v; want %d", n, err, len(recs))
	}
	var limit string
	if err := s.DB().QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&limit); err != nil || limit != "286.1 MiB" {
		t.Errorf("memory limit after Reopen: %q, %v; want 300MB", limit, err)
	}
	writeAll(t, s, recs[:10], 5)
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil || n != len(recs)+10 {
		t.Errorf("writing after Reopen: %d flows, %v; want %d", n, err, len(recs)+10)
	}
}
