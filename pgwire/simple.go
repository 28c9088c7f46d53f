package pgwire

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// simpleQuery runs a Query message: every statement in turn, stopping at
// the first error, then ReadyForQuery.
func (ss *session) simpleQuery(ctx context.Context, sql string) error {
	// A simple query ends any unfinished extended-protocol work.
	if p, ok := ss.portals[""]; ok {
		p.close()
		delete(ss.portals, "")
	}
	pieces := splitStatements(sql)
	if len(pieces) == 0 {
		ss.be.Send(&pgproto3.EmptyQueryResponse{})
		return ss.readyForQuery()
	}
	for _, piece := range pieces {
		start := time.Now()
		e, err := ss.simpleStatement(ctx, piece)
		if err != nil {
			return err
		}
		ss.logStatement(piece, start, e)
		if e != nil {
			if err := ss.sendError(e); err != nil {
				return err
			}
			break
		}
	}
	return ss.readyForQuery()
}

// simpleStatement runs one statement of a simple query. A *pgError is sent
// to the client; an error ends the session.
func (ss *session) simpleStatement(ctx context.Context, sql string) (*pgError, error) {
	st, e := classifyStatement(sql)
	if e != nil {
		return e, nil
	}
	if ss.tx == txFailed && !allowedInFailedTx(st) {
		return errFailedTx(), nil
	}
	qctx, done := ss.queryContext(ctx)
	defer done()
	if st.kind != kindQuery {
		e := ss.execUtility(qctx, st, true)
		return ss.ioOrPG(e)
	}
	d, cols, e := ss.cachedQuery(qctx, st)
	if e != nil {
		return e, nil
	}
	defer d.closeRows()
	rows, err := d.query(qctx, nil)
	if err != nil {
		return toPGError(err, qctx.Err(), context.Cause(qctx)), nil
	}
	ss.be.Send(rowDescription(cols, nil))
	n, _, err := ss.sendRows(qctx, rows, cols, nil, 0)
	if err != nil {
		return ss.ioOrPG(ss.rowsError(qctx, err))
	}
	ss.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(commandTag(st.sql, n))})
	return nil, nil
}

// errIO wraps a failure to write to the client, which ends the session.
type errIO struct{ err error }

func (e *errIO) Error() string { return e.err.Error() }
func (e *errIO) Unwrap() error { return e.err }

// rowsError turns an error met while streaming rows into a pgError, or an
// *errIO if the client connection failed.
func (ss *session) rowsError(ctx context.Context, err error) *pgError {
	var ioe *errIO
	if errors.As(err, &ioe) {
		return &pgError{Severity: "FATAL", Code: codeConnectionFailure, Message: err.Error(), ioErr: err}
	}
	return toPGError(err, ctx.Err(), context.Cause(ctx))
}

// ioOrPG splits a pgError carrying a connection failure from one to send.
func (ss *session) ioOrPG(e *pgError) (*pgError, error) {
	if e != nil && e.ioErr != nil {
		return nil, e.ioErr
	}
	return e, nil
}

// logStatement logs a statement at debug level, and its error if any.
func (ss *session) logStatement(sql string, start time.Time, e *pgError) {
	if e != nil {
		ss.log.Debug("statement failed", "pid", ss.pid, "sql", sql, "code", e.Code, "err", e.Message)
		return
	}
	ss.log.Debug("statement", "pid", ss.pid, "sql", sql, "duration", time.Since(start))
}

// simpleCacheSize bounds the per-session cache of prepared simple queries:
// dashboards send the same texts again and again.
const simpleCacheSize = 64

// cachedStmt is a prepared simple query kept for reuse.
type cachedStmt struct {
	d    *dstmt
	cols []column
}

// cachedQuery returns the prepared statement of a simple query, from the
// session's cache when the same text ran before. DuckDB rebinds a prepared
// statement itself when the catalog changed since it was prepared.
func (ss *session) cachedQuery(ctx context.Context, st *stmt) (*dstmt, []column, *pgError) {
	if c, ok := ss.simpleCache[st.sql]; ok && !c.d.closed {
		return c.d, c.cols, nil
	}
	d, cols, e := ss.prepareQuery(ctx, st.query, st.sql)
	if e != nil {
		return nil, nil, e
	}
	if len(ss.simpleCache) >= simpleCacheSize {
		ss.clearSimpleCache()
	}
	ss.simpleCache[st.sql] = &cachedStmt{d: d, cols: cols}
	return d, cols, nil
}

func (ss *session) clearSimpleCache() {
	for k, c := range ss.simpleCache {
		c.d.close()
		delete(ss.simpleCache, k)
	}
}
