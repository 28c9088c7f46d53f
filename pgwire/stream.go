package pgwire

import (
	"database/sql/driver"
	"encoding/binary"
	"fmt"
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
			return func(ss *session, buf []byte, r *duckc.Rows, col int) ([]byte, error) {
				t := r.Text(col)
				// Checked before the copy: one value may be gigabytes.
				if err := ss.checkRowSize(len(buf) + len(t)); err != nil {
					return buf, err
				}
				return append(buf, t...), nil
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

// cells reads a result row by row and encodes the current row's values.
type cells interface {
	next() error
	null(col int) bool
	// encode appends the value of column col, which is not NULL.
	encode(buf []byte, col int) ([]byte, error)
}

// cellsOf reads rows, encoding column i in formats' format for it (see
// formatOf; nil: all text).
func (ss *session) cellsOf(rows driver.Rows, cols []column, formats []int16) cells {
	if r, ok := rows.(*duckc.Rows); ok {
		types := r.Types()
		enc := make([]cellEncoder, len(types))
		for i, t := range types {
			ct := colTypeOfNative(t)
			if i < len(cols) {
				ct = cols[i].ct
			}
			enc[i] = cellEncoderFor(t.ID, ct, formatOf(formats, i))
		}
		return &streamCells{ss: ss, r: r, enc: enc}
	}
	bin := make([]bool, len(cols))
	for i := range cols {
		bin[i] = formatOf(formats, i) == pgtype.BinaryFormatCode
	}
	return &driverCells{ss: ss, rows: rows, cols: cols, bin: bin, dest: make([]driver.Value, len(cols))}
}

// streamCells are the rows of a streaming result, encoded from the vectors.
type streamCells struct {
	ss  *session
	r   *duckc.Rows
	enc []cellEncoder
}

func (s *streamCells) next() error       { return s.r.Advance() }
func (s *streamCells) null(col int) bool { return s.r.Null(col) }
func (s *streamCells) encode(buf []byte, col int) ([]byte, error) {
	return s.enc[col](s.ss, buf, s.r, col)
}

// driverCells are the rows of a driver's result (or a kept one), encoded
// from their Go values.
type driverCells struct {
	ss   *session
	rows driver.Rows
	cols []column
	bin  []bool
	dest []driver.Value
}

func (d *driverCells) next() error       { return d.rows.Next(d.dest) }
func (d *driverCells) null(col int) bool { return d.dest[col] == nil }
func (d *driverCells) encode(buf []byte, col int) ([]byte, error) {
	if d.bin[col] {
		return appendBinary(d.ss.types, buf, d.dest[col], d.cols[col].ct)
	}
	return appendText(buf, d.dest[col], d.cols[col].ct), nil
}

// checkRowSize fails with 53200 when an encoded row (or COPY line) of n
// bytes would exceed Config.MaxRowSize.
func (ss *session) checkRowSize(n int) error {
	if limit := ss.maxRow; limit > 0 && int64(n) > limit {
		return &pgError{Severity: "ERROR", Code: codeOutOfMemory,
			Message: fmt.Sprintf("out of memory: a result row exceeds the limit of %d bytes", limit),
			Detail:  "One row of the result is too large to send.",
			Hint:    "Select less per row (substr, length or fewer aggregated values), or raise max-row-size."}
	}
	return nil
}
