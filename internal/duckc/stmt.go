package duckc

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	mapping "github.com/duckdb/duckdb-go-bindings"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Stmt is a prepared statement.
type Stmt struct {
	conn Conn
	ps   mapping.PreparedStatement
	cols []Column
	rows *Rows // the open result, if any
}

// Column is a result column.
type Column struct {
	Name string
	Type Type
}

// Prepare prepares one statement. Its errors are *duckdb.Error.
func (c Conn) Prepare(query string) (*Stmt, error) {
	s := &Stmt{conn: c}
	if mapping.Prepare(c.c, query, &s.ps) == mapping.StateError {
		err := errorOf(mapping.PrepareError(s.ps))
		mapping.DestroyPrepare(&s.ps)
		return nil, err
	}
	n := int(mapping.PreparedStatementColumnCount(s.ps))
	s.cols = make([]Column, n)
	for i := range s.cols {
		lt := mapping.PreparedStatementColumnLogicalType(s.ps, mapping.IdxT(i))
		t, _ := typeOf(lt)
		mapping.DestroyLogicalType(&lt)
		s.cols[i] = Column{Name: mapping.PreparedStatementColumnName(s.ps, mapping.IdxT(i)), Type: t}
	}
	return s, nil
}

// Columns describes the statement's result.
func (s *Stmt) Columns() []Column { return s.cols }

// Decodable reports whether Rows can decode every result column, as far as
// preparing tells (a column whose type depends on a parameter is known
// only once Query ran; Query then reports a type it cannot decode).
func (s *Stmt) Decodable() bool {
	for _, c := range s.cols {
		if !c.Type.Decodable() {
			return false
		}
	}
	return true
}

// StatementType is the kind of statement.
func (s *Stmt) StatementType() duckdb.StmtType {
	return duckdb.StmtType(mapping.PreparedStatementType(s.ps))
}

// NumInput is the number of parameters.
func (s *Stmt) NumInput() int { return int(mapping.NParams(s.ps)) }

// ParamType is the type DuckDB inferred for parameter n (1-based).
func (s *Stmt) ParamType(n int) duckdb.Type {
	return mapping.ParamType(s.ps, mapping.IdxT(n))
}

// Close closes the open result and the statement.
func (s *Stmt) Close() {
	if s.rows != nil {
		s.rows.Close()
	}
	mapping.DestroyPrepare(&s.ps)
}

// bind binds args, whose values are those database/sql passes a driver
// (nil, bool, int64, float64, string, []byte, time.Time) or
// duckdb.Interval.
func (s *Stmt) bind(args []driver.NamedValue) error {
	if mapping.ClearBindings(s.ps) == mapping.StateError {
		return errorOf("Invalid Input Error: cannot clear the bound parameters")
	}
	for i, a := range args {
		n := mapping.IdxT(i + 1)
		if a.Ordinal > 0 {
			n = mapping.IdxT(a.Ordinal)
		}
		var st mapping.State
		switch v := a.Value.(type) {
		case nil:
			st = mapping.BindNull(s.ps, n)
		case bool:
			st = mapping.BindBoolean(s.ps, n, v)
		case int64:
			st = mapping.BindInt64(s.ps, n, v)
		case int:
			st = mapping.BindInt64(s.ps, n, int64(v))
		case float64:
			st = mapping.BindDouble(s.ps, n, v)
		case string:
			st = mapping.BindVarchar(s.ps, n, v)
		case []byte:
			st = mapping.BindBlob(s.ps, n, v)
		case time.Time:
			st = s.bindTime(n, v)
		case duckdb.Interval:
			st = mapping.BindInterval(s.ps, n, mapping.NewInterval(v.Months, v.Days, v.Micros))
		default:
			return errorOf(fmt.Sprintf("Invalid Input Error: parameter $%d: unsupported value type %T", n, v))
		}
		if st == mapping.StateError {
			return errorOf(fmt.Sprintf("Invalid Input Error: cannot bind parameter $%d (%T)", n, a.Value))
		}
	}
	return nil
}

// bindTime binds a time for the parameter's inferred type.
func (s *Stmt) bindTime(n mapping.IdxT, t time.Time) mapping.State {
	switch mapping.ParamType(s.ps, n) {
	case duckdb.TYPE_DATE:
		days := t.UTC().Unix() / 86400
		if t.UTC().Unix() < 0 && t.UTC().Unix()%86400 != 0 {
			days--
		}
		return mapping.BindDate(s.ps, n, mapping.NewDate(int32(days)))
	case duckdb.TYPE_TIMESTAMP_TZ:
		return mapping.BindTimestampTZ(s.ps, n, mapping.NewTimestamp(t.UnixMicro()))
	default:
		return mapping.BindTimestamp(s.ps, n, mapping.NewTimestamp(t.UnixMicro()))
	}
}

// Query runs the statement with args and returns its result, which
// DuckDB computes as Rows are read. ctx interrupts the query while it is
// being started and while Rows.Next waits for a chunk. The previous result
// is closed first.
func (s *Stmt) Query(ctx context.Context, args []driver.NamedValue) (*Rows, error) {
	if s.rows != nil {
		s.rows.Close()
	}
	if err := s.bind(args); err != nil {
		return nil, err
	}
	var pending mapping.PendingResult
	//lint:ignore SA1019 duckdb_pending_prepared is never streaming; this is the C API's only streaming call in DuckDB 1.5.
	if mapping.PendingPreparedStreaming(s.ps, &pending) == mapping.StateError {
		err := errorOf(mapping.PendingError(pending))
		mapping.DestroyPending(&pending)
		return nil, err
	}
	defer mapping.DestroyPending(&pending)
	stop := s.conn.watch(ctx)
	r := &Rows{stmt: s, conn: s.conn}
	st := mapping.ExecutePending(pending, &r.res)
	stop()
	if st == mapping.StateError {
		err := errorOf(mapping.ResultError(&r.res))
		mapping.DestroyResult(&r.res)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return nil, err
	}
	if err := r.init(ctx); err != nil {
		r.Close()
		return nil, err
	}
	s.rows = r
	return r, nil
}
