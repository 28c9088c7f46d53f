package query

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

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
	conn, err := openNative(s.nativePath, s.params)
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
	appenders map[string]*chunkAppender
}

// partitionCache remembers the partition of the last record, so that
// consecutive records of one partition cost a comparison, not a lookup.
type partitionCache struct {
	lo, hi time.Time
	name   string
	known  map[string]bool
}

func (w *Writer) run(conn *nativeConn) {
	defer close(w.done)
	defer conn.close()
	pc := partitionCache{known: map[string]bool{}}
	b := batch{appenders: map[string]*chunkAppender{}}
	var number int
	var total int64
	commit := func() {
		if !b.open {
			return
		}
		number++
		rows, start, created := b.rows, b.start, b.created
		if err := w.commit(conn, &b); err != nil {
			w.fail(fmt.Errorf("commit batch %d (%d records): %w", number, rows, err))
			return
		}
		total += int64(rows)
		if w.opts.OnCommit != nil {
			w.opts.OnCommit(BatchInfo{Number: number, Rows: rows, Total: total, Elapsed: time.Since(start), Created: created})
		}
		if err := w.s.checkpointIfDue(conn); err != nil {
			w.fail(fmt.Errorf("after batch %d: %w", number, err))
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
		for i := 0; i < len(chunk) && w.failed() == nil; i++ {
			r := &chunk[i]
			if !r.Stime.Before(pc.lo) && r.Stime.Before(pc.hi) {
				// same partition as the previous record
			} else {
				lo, hi := w.s.partition.Bounds(r.Stime)
				name := w.s.partition.TableName(lo)
				if !pc.known[name] {
					// Partitions are created in their own transaction, so a
					// batch ends where a new partition begins.
					commit()
					created, err := w.s.ensurePartition(w.ctx, name, lo, hi)
					if err != nil {
						w.fail(err)
						break
					}
					if created {
						b.created = append(b.created, name)
					}
					pc.known[name] = true
				}
				pc.lo, pc.hi, pc.name = lo, hi, name
			}
			if err := w.appendRecord(conn, &b, pc.name, r); err != nil {
				w.fail(fmt.Errorf("batch %d: %w", number+1, err))
				w.rollback(conn, &b)
				break
			}
			if b.rows >= w.opts.BatchSize {
				commit()
			}
		}
		select {
		case w.free <- chunk[:0]:
		default:
		}
	}
	w.rollback(conn, &b)
}

// appendRecord appends one record to its partition inside the open
// transaction, opening it if needed.
func (w *Writer) appendRecord(conn *nativeConn, b *batch, table string, r *schema.Record) error {
	if !b.open {
		w.s.mu.Lock() // held while a transaction is open: partition DDL and retention wait
		if err := conn.exec("BEGIN TRANSACTION"); err != nil {
			w.s.mu.Unlock()
			return fmt.Errorf("begin: %w", err)
		}
		b.open, b.rows, b.start = true, 0, time.Now()
	}
	a := b.appenders[table]
	if a == nil {
		var err error
		if a, err = newChunkAppender(conn, table); err != nil {
			return err
		}
		b.appenders[table] = a
	}
	if err := a.append(r); err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	b.rows++
	return nil
}

// commit flushes the appenders and commits the open transaction.
func (w *Writer) commit(conn *nativeConn, b *batch) error {
	defer w.endBatch(b)
	var err error
	for name, a := range b.appenders {
		delete(b.appenders, name)
		if cerr := a.close(); cerr != nil && err == nil {
			err = fmt.Errorf("%s: %w", name, cerr)
		}
	}
	if err == nil {
		err = conn.exec("COMMIT")
	}
	if err != nil {
		conn.exec("ROLLBACK")
	}
	return err
}

// rollback abandons the open transaction, if any.
func (w *Writer) rollback(conn *nativeConn, b *batch) {
	if !b.open {
		return
	}
	defer w.endBatch(b)
	for name, a := range b.appenders {
		delete(b.appenders, name)
		a.close()
	}
	conn.exec("ROLLBACK")
}

func (w *Writer) endBatch(b *batch) {
	b.open = false
	b.rows = 0
	b.created = nil
	w.s.mu.Unlock()
}
