package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"tapdb/schema"
)

// WriterOptions tune the batched writer.
type WriterOptions struct {
	// BatchSize is the number of records per batch, that is per committed
	// transaction; default 491520 (four DuckDB row groups: appends of that
	// size go straight to the file instead of through the WAL).
	BatchSize int
	// OnCommit, if set, is called from the writer's goroutine after each
	// committed batch.
	OnCommit func(BatchInfo)
}

// BatchInfo describes a committed batch.
type BatchInfo struct {
	Number  int           // 1-based batch number
	Rows    int           // records in this batch
	Total   int64         // records committed by this writer so far
	Elapsed time.Duration // time from the batch's first append to its commit
	Created []string      // partitions created by this batch
}

// chunkSize is how many records Write gathers before handing them to the
// appending goroutine.
const chunkSize = 4096

// Writer appends flow records to the store through DuckDB's Appender.
//
// Write copies records into a small chunk; full chunks go to a goroutine
// that appends them at once inside an open transaction, so decoding and
// storing run on separate cores and memory stays small whatever the batch
// size. Every BatchSize records (and at Flush and Close) the transaction is
// committed: a batch is one transaction, all or nothing. Methods are not
// safe for concurrent use.
type Writer struct {
	s    *Store
	ctx  context.Context
	opts WriterOptions

	cur    []schema.Record
	work   chan []schema.Record // chunks to append; nil = commit and answer on synced
	free   chan []schema.Record // emptied chunks for reuse
	synced chan error
	done   chan struct{}
	errMu  sync.Mutex
	err    error
	closed bool
}

// NewWriter starts a writer. The context bounds every database call the
// writer makes.
func (s *Store) NewWriter(ctx context.Context, opts WriterOptions) (*Writer, error) {
	if s.readOnly {
		return nil, errors.New("new writer: store is open read-only")
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 4 * 122880
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("new writer: %w", err)
	}
	w := &Writer{
		s: s, ctx: ctx, opts: opts,
		cur:    make([]schema.Record, 0, chunkSize),
		work:   make(chan []schema.Record, 2),
		free:   make(chan []schema.Record, 4),
		synced: make(chan error),
		done:   make(chan struct{}),
	}
	go w.run(conn)
	return w, nil
}

// Write adds a copy of r to the current batch.
func (w *Writer) Write(r *schema.Record) error {
	if w.closed {
		return errors.New("writer: write after close")
	}
	w.cur = append(w.cur, *r)
	if len(w.cur) >= chunkSize {
		return w.handOff()
	}
	return nil
}

// Flush commits everything written so far and waits for the commit.
func (w *Writer) Flush() error {
	if w.closed {
		return errors.New("writer: flush after close")
	}
	if len(w.cur) > 0 {
		if err := w.handOff(); err != nil {
			return err
		}
	}
	select {
	case w.work <- nil:
	case <-w.done:
		return w.failed()
	}
	select {
	case err := <-w.synced:
		return err
	case <-w.done:
		return w.failed()
	}
}

// Close commits what was written and stops the writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.failed()
	}
	err := w.Flush()
	w.closed = true
	close(w.work)
	<-w.done
	if err != nil {
		return err
	}
	return w.failed()
}

func (w *Writer) handOff() error {
	if err := w.failed(); err != nil {
		return err
	}
	select {
	case w.work <- w.cur:
	case <-w.done:
		return w.failed()
	}
	select {
	case w.cur = <-w.free:
		w.cur = w.cur[:0]
	default:
		w.cur = make([]schema.Record, 0, chunkSize)
	}
	return nil
}

func (w *Writer) failed() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.err
}

func (w *Writer) fail(err error) {
	w.errMu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.errMu.Unlock()
}

// batch is the open transaction of the appending goroutine.
type batch struct {
	open      bool
	rows      int
	start     time.Time
	created   []string
	appenders map[string]*duckdb.Appender
}

func (w *Writer) run(conn *sql.Conn) {
	defer close(w.done)
	defer conn.Close()
	known := map[string]bool{}
	b := batch{appenders: map[string]*duckdb.Appender{}}
	var number int
	var total int64
	commit := func() {
		if !b.open {
			return
		}
		number++
		rows := b.rows
		if err := w.commit(conn, &b); err != nil {
			w.fail(fmt.Errorf("commit batch %d (%d records): %w", number, rows, err))
			clear(known) // partitions created in the lost batch do not exist
			return
		}
		total += int64(rows)
		if w.opts.OnCommit != nil {
			w.opts.OnCommit(BatchInfo{Number: number, Rows: rows, Total: total, Elapsed: time.Since(b.start), Created: b.created})
		}
	}
	for chunk := range w.work {
		if chunk == nil {
			if w.failed() == nil {
				commit()
			}
			w.synced <- w.failed()
			continue
		}
		if w.failed() == nil {
			for rest := chunk; len(rest) > 0 && w.failed() == nil; {
				n := min(len(rest), w.opts.BatchSize-b.rows)
				if err := w.appendRows(conn, &b, rest[:n], known); err != nil {
					w.fail(fmt.Errorf("batch %d: %w", number+1, err))
					w.rollback(conn, &b)
					clear(known)
					break
				}
				rest = rest[n:]
				if b.rows >= w.opts.BatchSize {
					commit()
				}
			}
		}
		select {
		case w.free <- chunk[:0]:
		default:
		}
	}
	w.rollback(conn, &b)
}

// appendRows appends records inside the open transaction, opening it and
// creating partitions as needed.
func (w *Writer) appendRows(conn *sql.Conn, b *batch, recs []schema.Record, known map[string]bool) error {
	ctx := w.ctx
	if !b.open {
		w.s.mu.Lock() // held while a transaction is open: partition DDL and retention wait
		if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
			w.s.mu.Unlock()
			return fmt.Errorf("begin: %w", err)
		}
		b.open, b.rows, b.start, b.created = true, 0, time.Now(), nil
	}
	tables := make([]string, len(recs))
	newPartition := false
	for i := range recs {
		name, isNew, err := w.s.ensurePartitionConn(ctx, conn, recs[i].Stime, known)
		if err != nil {
			return err
		}
		if isNew {
			b.created = append(b.created, name)
			newPartition = true
		}
		tables[i] = name
	}
	if newPartition {
		if err := w.s.rebuildView(ctx, conn); err != nil {
			return err
		}
	}
	cols := schema.StoredColumns()
	err := conn.Raw(func(dc any) error {
		drv, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("driver connection %T is not a driver.Conn", dc)
		}
		row := make([]driver.Value, len(cols))
		for i := range recs {
			a := b.appenders[tables[i]]
			if a == nil {
				var err error
				a, err = duckdb.NewAppender(drv, "", "main", tables[i])
				if err != nil {
					return fmt.Errorf("appender for %s: %w", tables[i], err)
				}
				b.appenders[tables[i]] = a
			}
			r := &recs[i]
			for j := range cols {
				row[j] = cols[j].Value(r)
			}
			if err := a.AppendRow(row...); err != nil {
				return fmt.Errorf("append record to %s: %w", tables[i], err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.rows += len(recs)
	return nil
}

// commit flushes the appenders and commits the open transaction.
func (w *Writer) commit(conn *sql.Conn, b *batch) error {
	defer w.endBatch(b)
	for name, a := range b.appenders {
		delete(b.appenders, name)
		if err := a.Close(); err != nil {
			conn.ExecContext(context.WithoutCancel(w.ctx), "ROLLBACK")
			return fmt.Errorf("flush appender for %s: %w", name, err)
		}
	}
	if _, err := conn.ExecContext(w.ctx, "COMMIT"); err != nil {
		conn.ExecContext(context.WithoutCancel(w.ctx), "ROLLBACK")
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// rollback abandons the open transaction, if any.
func (w *Writer) rollback(conn *sql.Conn, b *batch) {
	if !b.open {
		return
	}
	defer w.endBatch(b)
	for name, a := range b.appenders {
		delete(b.appenders, name)
		a.Close()
	}
	conn.ExecContext(context.WithoutCancel(w.ctx), "ROLLBACK")
}

func (w *Writer) endBatch(b *batch) {
	b.open = false
	b.rows = 0
	w.s.mu.Unlock()
}
