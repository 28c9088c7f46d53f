package duckc

import (
	"context"
	"database/sql/driver"
	"encoding/binary"
	"io"
	"math/big"
	"strings"
	"time"
	"unsafe"

	mapping "github.com/duckdb/duckdb-go-bindings"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Rows is a streaming result. Next returns the Go values duckdb-go's rows
// would: bool, intN, uintN, floatN, string, []byte, time.Time, *big.Int
// (HUGEINT, UHUGEINT), duckdb.Decimal, duckdb.Interval, []byte for UUID,
// []any (LIST, ARRAY), map[string]any (STRUCT), except that JSON stays its
// text.
type Rows struct {
	stmt    *Stmt
	conn    Conn
	ctx     context.Context
	res     mapping.Result
	names   []string
	types   []Type
	readers []*reader

	chunk    mapping.DataChunk // the chunk being read, if any
	size     uint64            // its rows
	row      uint64            // the next row in it
	cur      uint64            // the row Advance moved to
	buffered []mapping.DataChunk
	sizes    []int64 // of the buffered chunks
	held     int64   // their sum
	done     bool    // the result has no more chunks to fetch
	err      error   // the error that ended Buffer, returned after its rows
	closed   bool
}

// init describes the result from its own column types (a statement's
// may be unresolved until its parameters are bound).
func (r *Rows) init(ctx context.Context) error {
	r.ctx = ctx
	n := int(mapping.ColumnCount(&r.res))
	r.names = make([]string, n)
	r.types = make([]Type, n)
	r.readers = make([]*reader, n)
	for i := range n {
		lt := mapping.ColumnLogicalType(&r.res, mapping.IdxT(i))
		t, ok := typeOf(lt)
		mapping.DestroyLogicalType(&lt)
		if !ok {
			return errorOf("Not implemented Error: result column " + mapping.ColumnName(&r.res, mapping.IdxT(i)) + "'s type cannot be streamed")
		}
		r.names[i] = mapping.ColumnName(&r.res, mapping.IdxT(i))
		r.types[i] = t
	}
	for i := range r.readers {
		r.readers[i] = newReader(&r.types[i])
	}
	return nil
}

// Types describes the result's columns.
func (r *Rows) Types() []Type { return r.types }

// SetContext sets the context that interrupts later fetches (a portal's
// next Execute has a context of its own).
func (r *Rows) SetContext(ctx context.Context) { r.ctx = ctx }

// Columns names the result's columns.
func (r *Rows) Columns() []string { return r.names }

// Next reads the next row into dest.
func (r *Rows) Next(dest []driver.Value) error {
	if err := r.Advance(); err != nil {
		return err
	}
	for i, rd := range r.readers {
		dest[i] = rd.value(r.cur)
	}
	return nil
}

// Advance moves to the next row without decoding it; Null, Value, Get
// and Text read its columns until the next Advance.
func (r *Rows) Advance() error {
	for r.row >= r.size {
		if err := r.nextChunk(); err != nil {
			return err
		}
	}
	r.cur = r.row
	r.row++
	return nil
}

// Null reports whether the current row's column col is NULL.
func (r *Rows) Null(col int) bool { return r.readers[col].null(r.cur) }

// Value decodes the current row's column col, as Next does.
func (r *Rows) Value(col int) any { return r.readers[col].value(r.cur) }

// Fixed are the Go types of DuckDB's fixed-width physical values.
type Fixed interface {
	bool | int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64
}

// Get reads the current row's column col, which must be a non-NULL value
// of a type stored as T (TIMESTAMP and TIMESTAMPTZ as int64 microseconds,
// DATE as int32 days).
func Get[T Fixed](r *Rows, col int) T { return at[T](r.readers[col].data, r.cur) }

// Text reads the current row's VARCHAR or BLOB column col, which must not
// be NULL. The string borrows DuckDB's memory: it is valid until the next
// Advance.
func (r *Rows) Text(col int) string { return stringAt(r.readers[col].data, r.cur) }

// nextChunk makes the next chunk current.
func (r *Rows) nextChunk() error {
	if r.closed {
		return io.EOF
	}
	mapping.DestroyDataChunk(&r.chunk)
	r.size, r.row = 0, 0
	var chunk mapping.DataChunk
	if len(r.buffered) > 0 {
		chunk = r.buffered[0]
		r.held -= r.sizes[0]
		r.buffered, r.sizes = r.buffered[1:], r.sizes[1:]
	} else if r.err != nil {
		return r.err
	} else {
		var err error
		if chunk, err = r.fetch(); err != nil {
			return err
		}
	}
	r.chunk = chunk
	r.size = uint64(mapping.DataChunkGetSize(chunk))
	for i, rd := range r.readers {
		rd.bind(mapping.DataChunkGetVector(chunk, mapping.IdxT(i)))
	}
	return nil
}

// fetch has DuckDB compute the next chunk; io.EOF at the end.
func (r *Rows) fetch() (mapping.DataChunk, error) {
	if r.done {
		return mapping.DataChunk{}, io.EOF
	}
	ctx := r.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return mapping.DataChunk{}, err
	}
	stop := r.conn.watch(ctx)
	chunk := mapping.FetchChunk(r.res)
	stop()
	if chunk.Ptr != nil {
		return chunk, nil
	}
	r.done = true
	if msg := mapping.ResultError(&r.res); msg != "" {
		err := errorOf(msg)
		if ctx.Err() != nil {
			return chunk, ctx.Err()
		}
		return chunk, err
	}
	return chunk, io.EOF
}

// Buffer fetches the rest of the result into memory, so that the
// connection may run other statements while these rows are still read,
// holding at most limit bytes (see Held; 0: no limit). When the rest does
// not fit, or reading it fails, Next returns the rows that were kept and
// then the error (a *BufferLimitError, or DuckDB's). ctx interrupts the
// reading.
func (r *Rows) Buffer(ctx context.Context, limit int64) {
	if r.closed || r.done {
		return
	}
	r.ctx = ctx
	for {
		chunk, err := r.fetch()
		if err == nil {
			size := chunkBytes(chunk, r.types)
			if limit > 0 && r.held+size > limit {
				mapping.DestroyDataChunk(&chunk)
				err = &BufferLimitError{Limit: limit}
			} else {
				r.buffered = append(r.buffered, chunk)
				r.sizes = append(r.sizes, size)
				r.held += size
				continue
			}
		}
		if err != io.EOF {
			r.err = err
		}
		r.done = true
		mapping.DestroyResult(&r.res)
		return
	}
}

// Held is the memory Buffer holds for rows not read yet, in bytes.
func (r *Rows) Held() int64 { return r.held }

// Streaming reports whether the result still depends on its connection.
func (r *Rows) Streaming() bool { return !r.closed && !r.done }

// Close releases the result.
func (r *Rows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	mapping.DestroyDataChunk(&r.chunk)
	for i := range r.buffered {
		mapping.DestroyDataChunk(&r.buffered[i])
	}
	r.buffered, r.sizes, r.held = nil, nil, 0
	mapping.DestroyResult(&r.res)
	if r.stmt != nil && r.stmt.rows == r {
		r.stmt.rows = nil
	}
	return nil
}

// reader reads one vector's values.
type reader struct {
	t      *Type
	data   unsafe.Pointer
	valid  unsafe.Pointer // nil: every row is valid
	elem   *reader        // LIST, ARRAY
	fields []*reader      // STRUCT
}

func newReader(t *Type) *reader {
	rd := &reader{t: t}
	if t.Elem != nil {
		rd.elem = newReader(t.Elem)
	}
	for i := range t.Fields {
		rd.fields = append(rd.fields, newReader(&t.Fields[i].Type))
	}
	return rd
}

// bind points the reader (and its children) at a chunk's vector.
func (rd *reader) bind(vec mapping.Vector) {
	rd.data = mapping.VectorGetData(vec)
	rd.valid = mapping.VectorGetValidity(vec)
	switch rd.t.ID {
	case duckdb.TYPE_LIST:
		rd.elem.bind(mapping.ListVectorGetChild(vec))
	case duckdb.TYPE_ARRAY:
		rd.elem.bind(mapping.ArrayVectorGetChild(vec))
	case duckdb.TYPE_STRUCT:
		for i, f := range rd.fields {
			f.bind(mapping.StructVectorGetChild(vec, mapping.IdxT(i)))
		}
	}
}

func at[T any](p unsafe.Pointer, row uint64) T {
	var zero T
	return *(*T)(unsafe.Add(p, uintptr(row)*unsafe.Sizeof(zero)))
}

func (rd *reader) null(row uint64) bool {
	return rd.valid != nil && at[uint64](rd.valid, row/64)&(1<<(row%64)) == 0
}

// value is row's value, nil for NULL.
func (rd *reader) value(row uint64) any {
	if rd.null(row) {
		return nil
	}
	p := rd.data
	switch rd.t.ID {
	case duckdb.TYPE_BOOLEAN:
		return at[bool](p, row)
	case duckdb.TYPE_TINYINT:
		return at[int8](p, row)
	case duckdb.TYPE_SMALLINT:
		return at[int16](p, row)
	case duckdb.TYPE_INTEGER:
		return at[int32](p, row)
	case duckdb.TYPE_BIGINT:
		return at[int64](p, row)
	case duckdb.TYPE_UTINYINT:
		return at[uint8](p, row)
	case duckdb.TYPE_USMALLINT:
		return at[uint16](p, row)
	case duckdb.TYPE_UINTEGER:
		return at[uint32](p, row)
	case duckdb.TYPE_UBIGINT:
		return at[uint64](p, row)
	case duckdb.TYPE_FLOAT:
		return at[float32](p, row)
	case duckdb.TYPE_DOUBLE:
		return at[float64](p, row)
	case duckdb.TYPE_HUGEINT:
		return hugeint(at[[2]uint64](p, row))
	case duckdb.TYPE_UHUGEINT:
		h := at[[2]uint64](p, row)
		i := new(big.Int).SetUint64(h[1])
		i.Lsh(i, 64)
		return i.Or(i, new(big.Int).SetUint64(h[0]))
	case duckdb.TYPE_VARCHAR:
		return strings.Clone(stringAt(p, row))
	case duckdb.TYPE_BLOB:
		return []byte(stringAt(p, row))
	case duckdb.TYPE_DATE:
		return time.Unix(int64(at[int32](p, row))*86400, 0).UTC()
	case duckdb.TYPE_TIME:
		us := at[int64](p, row)
		return time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(us) * time.Microsecond)
	case duckdb.TYPE_TIMESTAMP, duckdb.TYPE_TIMESTAMP_TZ:
		return time.UnixMicro(at[int64](p, row)).UTC()
	case duckdb.TYPE_TIMESTAMP_S:
		return time.Unix(at[int64](p, row), 0).UTC()
	case duckdb.TYPE_TIMESTAMP_MS:
		return time.UnixMilli(at[int64](p, row)).UTC()
	case duckdb.TYPE_TIMESTAMP_NS:
		return time.Unix(0, at[int64](p, row)).UTC()
	case duckdb.TYPE_INTERVAL:
		v := at[struct {
			months, days int32
			micros       int64
		}](p, row)
		return duckdb.Interval{Months: v.months, Days: v.days, Micros: v.micros}
	case duckdb.TYPE_UUID:
		h := at[[2]uint64](p, row)
		b := make([]byte, 16)
		binary.BigEndian.PutUint64(b[:8], h[1]^1<<63)
		binary.BigEndian.PutUint64(b[8:], h[0])
		return b
	case duckdb.TYPE_DECIMAL:
		var v *big.Int
		switch rd.t.storage {
		case duckdb.TYPE_SMALLINT:
			v = big.NewInt(int64(at[int16](p, row)))
		case duckdb.TYPE_INTEGER:
			v = big.NewInt(int64(at[int32](p, row)))
		case duckdb.TYPE_BIGINT:
			v = big.NewInt(at[int64](p, row))
		default:
			v = hugeint(at[[2]uint64](p, row))
		}
		return duckdb.Decimal{Width: rd.t.Width, Scale: rd.t.Scale, Value: v}
	case duckdb.TYPE_ENUM:
		var i uint64
		switch rd.t.storage {
		case duckdb.TYPE_UTINYINT:
			i = uint64(at[uint8](p, row))
		case duckdb.TYPE_USMALLINT:
			i = uint64(at[uint16](p, row))
		default:
			i = uint64(at[uint32](p, row))
		}
		if i < uint64(len(rd.t.enum)) {
			return rd.t.enum[i]
		}
		return nil
	case duckdb.TYPE_LIST:
		e := at[[2]uint64](p, row) // offset, length
		return rd.elem.slice(e[0], e[1])
	case duckdb.TYPE_ARRAY:
		n := uint64(rd.t.Size)
		return rd.elem.slice(row*n, n)
	case duckdb.TYPE_STRUCT:
		m := make(map[string]any, len(rd.fields))
		for i, f := range rd.fields {
			m[rd.t.Fields[i].Name] = f.value(row)
		}
		return m
	}
	return nil
}

func (rd *reader) slice(offset, n uint64) []any {
	s := make([]any, n)
	for j := range s {
		s[j] = rd.value(offset + uint64(j))
	}
	return s
}

func hugeint(h [2]uint64) *big.Int {
	i := big.NewInt(int64(h[1]))
	i.Lsh(i, 64)
	return i.Add(i, new(big.Int).SetUint64(h[0]))
}

// stringAt reads a duckdb_string_t: a uint32 length, then the bytes inline
// when they fit in 12, else a 4-byte prefix and a pointer at offset 8. The
// string borrows the chunk's memory.
func stringAt(p unsafe.Pointer, row uint64) string {
	s := unsafe.Add(p, uintptr(row)*16)
	n := *(*uint32)(s)
	if n <= 12 {
		return unsafe.String((*byte)(unsafe.Add(s, 4)), int(n))
	}
	return unsafe.String(*(**byte)(unsafe.Add(s, 8)), int(n))
}
