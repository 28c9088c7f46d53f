package pgwire

import (
	"context"
	"database/sql/driver"
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
	if e := ss.checkStatementSize(sql); e != nil {
		if err := ss.sendError(e); err != nil {
			return err
		}
		return ss.readyForQuery()
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
	c, e := ss.cachedQuery(qctx, st)
	if e != nil {
		return e, nil
	}
	d, cols := c.d, c.cols
	defer d.closeRows()
	rows, err := c.run(qctx)
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
	d        *dstmt
	cols     []column
	constant bool     // a SELECT of literals only
	kept     *memRows // its result, once run
}

// run executes the statement, or replays the kept result of a constant
// query.
func (c *cachedStmt) run(ctx context.Context) (driver.Rows, error) {
	if c.kept != nil {
		return c.kept.replay(), nil
	}
	rows, err := c.d.query(ctx, nil)
	if err != nil || !c.constant {
		return rows, err
	}
	m, ok := keepRows(rows)
	c.d.closeRows()
	if !ok {
		c.constant = false
		return c.d.query(ctx, nil)
	}
	c.kept = m
	return m.replay(), nil
}

// cachedQuery returns the prepared statement of a simple query, from the
// session's cache when the same text ran before. DuckDB rebinds a prepared
// statement itself when the catalog changed since it was prepared.
func (ss *session) cachedQuery(ctx context.Context, st *stmt) (*cachedStmt, *pgError) {
	if c, ok := ss.simpleCache[st.sql]; ok && !c.d.closed {
		return c, nil
	}
	d, cols, info, e := ss.prepareChecked(ctx, st.query, st.sql)
	if e != nil {
		return nil, e
	}
	if len(ss.simpleCache) >= simpleCacheSize {
		ss.clearSimpleCache()
	}
	c := &cachedStmt{d: d, cols: cols, constant: info.constant && st.query == st.sql}
	ss.simpleCache[st.sql] = c
	return c, nil
}

func (ss *session) clearSimpleCache() {
	for k, c := range ss.simpleCache {
		c.d.close()
		delete(ss.simpleCache, k)
	}
}
