package query

import (
	"database/sql/driver"
	"fmt"
	"net/url"
	"time"
	"unsafe"

	mapping "github.com/duckdb/duckdb-go-bindings"
	duckdb "github.com/duckdb/duckdb-go/v2"

	"tapdb/schema"
)

// nativeConn is a connection of the C API to the store's database
// instance, for the writer's hot path. duckdb-go keeps file databases in its
// instance cache; opening the same path with the same configuration returns
// the same instance, so this connection shares the store's catalog,
// transactions and WAL with database/sql's connections.
type nativeConn struct {
	db   mapping.Database
	conn mapping.Connection
}

// openNative connects to the database at path opened with params (the same
// options the Store's connector was given).
func openNative(path string, params url.Values) (*nativeConn, error) {
	var cfg mapping.Config
	if mapping.CreateConfig(&cfg) == mapping.StateError {
		return nil, fmt.Errorf("native connection: create config")
	}
	defer mapping.DestroyConfig(&cfg)
	// duckdb-go's connector sets duckdb_api; the instance cache refuses a
	// second configuration.
	mapping.SetConfig(cfg, "duckdb_api", "go")
	for k, v := range params {
		if len(v) > 0 && mapping.SetConfig(cfg, k, v[0]) == mapping.StateError {
			return nil, fmt.Errorf("native connection: config %s=%s", k, v[0])
		}
	}
	c := &nativeConn{}
	var msg string
	if mapping.GetOrCreateFromCache(duckdb.GetInstanceCache(), path, &c.db, cfg, &msg) == mapping.StateError {
		return nil, fmt.Errorf("native connection to %s: %s", path, msg)
	}
	if mapping.Connect(c.db, &c.conn) == mapping.StateError {
		mapping.Close(&c.db)
		return nil, fmt.Errorf("native connection to %s: connect", path)
	}
	return c, nil
}

func (c *nativeConn) exec(query string) error {
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.Query(c.conn, query, &res) == mapping.StateError {
		return fmt.Errorf("%s: %s", query, mapping.ResultError(&res))
	}
	return nil
}

func (c *nativeConn) close() {
	mapping.Disconnect(&c.conn)
	mapping.Close(&c.db)
}

// columnTypes maps the column table's DuckDB types to the C API's.
var nativeTypes = map[string]mapping.Type{
	"TIMESTAMPTZ": mapping.TypeTimestampTZ,
	"VARCHAR":     mapping.TypeVarchar,
	"INTEGER":     mapping.TypeInteger,
	"BIGINT":      mapping.TypeBigInt,
	"UTINYINT":    mapping.TypeUTinyInt,
	"USMALLINT":   mapping.TypeUSmallInt,
	"UINTEGER":    mapping.TypeUInteger,
	"DOUBLE":      mapping.TypeDouble,
	"UHUGEINT":    mapping.TypeUHugeInt,
}

// chunkAppender appends records to one table by filling a DataChunk's
// vectors in place and handing whole chunks to DuckDB's appender: no value
// is boxed for the driver, and only strings longer than 12 bytes (which do
// not fit inline in a duckdb_string_t) cross into C one by one.
type chunkAppender struct {
	app   mapping.Appender
	chunk mapping.DataChunk
	cols  []schema.Column
	types []mapping.Type
	vecs  []nativeVector
	rows  int
	cap   int
}

type nativeVector struct {
	vec      mapping.Vector
	data     unsafe.Pointer
	validity unsafe.Pointer
}

func newChunkAppender(c *nativeConn, table string) (*chunkAppender, error) {
	cols := schema.StoredColumns()
	a := &chunkAppender{cols: cols, types: make([]mapping.Type, len(cols)), vecs: make([]nativeVector, len(cols))}
	logical := make([]mapping.LogicalType, len(cols))
	for i, col := range cols {
		t, ok := nativeTypes[col.Type]
		if !ok {
			return nil, fmt.Errorf("column %s: no native type for %s", col.Name, col.Type)
		}
		a.types[i] = t
		logical[i] = mapping.CreateLogicalType(t)
	}
	defer func() {
		for i := range logical {
			mapping.DestroyLogicalType(&logical[i])
		}
	}()
	if mapping.AppenderCreate(c.conn, "main", table, &a.app) == mapping.StateError {
		err := mapping.AppenderError(a.app)
		mapping.AppenderDestroy(&a.app)
		return nil, fmt.Errorf("appender for %s: %s", table, err)
	}
	a.chunk = mapping.CreateDataChunk(logical)
	a.cap = int(mapping.VectorSize())
	a.bindVectors()
	return a, nil
}

// bindVectors fetches the chunk's vector buffers (they may move on reset).
func (a *chunkAppender) bindVectors() {
	for i := range a.vecs {
		v := mapping.DataChunkGetVector(a.chunk, mapping.IdxT(i))
		mapping.VectorEnsureValidityWritable(v)
		a.vecs[i] = nativeVector{vec: v, data: mapping.VectorGetData(v), validity: mapping.VectorGetValidity(v)}
	}
}

// append adds one record to the current chunk, sending the chunk when full.
func (a *chunkAppender) append(r *schema.Record) error {
	row := a.rows
	for i := range a.cols {
		if err := a.set(i, row, a.cols[i].Value(r)); err != nil {
			return err
		}
	}
	a.rows++
	if a.rows == a.cap {
		return a.sendChunk()
	}
	return nil
}

func (a *chunkAppender) set(i, row int, v driver.Value) error {
	nv := &a.vecs[i]
	mask := (*uint64)(unsafe.Add(nv.validity, 8*(row/64)))
	bit := uint64(1) << (row % 64)
	if v == nil {
		*mask &^= bit
		return nil
	}
	*mask |= bit
	switch a.types[i] {
	case mapping.TypeTimestampTZ:
		t, ok := v.(time.Time)
		if !ok {
			return a.typeError(i, v)
		}
		*(*int64)(unsafe.Add(nv.data, 8*row)) = t.UnixMicro()
	case mapping.TypeVarchar:
		s, ok := v.(string)
		if !ok {
			return a.typeError(i, v)
		}
		if len(s) <= 12 {
			// duckdb_string_t, inlined form: uint32 length, 12 bytes.
			p := unsafe.Add(nv.data, 16*row)
			*(*uint32)(p) = uint32(len(s))
			dst := unsafe.Slice((*byte)(unsafe.Add(p, 4)), 12)
			n := copy(dst, s)
			clear(dst[n:])
		} else {
			mapping.VectorAssignStringElement(nv.vec, mapping.IdxT(row), s)
		}
	case mapping.TypeInteger:
		x, ok := v.(int32)
		if !ok {
			return a.typeError(i, v)
		}
		*(*int32)(unsafe.Add(nv.data, 4*row)) = x
	case mapping.TypeBigInt:
		x, ok := v.(int64)
		if !ok {
			return a.typeError(i, v)
		}
		*(*int64)(unsafe.Add(nv.data, 8*row)) = x
	case mapping.TypeUTinyInt:
		x, ok := v.(uint8)
		if !ok {
			return a.typeError(i, v)
		}
		*(*uint8)(unsafe.Add(nv.data, row)) = x
	case mapping.TypeUSmallInt:
		x, ok := v.(uint16)
		if !ok {
			return a.typeError(i, v)
		}
		*(*uint16)(unsafe.Add(nv.data, 2*row)) = x
	case mapping.TypeUInteger:
		x, ok := v.(uint32)
		if !ok {
			return a.typeError(i, v)
		}
		*(*uint32)(unsafe.Add(nv.data, 4*row)) = x
	case mapping.TypeDouble:
		x, ok := v.(float64)
		if !ok {
			return a.typeError(i, v)
		}
		*(*float64)(unsafe.Add(nv.data, 8*row)) = x
	case mapping.TypeUHugeInt:
		x, ok := v.(schema.U128)
		if !ok {
			return a.typeError(i, v)
		}
		p := unsafe.Add(nv.data, 16*row) // duckdb_uhugeint: lower, then upper
		*(*uint64)(p) = x.Lo
		*(*uint64)(unsafe.Add(p, 8)) = x.Hi
	default:
		return fmt.Errorf("column %s: unsupported native type %d", a.cols[i].Name, a.types[i])
	}
	return nil
}

func (a *chunkAppender) typeError(i int, v driver.Value) error {
	return fmt.Errorf("column %s (%s): value of Go type %T", a.cols[i].Name, a.cols[i].Type, v)
}

// sendChunk hands the filled rows to the appender and starts a new chunk.
func (a *chunkAppender) sendChunk() error {
	if a.rows == 0 {
		return nil
	}
	mapping.DataChunkSetSize(a.chunk, mapping.IdxT(a.rows))
	if mapping.AppendDataChunk(a.app, a.chunk) == mapping.StateError {
		return fmt.Errorf("append chunk: %s", mapping.AppenderError(a.app))
	}
	mapping.DataChunkReset(a.chunk)
	a.rows = 0
	a.bindVectors()
	return nil
}

// close sends the last chunk and flushes the appender into the open
// transaction; the appender is destroyed either way.
func (a *chunkAppender) close() error {
	err := a.sendChunk()
	if err == nil && mapping.AppenderClose(a.app) == mapping.StateError {
		err = fmt.Errorf("flush appender: %s", mapping.AppenderError(a.app))
	}
	mapping.AppenderDestroy(&a.app)
	mapping.DestroyDataChunk(&a.chunk)
	return err
}
