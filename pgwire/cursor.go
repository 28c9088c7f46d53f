package pgwire

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"
)

// cursor is an SQL-level cursor (DECLARE … CURSOR FOR query), as
// psycopg2's named cursors use: FETCH FORWARD n reads on from where the
// previous FETCH stopped.
type cursor struct {
	name   string
	d      *dstmt
	rows   driver.Rows
	cols   []column
	binary bool
	done   bool
}

func (c *cursor) formats() []int16 {
	if c.binary {
		return []int16{pgtype.BinaryFormatCode}
	}
	return nil
}

func (c *cursor) close() {
	c.d.close()
	c.rows = nil
}

// declare opens a cursor: the query runs now, rows are read by FETCH.
func (ss *session) declare(ctx context.Context, st *stmt) *pgError {
	if ss.tx == txIdle && !st.hold {
		return newError(codeNoActiveTransaction, "DECLARE CURSOR can only be used in transaction blocks")
	}
	if len(ss.cursors) >= maxCursors {
		return newError(codeProgramLimit, "too many open cursors (at most %d): close some", maxCursors)
	}
	if _, dup := ss.cursors[st.name]; dup {
		return newError(codeDuplicateCursor, "cursor %q already exists", st.name)
	}
	sub, e := classifyStatement(st.query)
	if e != nil {
		return e
	}
	if sub.kind != kindQuery {
		return newError(codeSyntaxError, "DECLARE CURSOR needs a query")
	}
	d, cols, e := ss.prepareQuery(ctx, sub.query, sub.sql)
	if e != nil {
		return e
	}
	rows, err := d.query(ctx, nil)
	if err != nil {
		d.close()
		return toPGError(err, ctx.Err(), context.Cause(ctx))
	}
	ss.cursors[st.name] = &cursor{name: st.name, d: d, rows: rows, cols: cols, binary: st.binary}
	ss.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(st.tag)})
	return nil
}

// fetch sends the next rows of a cursor (or skips them for MOVE).
func (ss *session) fetch(ctx context.Context, st *stmt, describe bool) *pgError {
	c, ok := ss.cursors[st.name]
	if !ok {
		return newError(codeInvalidCursorName, "cursor %q does not exist", st.name)
	}
	verb := "FETCH "
	if st.move {
		verb = "MOVE "
	}
	if describe && !st.move {
		ss.be.Send(rowDescription(c.cols, c.formats()))
	}
	var n int64
	if !c.done && st.count != 0 {
		limit := st.count
		if limit < 0 {
			limit = 0
		}
		var more bool
		var err error
		if st.move {
			n, more, err = skipRows(ctx, c.rows, len(c.cols), limit)
		} else {
			n, more, err = ss.sendRows(ctx, c.rows, c.cols, c.formats(), limit)
		}
		if err != nil {
			return ss.rowsError(ctx, err)
		}
		if !more {
			c.done = true
			c.d.closeRows()
		}
	}
	ss.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(verb + strconv.FormatInt(n, 10))})
	return nil
}

// skipRows reads and drops up to limit rows (0: all).
func skipRows(ctx context.Context, rows driver.Rows, ncols int, limit int64) (int64, bool, error) {
	setRowsContext(rows, ctx)
	dest := make([]driver.Value, ncols)
	var n int64
	for limit == 0 || n < limit {
		if err := rows.Next(dest); err != nil {
			if errors.Is(err, io.EOF) {
				return n, false, nil
			}
			return n, false, err
		}
		n++
	}
	return n, true, nil
}
