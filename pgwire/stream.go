package pgwire

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strconv"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgtype"

	"tapdb/internal/duckc"
)

// Encoding straight from DuckDB's vectors.
//
// A streaming result's common column types (booleans, integers, floats,
// strings, timestamps) are encoded from the vector's memory into the
// DataRow without becoming Go values first; the others are decoded and go
// through appendText and appendBinary. Both give the same bytes
// (TestCellEncodersMatch).

// cellEncoder appends the current row's value of column col, which is not
// NULL.
type cellEncoder func(ss *session, buf []byte, r *duckc.Rows, col int) ([]byte, error)

// pgEpochMicros is 2000-01-01, PostgreSQL's epoch, in Unix microseconds.
const pgEpochMicros = 946_684_800_000_000

// cellEncoderFor picks the encoder of a column in a format.
func cellEncoderFor(t duckdb.Type, ct colType, format int16) cellEncoder {
	bin := format == pgtype.BinaryFormatCode
	switch t {
	case duckdb.TYPE_BOOLEAN:
		if bin {
			return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
				if duckc.Get[bool](r, col) {
					return append(buf, 1), nil
				}
				return append(buf, 0), nil
			}
		}
		return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
			if duckc.Get[bool](r, col) {
				return append(buf, 't'), nil
			}
			return append(buf, 'f'), nil
		}
	case duckdb.TYPE_TINYINT:
		return intEncoder(func(r *duckc.Rows, col int) int64 { return int64(duckc.Get[int8](r, col)) }, ct, bin)
	case duckdb.TYPE_SMALLINT:
		return intEncoder(func(r *duckc.Rows, col int) int64 { return int64(duckc.Get[int16](r, col)) }, ct, bin)
	case duckdb.TYPE_INTEGER:
		return intEncoder(func(r *duckc.Rows, col int) int64 { return int64(duckc.Get[int32](r, col)) }, ct, bin)
	case duckdb.TYPE_BIGINT:
		return intEncoder(func(r *duckc.Rows, col int) int64 { return duckc.Get[int64](r, col) }, ct, bin)
	case duckdb.TYPE_UTINYINT:
		return intEncoder(func(r *duckc.Rows, col int) int64 { return int64(duckc.Get[uint8](r, col)) }, ct, bin)
	case duckdb.TYPE_USMALLINT:
		return intEncoder(func(r *duckc.Rows, col int) int64 { return int64(duckc.Get[uint16](r, col)) }, ct, bin)
	case duckdb.TYPE_UINTEGER:
		return intEncoder(func(r *duckc.Rows, col int) int64 { return int64(duckc.Get[uint32](r, col)) }, ct, bin)
	case duckdb.TYPE_DOUBLE:
		if bin {
			return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
				return binary.BigEndian.AppendUint64(buf, math.Float64bits(duckc.Get[float64](r, col))), nil
			}
		}
		return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
			return appendFloat(buf, duckc.Get[float64](r, col), 64), nil
		}
	case duckdb.TYPE_FLOAT:
		if bin {
			return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
				return binary.BigEndian.AppendUint32(buf, math.Float32bits(duckc.Get[float32](r, col))), nil
			}
		}
		return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
			return appendFloat(buf, float64(duckc.Get[float32](r, col)), 32), nil
		}
	case duckdb.TYPE_VARCHAR:
		if ct.oid == oidText {
			// Text and binary forms of text are the same bytes.
			return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
				return append(buf, r.Text(col)...), nil
			}
		}
	case duckdb.TYPE_TIMESTAMP, duckdb.TYPE_TIMESTAMP_TZ:
		if bin {
			return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
				us := duckc.Get[int64](r, col)
				switch us {
				case math.MaxInt64:
				case -math.MaxInt64:
					us = math.MinInt64
				default:
					us -= pgEpochMicros
				}
				return binary.BigEndian.AppendUint64(buf, uint64(us)), nil
			}
		}
		return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
			t := time.UnixMicro(duckc.Get[int64](r, col)).UTC()
			if inf := timestampInfinity(t, ct.oid); inf != 0 {
				if inf < 0 {
					buf = append(buf, '-')
				}
				return append(buf, "infinity"...), nil
			}
			return appendTime(buf, t, ct.oid), nil
		}
	}
	// Everything else: decoded, then encoded as the driver's values are.
	if bin {
		return func(ss *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
			return appendBinary(ss.types, buf, r.Value(col), ct)
		}
	}
	return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
		return appendText(buf, r.Value(col), ct), nil
	}
}

// intEncoder encodes an integer column as its column type's int2, int4
// or int8 (binary) or in decimal (text).
func intEncoder(get func(*duckc.Rows, int) int64, ct colType, bin bool) cellEncoder {
	if !bin {
		return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
			return strconv.AppendInt(buf, get(r, col), 10), nil
		}
	}
	switch ct.oid {
	case oidInt2:
		return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
			return binary.BigEndian.AppendUint16(buf, uint16(get(r, col))), nil
		}
	case oidInt4:
		return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
			return binary.BigEndian.AppendUint32(buf, uint32(get(r, col))), nil
		}
	}
	return func(_ *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
		return binary.BigEndian.AppendUint64(buf, uint64(get(r, col))), nil
	}
}

// sendStream is sendRows for a streaming result: it reads up to limit rows
// (0: all), sends them as DataRows, and reports the rows sent and whether
// the result has more.
func (ss *session) sendStream(ctx context.Context, rows *duckc.Rows, cols []column, formats []int16, limit int64) (int64, bool, error) {
	types := rows.Types()
	if len(types) != len(cols) {
		return 0, false, newError(codeFeatureNotSupported, "result has %d columns but %d were described: give the parameters' types", len(types), len(cols))
	}
	rows.SetContext(ctx)
	enc := make([]cellEncoder, len(cols))
	for i := range cols {
		enc[i] = cellEncoderFor(types[i].ID, cols[i].ct, formatOf(formats, i))
	}
	if cap(ss.rowVals) < len(cols) {
		ss.rowVals = make([][]byte, len(cols))
	}
	if ss.rowBuf == nil {
		ss.rowBuf = make([]byte, 0, 4096)
	}
	vals := ss.rowVals[:len(cols)]
	spans := make([][2]int, len(cols))
	var n int64
	for limit == 0 || n < limit {
		if n&1023 == 1023 {
			if err := ctx.Err(); err != nil {
				return n, false, err
			}
		}
		if err := rows.Advance(); err != nil {
			if errors.Is(err, io.EOF) {
				return n, false, nil
			}
			return n, false, err
		}
		buf := ss.rowBuf[:0]
		for i, e := range enc {
			if rows.Null(i) {
				spans[i] = [2]int{-1, -1}
				continue
			}
			start := len(buf)
			var err error
			if buf, err = e(ss, buf, rows, i); err != nil {
				return n, false, err
			}
			spans[i] = [2]int{start, len(buf)}
		}
		for i, sp := range spans {
			if sp[0] < 0 {
				vals[i] = nil
			} else {
				vals[i] = buf[sp[0]:sp[1]:sp[1]]
			}
		}
		ss.rowBuf = buf
		ss.dataRow.Values = vals
		ss.be.Send(&ss.dataRow) // encoded at once: reusable
		n++
		ss.pending += len(buf) + 4*len(vals) + 7
		if ss.pending >= flushBytes {
			if err := ss.flush(); err != nil {
				return n, false, err
			}
		}
	}
	return n, true, nil
}
