package pgwire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"tapdb/internal/duckc"
)

// Causes of a cancelled query context.
var (
	errCancelRequest = errors.New("cancel request")
	errTimeout       = errors.New("statement timeout")
	errShutdown      = errors.New("server shutting down")
	errClientGone    = errors.New("client disconnected")
)

// Transaction states as ReadyForQuery reports them.
const (
	txIdle   = 'I'
	txActive = 'T'
	txFailed = 'E'
)

// flushBytes is how much encoded output is buffered before a flush.
const flushBytes = 64 << 10

// session is one authenticated client connection and its DuckDB
// connection. All its methods but cancelQuery run on the session's
// goroutine.
type session struct {
	srv    *Server
	conn   net.Conn
	be     *pgproto3.Backend
	log    *slog.Logger
	params map[string]string // startup parameters
	pid    uint32
	secret []byte

	// dc is the session's DuckDB connection through duckdb-go, native the
	// same connection through the C API (nil if duckc could not reach
	// it); stream is the result streaming on it, if any. Use driver() for
	// dc: both must settle the stream first.
	dc      *duckdb.Conn
	native  *duckc.Conn
	stream  *duckc.Rows
	types   *pgtype.Map
	tx      byte
	skip    bool // extended protocol: discard messages until Sync
	stmts   map[string]*prepared
	portals map[string]*portal
	cursors map[string]*cursor
	pending int // bytes sent since the last flush
	// serializer is the prepared json_serialize_sql statement of the
	// read-only check; checked holds query texts that passed it.
	serializer *dstmt
	checked    map[string]*checkInfo
	// tzKnown and tzUTC: whether the DuckDB connection's TimeZone is UTC
	// (truncate.go), once asked.
	tzKnown, tzUTC bool
	// stmtTimeout is the client's SET statement_timeout (0: none); the
	// shorter of it and Config.QueryTimeout applies.
	stmtTimeout time.Duration
	// catalogReady is set once the session's catalog macros exist.
	catalogReady bool
	// simpleCache holds prepared statements of simple queries by text.
	simpleCache map[string]*cachedStmt
	// maxRow is Config.MaxRowSize (<= 0: no limit).
	maxRow   int64
	rowBuf   []byte
	rowVals  [][]byte
	dataRow  pgproto3.DataRow
	copyData pgproto3.CopyData

	mu     sync.Mutex
	cancel context.CancelCauseFunc // of the running query, nil if none
	// watch is the timer of the running statement's next client check
	// (checkClient), made once and reset for each statement.
	watch *time.Timer
}

func newSession(srv *Server, conn net.Conn, be *pgproto3.Backend, params map[string]string, log *slog.Logger) *session {
	return &session{
		srv:     srv,
		conn:    conn,
		be:      be,
		log:     log,
		params:  params,
		types:   pgtype.NewMap(),
		tx:      txIdle,
		stmts:   make(map[string]*prepared),
		portals: make(map[string]*portal),
		cursors: make(map[string]*cursor),
		checked: make(map[string]*checkInfo),
		maxRow:  srv.cfg.MaxRowSize,

		simpleCache: make(map[string]*cachedStmt),
	}
}

// cancelQuery cancels the running query, if any. Safe from any goroutine.
func (ss *session) cancelQuery(cause error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.cancel != nil {
		ss.cancel(cause)
	}
}

// queryContext returns the context of one statement's execution, bounded by
// the query timeout and cancellable by CancelRequest.
func (ss *session) queryContext(ctx context.Context) (context.Context, func()) {
	qctx, cancel := context.WithCancelCause(ctx)
	var stopTimer func() bool
	d := ss.srv.cfg.QueryTimeout
	if ss.stmtTimeout > 0 && (d <= 0 || ss.stmtTimeout < d) {
		d = ss.stmtTimeout
	}
	if d > 0 {
		t := time.AfterFunc(d, func() { cancel(errTimeout) })
		stopTimer = t.Stop
	}
	ss.mu.Lock()
	ss.cancel = cancel
	if d := ss.srv.cfg.ClientCheckInterval; d > 0 {
		if ss.watch == nil {
			ss.watch = time.AfterFunc(d, ss.checkClient)
		} else {
			ss.watch.Reset(d)
		}
	}
	ss.mu.Unlock()
	return qctx, func() {
		if stopTimer != nil {
			stopTimer()
		}
		ss.mu.Lock()
		ss.cancel = nil
		if ss.watch != nil {
			ss.watch.Stop()
		}
		ss.mu.Unlock()
		cancel(nil)
	}
}

// checkClient, every Config.ClientCheckInterval while a statement runs
// (the session's one timer, watch), checks that the client is still
// connected, and cancels the statement when it is not: a client that
// disconnects during a long query does not leave it running until the
// query timeout. (Sending results notices a closed connection too, but a
// query computing before its first row sends nothing.)
func (ss *session) checkClient() {
	connected := clientConnected(ss.conn)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	switch {
	case ss.cancel == nil:
		// finished
	case connected:
		ss.watch.Reset(ss.srv.cfg.ClientCheckInterval)
	default:
		ss.srv.gone.Add(1)
		ss.log.Warn("client disconnected during a query: interrupting it", "pid", ss.pid)
		ss.cancel(errClientGone)
	}
}

// settle reads the rest of the streaming result, if any, into memory:
// DuckDB closes a streaming result when its connection runs anything
// else, and a portal or cursor may still read it later. ctx interrupts
// that read.
func (ss *session) settle(ctx context.Context) {
	r := ss.stream
	if r == nil {
		return
	}
	ss.stream = nil
	if !r.Streaming() {
		return
	}
	limit := ss.srv.cfg.ConnMemoryLimit
	if limit > 0 {
		// What this session's other kept results hold counts too.
		for _, p := range ss.portals {
			if kr, ok := p.rows.(*duckc.Rows); ok && kr != r {
				limit -= kr.Held()
			}
		}
		for _, c := range ss.cursors {
			if kr, ok := c.rows.(*duckc.Rows); ok && kr != r {
				limit -= kr.Held()
			}
		}
		limit = max(limit, 1)
	} else {
		limit = 0
	}
	r.Buffer(ctx, limit)
	ss.log.Debug("kept an open result before the next statement", "pid", ss.pid, "bytes", r.Held())
}

// driver returns the duckdb-go connection, ready for a statement.
func (ss *session) driver(ctx context.Context) *duckdb.Conn {
	ss.settle(ctx)
	return ss.dc
}

// run serves the session until the client leaves or an error ends it.
// native is dc through the C API, nil to use duckdb-go alone.
func (ss *session) run(ctx context.Context, dc *duckdb.Conn, native *duckc.Conn) error {
	ss.dc, ss.native = dc, native
	defer ss.closeAll()
	stop := context.AfterFunc(ctx, func() {
		ss.cancelQuery(errShutdown)
		ss.conn.Close()
	})
	defer stop()

	for _, p := range ss.parameterStatus() {
		ss.be.Send(&pgproto3.ParameterStatus{Name: p[0], Value: p[1]})
	}
	ss.be.Send(&pgproto3.BackendKeyData{ProcessID: ss.pid, SecretKey: ss.secret})
	if err := ss.readyForQuery(); err != nil {
		return err
	}
	for {
		if d := ss.srv.cfg.IdleTimeout; d > 0 {
			ss.conn.SetReadDeadline(time.Now().Add(d))
		}
		msg, err := ss.be.Receive()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				sendFatal(ss.be, newFatal(codeIdleSessionTimeout, "terminating connection due to idle-session timeout"))
				return fmt.Errorf("idle timeout: %w", err)
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
				return err
			}
			var tooLong *pgproto3.ExceededMaxBodyLenErr
			if errors.As(err, &tooLong) {
				// Its header is read but not its body, which pgproto3
				// cannot skip: the stream cannot be resynchronised.
				sendFatal(ss.be, newFatal(codeProgramLimit,
					"message of %d bytes exceeds the limit of %d bytes", tooLong.ActualBodyLen, tooLong.MaxExpectedBodyLen))
				ss.drain(int64(tooLong.ActualBodyLen))
				return fmt.Errorf("receive: %w", err)
			}
			sendFatal(ss.be, newFatal(codeProtocolViolation, "invalid frontend message: %v", err))
			return fmt.Errorf("receive: %w", err)
		}
		if ss.srv.cfg.IdleTimeout > 0 {
			ss.conn.SetReadDeadline(time.Time{})
		}
		if err := ss.dispatch(ctx, msg); err != nil {
			return err
		}
	}
}

// dispatch handles one frontend message. A returned error ends the session.
func (ss *session) dispatch(ctx context.Context, msg pgproto3.FrontendMessage) error {
	if ss.skip {
		// After an extended-protocol error everything up to Sync is
		// discarded, as PostgreSQL does.
		switch msg.(type) {
		case *pgproto3.Sync, *pgproto3.Terminate:
		default:
			return nil
		}
	}
	switch m := msg.(type) {
	case *pgproto3.Query:
		return ss.simpleQuery(ctx, m.String)
	case *pgproto3.Sync:
		ss.skip = false
		if ss.tx == txIdle {
			ss.closePortals()
		}
		return ss.readyForQuery()
	case *pgproto3.Flush:
		return ss.flush()
	case *pgproto3.Terminate:
		return io.EOF
	case *pgproto3.Parse, *pgproto3.Bind, *pgproto3.Describe, *pgproto3.Execute, *pgproto3.Close:
		if err := ss.extended(ctx, msg); err != nil {
			return ss.extendedError(err)
		}
		return nil
	case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
		return nil // not in COPY FROM: ignored, as PostgreSQL does
	case *pgproto3.FunctionCall:
		// A function call is a cycle of its own, like a simple query:
		// its answer ends with ReadyForQuery.
		if err := ss.sendError(newError(codeFeatureNotSupported, "function call protocol is not supported")); err != nil {
			return err
		}
		return ss.readyForQuery()
	default:
		sendFatal(ss.be, newFatal(codeProtocolViolation, "unexpected message %T", msg))
		return fmt.Errorf("unexpected message %T", msg)
	}
}

// parameterStatus lists what PostgreSQL reports after startup.
func (ss *session) parameterStatus() [][2]string {
	user := ss.params["user"]
	return [][2]string{
		{"application_name", ss.params["application_name"]},
		{"client_encoding", "UTF8"},
		{"DateStyle", "ISO, MDY"},
		{"default_transaction_read_only", "on"},
		{"in_hot_standby", "off"},
		{"integer_datetimes", "on"},
		{"IntervalStyle", "postgres"},
		{"is_superuser", "off"},
		{"server_encoding", "UTF8"},
		{"server_version", ss.srv.cfg.ServerVersion},
		{"session_authorization", user},
		{"standard_conforming_strings", "on"},
		{"TimeZone", "UTC"},
	}
}

// readyForQuery sends ReadyForQuery and flushes.
func (ss *session) readyForQuery() error {
	ss.be.Send(&pgproto3.ReadyForQuery{TxStatus: ss.tx})
	return ss.flush()
}

func (ss *session) flush() error {
	ss.pending = 0
	if err := ss.be.Flush(); err != nil {
		return &errIO{fmt.Errorf("write to client: %w", err)}
	}
	return nil
}

// sendError sends an ErrorResponse; a FATAL one ends the session. An error
// inside a transaction block fails the block.
func (ss *session) sendError(e *pgError) error {
	ss.be.Send(ss.srv.hidePaths(e).response())
	if ss.tx == txActive {
		ss.tx = txFailed
	}
	if e.Severity == "FATAL" {
		_ = ss.flush()
		return errors.New(e.Message)
	}
	return nil
}

func (ss *session) notice(code, msg string) {
	ss.be.Send(&pgproto3.NoticeResponse{Severity: "WARNING", SeverityUnlocalized: "WARNING", Code: code, Message: ss.srv.hide(msg)})
}

// closeAll releases every DuckDB object of the session.
func (ss *session) closeAll() {
	ss.closePortals()
	ss.closeCursors()
	for name, ps := range ss.stmts {
		ps.close()
		delete(ss.stmts, name)
	}
	if ss.tx != txIdle {
		ss.endTransaction(context.Background(), "ROLLBACK")
	}
	ss.serializer.close()
	ss.clearSimpleCache()
}

func (ss *session) closePortals() {
	for name, p := range ss.portals {
		p.close()
		delete(ss.portals, name)
	}
}

func (ss *session) closeCursors() {
	for name, c := range ss.cursors {
		c.close()
		delete(ss.cursors, name)
	}
}

// checkStatementSize fails with 54000 when a statement's text is longer
// than Config.MaxStatementSize, before anything parses it: a statement of
// megabytes costs seconds of CPU and gigabytes in DuckDB's parser.
func (ss *session) checkStatementSize(sql string) *pgError {
	limit := ss.srv.cfg.MaxStatementSize
	if limit <= 0 || len(sql) <= limit {
		return nil
	}
	ss.log.Info("statement too long", "pid", ss.pid, "bytes", len(sql), "limit", limit)
	return &pgError{Severity: "ERROR", Code: codeProgramLimit,
		Message: fmt.Sprintf("statement of %d bytes exceeds the limit of %d bytes", len(sql), limit),
		Hint:    "Send shorter statements (pass long lists as parameters or in a table), or raise max-statement-size."}
}

// drain reads and discards up to n bytes of what the client still sends,
// for a short while, before the connection is closed. A client writes a
// whole message before reading the answer; closing with its message
// unread would reset the connection, and the client could lose the
// ErrorResponse sent before.
func (ss *session) drain(n int64) {
	ss.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.CopyN(io.Discard, ss.conn, min(n, 64<<20))
}
