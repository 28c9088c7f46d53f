package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"tapdb/internal/duckc"
	"tapdb/schema"
)

// WriterOptions tune the batched writer.
type WriterOptions struct {
	// BatchSize is the number of records per batch, that is per committed
	// transaction; default 491520 (four DuckDB row groups: appends of that
	// size go straight to the file instead of through the WAL).
	BatchSize int
	// Lanes is how many goroutines append at once, each on a connection of
	// its own with a transaction of its own; default 2 (1 with a single
	// CPU). DuckDB's appender and the compression of each row group run on
	// the appending goroutine's thread, so lanes spread them over cores.
	Lanes int
	// OnCommit, if set, is called after each committed batch, from the
	// goroutine of the lane that committed it: calls may overlap.
	OnCommit func(BatchInfo)
}

// BatchInfo describes a committed batch.
type BatchInfo struct {
	Number  int           // 1-based batch number, in the order commits began
	Rows    int           // records in this batch
	Total   int64         // records committed by this writer so far
	Elapsed time.Duration // time from the batch's first append to its commit
	Created []string      // partitions created since the previous batch was committed
}

// chunkSize is how many records Write gathers before handing them to a
// lane.
const chunkSize = 4096

// Writer appends flow records to the store through DuckDB's Appender.
//
// Write copies records into a small chunk; full chunks go, in turn, to the
// writer's lanes: goroutines that append them inside an open transaction
// on a connection of their own, so that decoding and storing run on
// separate cores and memory stays small whatever the batch size. When a
// lane has appended BatchSize records (and at Flush and Close) it commits:
// a batch is one transaction, all or nothing. A record of a partition that
// does not exist yet makes Write flush every lane and create it first.
// Methods are not safe for concurrent use.
type Writer struct {
	s    *Store
	ctx  context.Context
	opts WriterOptions

	cur   []schema.Record
	lanes []*lane
	next  int                  // lane the next chunk goes to
	free  chan []schema.Record // emptied chunks for reuse
	ctl   *duckc.Native        // Write's own connection, for checkpoints
	pc    partitionCache       // partitions known to exist

	createdMu sync.Mutex
	created   []string // partitions created and not yet reported by a commit

	number atomic.Int64 // batches begun committing
	total  atomic.Int64 // records committed

	errMu  sync.Mutex
	err    error
	closed bool
}

// lane is one appending goroutine and its connection.
type lane struct {
	w      *Writer
	conn   *duckc.Native
	work   chan []schema.Record // chunks to append; nil = commit and answer on synced
	synced chan error
	done   chan struct{}
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
	if opts.Lanes <= 0 {
		opts.Lanes = min(2, runtime.GOMAXPROCS(0))
	}
	ctl, err := duckc.OpenNative(s.nativePath, s.params)
	if err != nil {
		return nil, fmt.Errorf("new writer: %w", err)
	}
	w := &Writer{
		s: s, ctx: ctx, opts: opts, ctl: ctl,
		cur:  make([]schema.Record, 0, chunkSize),
		free: make(chan []schema.Record, 4*opts.Lanes),
		pc:   partitionCache{known: map[string]bool{}},
	}
	for range opts.Lanes {
		conn, err := duckc.OpenNative(s.nativePath, s.params)
		if err != nil {
			w.stopLanes()
			ctl.Close()
			return nil, fmt.Errorf("new writer: %w", err)
		}
		l := &lane{w: w, conn: conn, work: make(chan []schema.Record, 2), synced: make(chan error), done: make(chan struct{})}
		w.lanes = append(w.lanes, l)
		go l.run()
	}
	return w, nil
}

// Write adds a copy of r to the current batch.
func (w *Writer) Write(r *schema.Record) error {
	if w.closed {
		return errors.New("writer: write after close")
	}
	if r.Stime.Before(w.pc.lo) || !r.Stime.Before(w.pc.hi) {
		lo, hi := w.s.partition.Bounds(r.Stime)
		if name := w.s.partition.TableName(lo); !w.pc.known[name] {
			// Partitions are created in their own transaction, with no
			// batch open: every lane commits first.
			if err := w.Flush(); err != nil {
				return err
			}
			created, err := w.s.ensurePartition(w.ctx, name, lo, hi)
			if err != nil {
				w.fail(err)
				return err
			}
			if created {
				w.createdMu.Lock()
				w.created = append(w.created, name)
				w.createdMu.Unlock()
			}
			w.pc.known[name] = true
		}
		w.pc.lo, w.pc.hi = lo, hi
	}
	w.cur = append(w.cur, *r)
	if len(w.cur) >= chunkSize {
		return w.handOff()
	}
	return nil
}

// Flush commits everything written so far and waits for the commits; then
// it checkpoints if the WAL has grown large (see checkpointIfDue).
func (w *Writer) Flush() error {
	if w.closed {
		return errors.New("writer: flush after close")
	}
	if len(w.cur) > 0 {
		if err := w.handOff(); err != nil {
			return err
		}
	}
	asked := make([]bool, len(w.lanes))
	for i, l := range w.lanes {
		select {
		case l.work <- nil:
			asked[i] = true
		case <-l.done:
		}
	}
	for i, l := range w.lanes {
		if !asked[i] {
			continue
		}
		select {
		case <-l.synced:
		case <-l.done:
		}
	}
	if err := w.failed(); err != nil {
		return err
	}
	if err := w.s.checkpointIfDue(w.ctl); err != nil {
		w.fail(err)
		return err
	}
	return nil
}

// Close commits what was written and stops the writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.failed()
	}
	err := w.Flush()
	w.closed = true
	w.stopLanes()
	w.ctl.Close()
	if err != nil {
		return err
	}
	return w.failed()
}

// stopLanes ends the lanes' goroutines (rolling back any open batch) and
// waits for them.
func (w *Writer) stopLanes() {
	for _, l := range w.lanes {
		close(l.work)
	}
	for _, l := range w.lanes {
		<-l.done
	}
}

func (w *Writer) handOff() error {
	if err := w.failed(); err != nil {
		return err
	}
	l := w.lanes[w.next]
	w.next = (w.next + 1) % len(w.lanes)
	select {
	case l.work <- w.cur:
	case <-l.done:
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

// takeCreated returns the partitions created since the last commit.
func (w *Writer) takeCreated() []string {
	w.createdMu.Lock()
	defer w.createdMu.Unlock()
	c := w.created
	w.created = nil
	return c
}

// batch is the open transaction of a lane.
type batch struct {
	open      bool
	rows      int
	start     time.Time
	appenders map[string]*duckc.Appender
}

// partitionCache remembers the partition of the last record, so that
// consecutive records of one partition cost a comparison, not a lookup.
type partitionCache struct {
	lo, hi time.Time
	name   string
	known  map[string]bool
}

func (l *lane) run() {
	w := l.w
	defer close(l.done)
	defer l.conn.Close()
	var pc partitionCache
	b := batch{appenders: map[string]*duckc.Appender{}}
	commit := func() {
		if !b.open {
			return
		}
		number := int(w.number.Add(1))
		rows, start := b.rows, b.start
		if err := w.commit(l.conn, &b); err != nil {
			w.fail(fmt.Errorf("commit batch %d (%d records): %w", number, rows, err))
			return
		}
		total := w.total.Add(int64(rows))
		if w.opts.OnCommit != nil {
			w.opts.OnCommit(BatchInfo{Number: number, Rows: rows, Total: total, Elapsed: time.Since(start), Created: w.takeCreated()})
		}
	}
	for chunk := range l.work {
		if chunk == nil {
			if w.failed() == nil {
				commit()
			}
			l.synced <- w.failed()
			continue
		}
		for i := 0; i < len(chunk) && w.failed() == nil; i++ {
			r := &chunk[i]
			if r.Stime.Before(pc.lo) || !r.Stime.Before(pc.hi) {
				pc.lo, pc.hi = w.s.partition.Bounds(r.Stime)
				pc.name = w.s.partition.TableName(pc.lo) // Write made sure it exists
			}
			if err := w.appendRecord(l.conn, &b, pc.name, r); err != nil {
				w.fail(fmt.Errorf("batch %d: %w", w.number.Load()+1, err))
				w.rollback(l.conn, &b)
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
	w.rollback(l.conn, &b)
}

// appendRecord appends one record to its partition inside the open
// transaction, opening it if needed.
func (w *Writer) appendRecord(conn *duckc.Native, b *batch, table string, r *schema.Record) error {
	if !b.open {
		w.s.gate.begin() // partition DDL, retention and checkpoints wait for the commit
		if err := conn.Exec("BEGIN TRANSACTION"); err != nil {
			w.s.gate.end()
			return fmt.Errorf("begin: %w", err)
		}
		b.open, b.rows, b.start = true, 0, time.Now()
	}
	a := b.appenders[table]
	if a == nil {
		var err error
		if a, err = duckc.NewAppender(conn, table); err != nil {
			return err
		}
		b.appenders[table] = a
	}
	if err := a.Append(r); err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	b.rows++
	return nil
}

// commit flushes the appenders and commits the open transaction.
func (w *Writer) commit(conn *duckc.Native, b *batch) error {
	defer w.endBatch(b)
	var err error
	for name, a := range b.appenders {
		delete(b.appenders, name)
		if cerr := a.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("%s: %w", name, cerr)
		}
	}
	if err == nil {
		err = conn.Exec("COMMIT")
	}
	if err != nil {
		conn.Exec("ROLLBACK")
	}
	return err
}

// rollback abandons the open transaction, if any.
func (w *Writer) rollback(conn *duckc.Native, b *batch) {
	if !b.open {
		return
	}
	defer w.endBatch(b)
	for name, a := range b.appenders {
		delete(b.appenders, name)
		a.Close()
	}
	conn.Exec("ROLLBACK")
}

func (w *Writer) endBatch(b *batch) {
	b.open = false
	b.rows = 0
	w.s.gate.end()
}
