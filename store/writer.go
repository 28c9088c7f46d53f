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
	// AllOrNothing makes Load abort the writer (see Abort) instead of
	// closing it when its run fails. With one lane and a BatchSize larger
	// than the input, nothing is then committed unless everything is.
	AllOrNothing bool
	// SealGrace is how far the low-water mark (the latest stime committed)
	// must pass a period's end before Flush seals the period; default
	// DefaultSealGrace. Negative: this writer never seals.
	SealGrace time.Duration
}

// BatchInfo describes a committed batch.
type BatchInfo struct {
	Number  int           // 1-based batch number, in the order commits began
	Rows    int           // records in this batch
	Total   int64         // records committed by this writer so far
	Elapsed time.Duration // time from the batch's first append to its commit
	Late    int           // records in this batch for periods already sealed
}

// chunkSize is how many records Write gathers before handing them to a
// lane.
const chunkSize = 4096

// Writer appends flow records to the store's flows table through DuckDB's
// Appender.
//
// Write copies records into a small chunk; full chunks go, in turn, to the
// writer's lanes: goroutines that append them inside an open transaction
// on a connection of their own, so that decoding and storing run on
// separate cores and memory stays small whatever the batch size. When a
// lane has appended BatchSize records (and at Flush and Close) it commits:
// a batch is one transaction, all or nothing. Records are stored in the
// order they are written; sources write them in about stime order, which
// keeps the table time-ordered and DuckDB's row-group min/max on stime
// useful for pruning.
//
// The latest stime committed is the writer's low-water mark: Flush seals
// the periods that end at least SealGrace before it (Store.Seal). A record
// for a period already sealed is stored all the same, and counted in the
// period's late_rows in the same transaction.
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

	number  atomic.Int64 // batches begun committing
	total   atomic.Int64 // records committed
	late    atomic.Int64 // records committed for periods already sealed
	highest atomic.Int64 // latest stime committed, Unix µs

	lateMu      sync.Mutex
	latePeriods map[int64]bool // sealed periods (Unix µs start) that got late records since the last Flush

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
	if opts.SealGrace == 0 {
		opts.SealGrace = DefaultSealGrace
	}
	ctl, err := duckc.OpenNative(s.nativePath, s.params)
	if err != nil {
		return nil, fmt.Errorf("new writer: %w", err)
	}
	w := &Writer{
		s: s, ctx: ctx, opts: opts, ctl: ctl,
		cur:  make([]schema.Record, 0, chunkSize),
		free: make(chan []schema.Record, 4*opts.Lanes),
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
	w.cur = append(w.cur, *r)
	if len(w.cur) >= chunkSize {
		return w.handOff()
	}
	return nil
}

// Flush commits everything written so far and waits for the commits; then
// it seals the periods the low-water mark has passed (see Store.Seal) and
// checkpoints if the WAL has grown large (see checkpointIfDue).
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
	if err := w.seal(); err != nil {
		w.fail(err)
		return err
	}
	if err := w.redigest(); err != nil {
		w.fail(err)
		return err
	}
	if err := w.s.checkpointIfDue(w.ctl); err != nil {
		w.fail(err)
		return err
	}
	return nil
}

// seal seals the periods that ended SealGrace before the latest stime
// committed.
func (w *Writer) seal() error {
	hi := w.highest.Load()
	if w.opts.SealGrace < 0 || hi == 0 {
		return nil
	}
	mark := time.UnixMicro(hi).Add(-w.opts.SealGrace)
	if mark.UnixMicro() <= w.s.seal.through.Load() {
		return nil
	}
	_, err := w.s.Seal(w.ctx, mark)
	return err
}

// redigest digests again the sealed periods that got late records, so
// the tamper-evidence chain covers them.
func (w *Writer) redigest() error {
	w.lateMu.Lock()
	var los []time.Time
	for lo := range w.latePeriods {
		los = append(los, time.UnixMicro(lo).UTC())
	}
	clear(w.latePeriods)
	w.lateMu.Unlock()
	return w.s.redigest(w.ctx, los)
}

// Late is the number of records this writer has committed for periods
// that were already sealed.
func (w *Writer) Late() int64 { return w.late.Load() }

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

// Abort stops the writer without committing: the records of batches not
// yet committed are rolled back (those of batches already committed, at
// BatchSize or at a Flush, stay). An importer that wants all or nothing
// writes with a BatchSize larger than its input and aborts on error.
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	w.stopLanes()
	w.ctl.Close()
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

// batch is the open transaction of a lane.
type batch struct {
	open    bool
	rows    int
	start   time.Time
	highest int64 // latest stime appended, Unix µs
	app     *duckc.Appender
	late    map[int64]int // late records by the Unix µs start of their sealed period
	nlate   int
}

func (l *lane) run() {
	w := l.w
	defer close(l.done)
	defer l.conn.Close()
	var b batch
	commit := func() {
		if !b.open {
			return
		}
		number := int(w.number.Add(1))
		rows, start, highest, late := b.rows, b.start, b.highest, b.nlate
		if err := w.commit(l.conn, &b); err != nil {
			w.fail(fmt.Errorf("commit batch %d (%d records): %w", number, rows, err))
			return
		}
		total := w.total.Add(int64(rows))
		w.late.Add(int64(late))
		for {
			cur := w.highest.Load()
			if highest <= cur || w.highest.CompareAndSwap(cur, highest) {
				break
			}
		}
		if w.opts.OnCommit != nil {
			w.opts.OnCommit(BatchInfo{Number: number, Rows: rows, Total: total, Elapsed: time.Since(start), Late: late})
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
			if err := w.appendRecord(l.conn, &b, &chunk[i]); err != nil {
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

// appendRecord appends one record inside the open transaction, opening it
// if needed, and counts it if its period is already sealed.
func (w *Writer) appendRecord(conn *duckc.Native, b *batch, r *schema.Record) error {
	if !b.open {
		w.s.gate.begin() // sealing, retention's checkpoint and other checkpoints wait for the commit
		if err := conn.Exec("BEGIN TRANSACTION"); err != nil {
			w.s.gate.end()
			return fmt.Errorf("begin: %w", err)
		}
		b.open, b.rows, b.start, b.highest, b.nlate = true, 0, time.Now(), 0, 0
	}
	if b.app == nil {
		var err error
		if b.app, err = duckc.NewAppender(conn, flowsTable); err != nil {
			return err
		}
	}
	if err := b.app.Append(r); err != nil {
		return fmt.Errorf("append to %s: %w", flowsTable, err)
	}
	b.rows++
	us := r.Stime.UnixMicro()
	b.highest = max(b.highest, us)
	// Sealing waits for open transactions, so the mark cannot move while
	// this one is open.
	if us < w.s.seal.through.Load() {
		lo, _ := w.s.period.Bounds(r.Stime)
		if b.late == nil {
			b.late = map[int64]int{}
		}
		b.late[lo.UnixMicro()]++
		b.nlate++
	}
	return nil
}

// commit flushes the appender, records late records against their sealed
// periods, and commits the open transaction.
func (w *Writer) commit(conn *duckc.Native, b *batch) error {
	defer w.endBatch(b)
	var err error
	if b.app != nil {
		err = b.app.Close()
		b.app = nil
	}
	var late []int64
	for lo, n := range b.late {
		if err == nil {
			err = conn.Exec(lateSQL(w.s.period, lo, n))
		}
		late = append(late, lo)
		delete(b.late, lo)
	}
	if err == nil {
		err = conn.Exec("COMMIT")
	}
	if err == nil && len(late) > 0 {
		w.lateMu.Lock()
		if w.latePeriods == nil {
			w.latePeriods = map[int64]bool{}
		}
		for _, lo := range late {
			w.latePeriods[lo] = true
		}
		w.lateMu.Unlock()
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
	if b.app != nil {
		b.app.Close()
		b.app = nil
	}
	clear(b.late)
	conn.Exec("ROLLBACK")
}

func (w *Writer) endBatch(b *batch) {
	b.open = false
	b.rows = 0
	w.s.gate.end()
}
