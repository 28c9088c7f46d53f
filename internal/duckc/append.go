package duckc

import (
	"fmt"
	"net/url"
	"time"
	"unsafe"

	mapping "github.com/duckdb/duckdb-go-bindings"
	duckdb "github.com/duckdb/duckdb-go/v2"

	"tapdb/schema"
)

// Native is a connection of the C API to the store's database
// instance, for the writer's hot path. duckdb-go keeps file databases in its
// instance cache; opening the same path with the same configuration returns
// the same instance, so this connection shares the store's catalog,
// transactions and WAL with database/sql's connections.
type Native struct {
	db   mapping.Database
	conn mapping.Connection
}

// OpenNative connects to the database at path opened with params (the same
// options the Store's connector was given).
func OpenNative(path string, params url.Values) (*Native, error) {
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
	c := &Native{}
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

// exec runs one statement. It drives the query through DuckDB's pending
// API rather than duckdb_query: duckdb_query busy-polls the task queue
// while a worker thread runs the statement's tasks (a COMMIT writing the
// WAL, a CHECKPOINT compressing row groups), burning a whole core that the
// worker could use; here the calling thread runs tasks when there are some
// and sleeps briefly when the workers hold them all.
func (c *Native) Exec(query string) error {
	var stmt mapping.PreparedStatement
	defer mapping.DestroyPrepare(&stmt)
	if mapping.Prepare(c.conn, query, &stmt) == mapping.StateError {
		return fmt.Errorf("%s: %s", query, mapping.PrepareError(stmt))
	}
	var pending mapping.PendingResult
	defer mapping.DestroyPending(&pending)
	if mapping.PendingPrepared(stmt, &pending) == mapping.StateError {
		return fmt.Errorf("%s: %s", query, mapping.PendingError(pending))
	}
	wait := minTaskWait
	for ready := false; !ready; {
		switch mapping.PendingExecuteTask(pending) {
		case mapping.PendingStateResultReady:
			ready = true
		case mapping.PendingStateError:
			return fmt.Errorf("%s: %s", query, mapping.PendingError(pending))
		case mapping.PendingStateNoTasksAvailable:
			time.Sleep(wait)
			wait = min(2*wait, maxTaskWait)
		default:
			wait = minTaskWait
		}
	}
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.ExecutePending(pending, &res) == mapping.StateError {
		return fmt.Errorf("%s: %s", query, mapping.ResultError(&res))
	}
	return nil
}

// minTaskWait and maxTaskWait bound exec's sleep while DuckDB's worker
// threads run a statement's tasks.
const (
	minTaskWait = 20 * time.Microsecond
	maxTaskWait = time.Millisecond
)

func (c *Native) Close() {
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
	"UBIGINT":     mapping.TypeUBigInt,
	"DOUBLE":      mapping.TypeDouble,
}

// Appender appends records to one table by filling a DataChunk's
// vectors in place and handing whole chunks to DuckDB's appender. Each
// column has a setter built from its typed accessor in the schema's column
// table, so no value is boxed and appending a record allocates nothing;
// only strings longer than 12 bytes (which do not fit inline in a
// duckdb_string_t) cross into C one by one.
type Appender struct {
	app     mapping.Appender
	chunk   mapping.DataChunk
	vecs    []nativeVector
	setters []columnSetter // one per column, in vecs' order
	rows    int
	cap     int
}

type nativeVector struct {
	vec      mapping.Vector
	data     unsafe.Pointer
	validity unsafe.Pointer
}

func NewAppender(c *Native, table string) (*Appender, error) {
	cols := schema.StoredColumns()
	a := &Appender{vecs: make([]nativeVector, len(cols)), setters: make([]columnSetter, len(cols))}
	logical := make([]mapping.LogicalType, 0, len(cols))
	defer func() {
		for i := range logical {
			mapping.DestroyLogicalType(&logical[i])
		}
	}()
	for i := range cols {
		col := &cols[i]
		t, ok := nativeTypes[col.Type]
		if !ok {
			return nil, fmt.Errorf("column %s: no native type for %s", col.Name, col.Type)
		}
		set, err := newSetter(col, t)
		if err != nil {
			return nil, err
		}
		a.setters[i] = set
		logical = append(logical, mapping.CreateLogicalType(t))
	}
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
func (a *Appender) bindVectors() {
	for i := range a.vecs {
		v := mapping.DataChunkGetVector(a.chunk, mapping.IdxT(i))
		mapping.VectorEnsureValidityWritable(v)
		a.vecs[i] = nativeVector{vec: v, data: mapping.VectorGetData(v), validity: mapping.VectorGetValidity(v)}
	}
}

// append adds one record to the current chunk, sending the chunk when full.
func (a *Appender) Append(r *schema.Record) error {
	row := a.rows
	for i := range a.setters {
		a.setters[i](&a.vecs[i], row, r)
	}
	a.rows++
	if a.rows == a.cap {
		return a.sendChunk()
	}
	return nil
}

// columnSetter writes a record's value of one column into row of the
// column's vector.
type columnSetter func(v *nativeVector, row int, r *schema.Record)

// setValid marks row of v as holding a value, setNull as NULL.
func (v *nativeVector) setValid(row int) {
	*(*uint64)(unsafe.Add(v.validity, 8*(row/64))) |= 1 << (row % 64)
}

func (v *nativeVector) setNull(row int) {
	*(*uint64)(unsafe.Add(v.validity, 8*(row/64))) &^= 1 << (row % 64)
}

// setString stores s in row of a VARCHAR vector: strings of up to 12 bytes
// inline in the duckdb_string_t (uint32 length, 12 bytes), longer ones
// through DuckDB, which copies them into the vector's string heap.
func (v *nativeVector) setString(row int, s string) {
	if len(s) <= 12 {
		p := unsafe.Add(v.data, 16*row)
		*(*uint32)(p) = uint32(len(s))
		dst := unsafe.Slice((*byte)(unsafe.Add(p, 4)), 12)
		n := copy(dst, s)
		clear(dst[n:])
		return
	}
	mapping.VectorAssignStringElement(v.vec, mapping.IdxT(row), s)
}

// fixedSetter returns the setter of a fixed-width column whose values are
// of Go type T, laid out in the vector as T.
func fixedSetter[T any](get func(*schema.Record) (T, bool)) columnSetter {
	var zero T
	size := int(unsafe.Sizeof(zero))
	return func(v *nativeVector, row int, r *schema.Record) {
		x, ok := get(r)
		if !ok {
			v.setNull(row)
			return
		}
		v.setValid(row)
		*(*T)(unsafe.Add(v.data, size*row)) = x
	}
}

// newSetter builds the setter of a stored column from its typed accessor
// in the schema's column table.
func newSetter(col *schema.Column, t mapping.Type) (columnSetter, error) {
	g := col.Typed()
	var set columnSetter
	switch t {
	case mapping.TypeTimestampTZ:
		if get := g.Time; get != nil {
			set = func(v *nativeVector, row int, r *schema.Record) {
				v.setValid(row)
				*(*int64)(unsafe.Add(v.data, 8*row)) = get(r).UnixMicro()
			}
		}
	case mapping.TypeVarchar:
		if get := g.String; get != nil {
			set = func(v *nativeVector, row int, r *schema.Record) {
				s, ok := get(r)
				if !ok {
					v.setNull(row)
					return
				}
				v.setValid(row)
				v.setString(row, s)
			}
		}
	case mapping.TypeInteger:
		if g.Int32 != nil {
			set = fixedSetter(g.Int32)
		}
	case mapping.TypeBigInt:
		if g.Int64 != nil {
			set = fixedSetter(g.Int64)
		}
	case mapping.TypeUTinyInt:
		if g.Uint8 != nil {
			set = fixedSetter(g.Uint8)
		}
	case mapping.TypeUSmallInt:
		if g.Uint16 != nil {
			set = fixedSetter(g.Uint16)
		}
	case mapping.TypeUInteger:
		if g.Uint32 != nil {
			set = fixedSetter(g.Uint32)
		}
	case mapping.TypeDouble:
		if g.Float64 != nil {
			set = fixedSetter(g.Float64)
		}
	case mapping.TypeUBigInt:
		if g.Uint64 != nil {
			set = fixedSetter(g.Uint64)
		}
	default:
		return nil, fmt.Errorf("column %s: unsupported native type %d", col.Name, t)
	}
	if set == nil {
		return nil, fmt.Errorf("column %s (%s): the column table has no typed accessor for it", col.Name, col.Type)
	}
	return set, nil
}

// sendChunk hands the filled rows to the appender and starts a new chunk.
func (a *Appender) sendChunk() error {
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
func (a *Appender) Close() error {
	err := a.sendChunk()
	if err == nil && mapping.AppenderClose(a.app) == mapping.StateError {
		err = fmt.Errorf("flush appender: %s", mapping.AppenderError(a.app))
	}
	mapping.AppenderDestroy(&a.app)
	mapping.DestroyDataChunk(&a.chunk)
	return err
}
