package pgwire

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5/pgproto3"
)

// copyOut runs COPY … TO STDOUT in the text or CSV format.
func (ss *session) copyOut(ctx context.Context, st *stmt) (string, *pgError) {
	sub, e := classifyStatement(st.query)
	if e != nil {
		return "", e
	}
	if sub.kind != kindQuery {
		return "", newError(codeSyntaxError, "COPY needs a query")
	}
	d, cols, e := ss.prepareQuery(ctx, sub.query, sub.sql)
	if e != nil {
		return "", e
	}
	defer d.close()
	rows, err := d.query(ctx, nil)
	if err != nil {
		return "", toPGError(err, ctx.Err(), context.Cause(ctx))
	}
	ss.be.Send(&pgproto3.CopyOutResponse{OverallFormat: 0, ColumnFormatCodes: make([]uint16, len(cols))})
	var line []byte
	if st.csv && st.header {
		for i, c := range cols {
			if i > 0 {
				line = append(line, st.delim...)
			}
			line = appendCSVField(line, []byte(c.name), st.delim)
		}
		line = append(line, '\n')
		ss.be.Send(&pgproto3.CopyData{Data: line})
	}
	cells := ss.cellsOf(rows, cols, nil)
	var field []byte
	var n int64
	for {
		if n&1023 == 1023 {
			if err := ctx.Err(); err != nil {
				return "", toPGError(err, ctx.Err(), context.Cause(ctx))
			}
		}
		if err := cells.next(); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return "", toPGError(err, ctx.Err(), context.Cause(ctx))
		}
		line = line[:0]
		for i := range cols {
			if i > 0 {
				line = append(line, st.delim...)
			}
			if cells.null(i) {
				if !st.csv {
					line = append(line, `\N`...)
				}
				continue
			}
			if field, err = cells.encode(field[:0], i); err != nil {
				return "", toPGError(err, ctx.Err(), context.Cause(ctx))
			}
			if err := ss.checkRowSize(len(line) + len(field)); err != nil {
				return "", toPGError(err, ctx.Err(), context.Cause(ctx))
			}
			if st.csv {
				line = appendCSVField(line, field, st.delim)
			} else {
				line = appendCopyText(line, field)
			}
		}
		line = append(line, '\n')
		ss.copyData.Data = line
		ss.be.Send(&ss.copyData) // encoded at once: reusable
		n++
		ss.pending += len(line) + 5
		if ss.pending >= flushBytes {
			if err := ss.flush(); err != nil {
				return "", ss.rowsError(ctx, err)
			}
		}
	}
	ss.be.Send(&pgproto3.CopyDone{})
	return "COPY " + strconv.FormatInt(n, 10), nil
}

// appendCopyText escapes a value for COPY's text format.
func appendCopyText(dst, v []byte) []byte {
	for _, c := range v {
		switch c {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendCSVField quotes a value for COPY's CSV format when it needs it (an
// empty string is quoted to tell it from NULL).
func appendCSVField(dst, v []byte, delim string) []byte {
	if len(v) > 0 && !bytes.ContainsAny(v, "\"\r\n") && !bytes.Contains(v, []byte(delim)) && string(v) != `\.` {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	for _, c := range v {
		if c == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}
