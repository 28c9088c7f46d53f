package serve

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"tapdb/internal/duckc"
	"tapdb/schema"
	"tapdb/store"
)

// Sink is what every source writes flow records to: the store's batched
// writer behind a lock, with write errors turned into a stopped state
// instead of errors the sources would have to handle. Safe for concurrent
// use.
type Sink struct {
	st    *store.Store
	ctx   context.Context
	batch int
	retry time.Duration
	log   *slog.Logger

	mu        sync.Mutex
	w         *store.Writer // nil while stopped
	failedAt  time.Time
	lastErr   error
	suspended bool            // while the store is reopened: no writer is tried
	onFatal   func(err error) // told of fatal DuckDB errors (the store must be reopened)

	written  atomic.Int64 // records committed
	dropped  atomic.Int64 // records lost to write errors
	errors   atomic.Int64 // write errors
	batches  atomic.Int64
	stopped  atomic.Bool
	latency  histogram
	late     atomic.Int64 // records stored for periods already sealed
	pending  atomic.Int64 // records handed to the writer since the last commit
	lastWarn time.Time
}

func newSink(ctx context.Context, st *store.Store, batch int, retry time.Duration, log *slog.Logger, onFatal func(error)) (*Sink, error) {
	s := &Sink{st: st, ctx: ctx, batch: batch, retry: retry, log: log, latency: newHistogram(batchBuckets), onFatal: onFatal}
	w, err := s.newWriter()
	if err != nil {
		return nil, err
	}
	s.w = w
	return s, nil
}

func (s *Sink) newWriter() (*store.Writer, error) {
	return s.st.NewWriter(s.ctx, store.WriterOptions{BatchSize: s.batch, OnCommit: func(b store.BatchInfo) {
		s.written.Add(int64(b.Rows))
		s.pending.Add(-int64(b.Rows))
		s.batches.Add(1)
		s.late.Add(int64(b.Late))
		s.latency.observe(b.Elapsed.Seconds())
	}})
}

// Write hands a record to the store. It never fails: while the store cannot
// be written the record is counted as dropped.
func (s *Sink) Write(r *schema.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		s.dropped.Add(1)
		return nil
	}
	s.pending.Add(1)
	if err := s.w.Write(r); err != nil {
		s.failLocked(err)
	}
	return nil
}

// Flush commits what was written. While stopped it tries a new writer every
// retry interval, which is how ingest resumes when space returns.
func (s *Sink) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		if s.suspended || time.Since(s.failedAt) < s.retry {
			return
		}
		w, err := s.newWriter()
		if err != nil {
			s.failedAt = time.Now()
			s.log.Error("ingest still stopped: cannot start a writer", "err", err)
			return
		}
		s.w = w
		s.stopped.Store(false)
		s.log.Warn("ingest resumed: trying to write again", "dropped_so_far", s.dropped.Load())
	}
	if err := s.w.Flush(); err != nil {
		s.failLocked(err)
	}
}

// failLocked stops ingest after a write error.
func (s *Sink) failLocked(err error) {
	s.errors.Add(1)
	lost := s.pending.Swap(0)
	s.dropped.Add(lost)
	s.lastErr = err
	s.failedAt = time.Now()
	s.stopped.Store(true)
	s.w.Close()
	s.w = nil
	s.log.Error("INGEST STOPPED: cannot write to the store; queries are still served, records are dropped until a write succeeds",
		"err", err, "records_lost", lost, "retry_every", s.retry)
	if duckc.IsFatal(err) && s.onFatal != nil {
		s.onFatal(err)
	}
}

// suspend closes the writer while the store is reopened; records written
// meanwhile are dropped.
func (s *Sink) suspend() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.suspended = true
	s.stopped.Store(true)
	if s.w != nil {
		s.w.Close()
		s.w = nil
		s.dropped.Add(s.pending.Swap(0))
	}
}

// resume lets the next Flush start a writer on the reopened store.
func (s *Sink) resume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.suspended = false
	s.failedAt = time.Time{}
}

// Close commits the last batch and stops the writer.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		return s.lastErr
	}
	err := s.w.Close()
	s.w = nil
	if err != nil {
		s.dropped.Add(s.pending.Swap(0))
		return fmt.Errorf("commit the last batch: %w", err)
	}
	return nil
}

// Stopped reports whether ingest is stopped by a write error.
func (s *Sink) Stopped() bool { return s.stopped.Load() }
