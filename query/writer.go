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
	// BatchSize is the number of records per batch (one transaction);
	// default 65536.
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
	Elapsed time.Duration // time to append and commit the batch
	Created []string      // partitions created by this batch
}

// Writer appends flow records to the store in batches through DuckDB's
// Appender. Write copies each record into the current batch; a full batch
// is handed to a background goroutine that commits it as one transaction
// while the caller goes on filling the next one, so decoding and storing run
// on separate cores. Methods are not safe for concurrent use.
type Writer struct {
	s    *Store
	ctx  context.Context
	opts WriterOptions

	cur     []schema.Record
	work    chan []schema.Record // batches to commit; nil slice = sync request
	free    chan []schema.Record // emptied batch buffers for reuse
	synced  chan error           // answers a sync request
	done    chan struct{}
	errMu   sync.Mutex
	err     error
	closed  bool
}

// NewWriter starts a writer. The context bounds every database call the
// writer makes.
func (s *Store) NewWriter(ctx context.Context, opts WriterOptions) (*Writer, error) {
	if s.readOnly {
		return nil, errors.New("new writer: store is open read-only")
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 65536
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("new writer: %w", err)
	}
	w := &Writer{
		s: s, ctx: ctx, opts: opts,
		cur:    make([]schema.Record, 0, opts.BatchSize),
		work:   make(chan []schema.Record, 1),
		free:   make(chan []schema.Record, 2),
		synced: make(chan error),
		done:   make(chan struct{}),
	}
	w.free <- make([]schema.Record, 0, opts.BatchSize)
	go w.run(conn)
	return w, nil
}

// Write adds a copy of r to the current batch.
func (w *Writer) Write(r *schema.Record) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.cur = append(w.cur, *r)
	if len(w.cur) >= w.opts.BatchSize {
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

// Close flushes and stops the writer.
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
	batch := w.cur
	select {
	case w.work <- batch:
	case <-w.done:
		return w.failed()
	}
	select {
	case w.cur = <-w.free:
	case <-w.done:
		return w.failed()
	}
	w.cur = w.cur[:0]
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

func (w *Writer) run(conn *sql.Conn) {
	defer close(w.done)
	defer conn.Close()
	known := map[string]bool{}
	var number int
	var total int64
	for batch := range w.work {
		if batch == nil {
			w.synced <- w.failed()
			continue
		}
		if w.failed() == nil {
			number++
			start := time.Now()
			created, err := w.commit(conn, batch, known)
			if err != nil {
				w.fail(fmt.Errorf("write batch %d (%d records): %w", number, len(batch), err))
				// Partitions named in a failed batch may not exist.
				clear(known)
			} else {
				total += int64(len(batch))
				if w.opts.OnCommit != nil {
					w.opts.OnCommit(BatchInfo{Number: number, Rows: len(batch), Total: total, Elapsed: time.Since(start), Created: created})
				}
			}
		}
		select {
		case w.free <- batch[:0]:
		default:
		}
	}
}

// commit appends one batch in one transaction.
func (w *Writer) commit(conn *sql.Conn, batch []schema.Record, known map[string]bool) (created []string, err error) {
	ctx := w.ctx
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	// Group rows by partition, creating partitions as needed.
	tables := make([]string, len(batch))
	for i := range batch {
		name, isNew, err := w.s.ensurePartitionConn(ctx, conn, batch[i].Stime, known)
		if err != nil {
			return nil, err
		}
		if isNew {
			created = append(created, name)
		}
		tables[i] = name
	}
	if len(created) > 0 {
		if err := w.s.rebuildView(ctx, conn); err != nil {
			return nil, err
		}
	}
	cols := schema.StoredColumns()
	err = conn.Raw(func(dc any) error {
		drv, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("driver connection %T is not a driver.Conn", dc)
		}
		appenders := map[string]*duckdb.Appender{}
		defer func() {
			for _, a := range appenders {
				a.Close()
			}
		}()
		row := make([]driver.Value, len(cols))
		for i := range batch {
			a := appenders[tables[i]]
			if a == nil {
				var err error
				a, err = duckdb.NewAppender(drv, "", "main", tables[i])
				if err != nil {
					return fmt.Errorf("appender for %s: %w", tables[i], err)
				}
				appenders[tables[i]] = a
			}
			r := &batch[i]
			for j := range cols {
				row[j] = cols[j].Value(r)
			}
			if err := a.AppendRow(row...); err != nil {
				return fmt.Errorf("append record %d to %s: %w", i, tables[i], err)
			}
		}
		for name, a := range appenders {
			delete(appenders, name)
			if err := a.Close(); err != nil {
				return fmt.Errorf("flush appender for %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return created, nil
}
