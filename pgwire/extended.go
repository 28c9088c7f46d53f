package pgwire

import (
	"context"
	"database/sql/driver"
	"errors"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgproto3"

	"tapdb/internal/duckc"
)

// Per-session limits on what a client may keep open: each holds DuckDB
// resources.
const (
	maxPrepared = 1000
	maxPortals  = 100
	maxCursors  = 100
)

// prepared is a statement created by Parse.
type prepared struct {
	name      string
	st        *stmt  // nil for an empty query
	d         *dstmt // DuckDB statement of a query; nil otherwise
	cols      []column
	paramOIDs []uint32
	ambiguous bool     // DuckDB could not type every parameter: describe after binding
	untyped   []bool   // per parameter: neither the client nor DuckDB gave a type
	described bool     // the client saw the result description of Describe S
	constant  bool     // a SELECT of literals only, without parameters
	kept      *memRows // its result, once run (exec.go)
	busy      bool     // d is executing for a portal
	closed    bool     // Close arrived while busy
}

func (ps *prepared) close() {
	ps.closed = true
	if !ps.busy {
		ps.d.close()
	}
}

// portal is a statement bound to parameters by Bind.
type portal struct {
	name    string
	ps      *prepared
	args    []driver.NamedValue
	formats []int16
	d       *dstmt // the statement executing: ps.d or a fresh one
	own     bool   // d belongs to the portal
	rows    driver.Rows
	cols    []column // result columns when known only after execution
	done    bool     // ran to completion (Execute again yields no rows)
}

func (p *portal) close() {
	if p.d != nil {
		p.d.closeRows()
		if p.own {
			p.d.close()
		} else {
			p.ps.busy = false
			if p.ps.closed {
				p.ps.d.close()
			}
		}
		p.d = nil
	}
	p.rows = nil
}

// extendedError reports an error of an extended-protocol message and skips
// to the next Sync.
func (ss *session) extendedError(err error) error {
	var ioe *errIO
	if errors.As(err, &ioe) {
		return err
	}
	var pe *pgError
	if !errors.As(err, &pe) {
		pe = newError(codeInternalError, "%v", err)
	}
	if pe.ioErr != nil {
		return pe.ioErr
	}
	ss.skip = true
	return ss.sendError(pe)
}

// extended handles Parse, Bind, Describe, Execute and Close.
func (ss *session) extended(ctx context.Context, msg pgproto3.FrontendMessage) error {
	switch m := msg.(type) {
	case *pgproto3.Parse:
		return ss.parse(ctx, m)
	case *pgproto3.Bind:
		return ss.bind(ctx, m)
	case *pgproto3.Describe:
		return ss.describe(m)
	case *pgproto3.Execute:
		return ss.execute(ctx, m)
	case *pgproto3.Close:
		switch m.ObjectType {
		case 'S':
			if ps, ok := ss.stmts[m.Name]; ok {
				ps.close()
				delete(ss.stmts, m.Name)
			}
		case 'P':
			if p, ok := ss.portals[m.Name]; ok {
				p.close()
				delete(ss.portals, m.Name)
			}
		default:
			return newError(codeProtocolViolation, "invalid Close object type %q", m.ObjectType)
		}
		ss.be.Send(&pgproto3.CloseComplete{})
	}
	return nil
}

func (ss *session) parse(ctx context.Context, m *pgproto3.Parse) error {
	if e := ss.checkStatementSize(m.Query); e != nil {
		return e
	}
	if m.Name != "" {
		if _, dup := ss.stmts[m.Name]; dup {
			return newError(codeDuplicatePreparedStmt, "prepared statement %q already exists", m.Name)
		}
	} else if old, ok := ss.stmts[""]; ok {
		old.close()
		delete(ss.stmts, "")
	}
	if len(ss.stmts) >= maxPrepared {
		return newError(codeProgramLimit, "too many prepared statements (at most %d): close some", maxPrepared)
	}
	ss.log.Debug("parse", "pid", ss.pid, "name", m.Name, "sql", m.Query)
	ps := &prepared{name: m.Name}
	pieces := splitStatements(m.Query)
	switch len(pieces) {
	case 0:
	case 1:
		st, e := classifyStatement(pieces[0])
		if e != nil {
			return e
		}
		if ss.tx == txFailed && !allowedInFailedTx(st) {
			return errFailedTx()
		}
		ps.st = st
		if st.kind == kindQuery {
			st.sql, st.query = typeParams(st.sql, m.ParameterOIDs), typeParams(st.query, m.ParameterOIDs)
			qctx, done := ss.queryContext(ctx)
			d, cols, info, e := ss.prepareChecked(qctx, st.query, st.sql)
			done()
			if e != nil {
				return e
			}
			ps.d, ps.cols = d, cols
			n := d.numInput()
			ps.constant = info.constant && st.query == st.sql && n == 0
			ps.paramOIDs = make([]uint32, n)
			ps.untyped = make([]bool, n)
			for i := range n {
				if i < len(m.ParameterOIDs) && m.ParameterOIDs[i] != 0 && m.ParameterOIDs[i] != oidUnknown {
					ps.paramOIDs[i] = m.ParameterOIDs[i]
					continue
				}
				t := d.paramType(i + 1)
				if t == duckdb.TYPE_INVALID || t == duckdb.TYPE_ANY {
					ps.ambiguous, ps.untyped[i] = true, true
				}
				ps.paramOIDs[i] = oidOfParam(t)
			}
		}
	default:
		return newError(codeSyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	ss.stmts[m.Name] = ps
	ss.be.Send(&pgproto3.ParseComplete{})
	return nil
}

func (ss *session) bind(ctx context.Context, m *pgproto3.Bind) error {
	ps, ok := ss.stmts[m.PreparedStatement]
	if !ok {
		return newError(codeInvalidSQLStatementName, "prepared statement %q does not exist", m.PreparedStatement)
	}
	if m.DestinationPortal != "" {
		if _, dup := ss.portals[m.DestinationPortal]; dup {
			return newError(codeDuplicateCursor, "portal %q already exists", m.DestinationPortal)
		}
	} else if old, ok := ss.portals[""]; ok {
		old.close()
		delete(ss.portals, "")
	}
	if len(ss.portals) >= maxPortals {
		return newError(codeProgramLimit, "too many open portals (at most %d): close some", maxPortals)
	}
	if len(m.Parameters) != len(ps.paramOIDs) {
		return newError(codeProtocolViolation, "bind message supplies %d parameters, but prepared statement %q requires %d",
			len(m.Parameters), ps.name, len(ps.paramOIDs))
	}
	if len(m.ParameterFormatCodes) > 1 && len(m.ParameterFormatCodes) != len(m.Parameters) {
		return newError(codeProtocolViolation, "bind message has %d parameter formats but %d parameters",
			len(m.ParameterFormatCodes), len(m.Parameters))
	}
	args := make([]driver.NamedValue, len(m.Parameters))
	for i, raw := range m.Parameters {
		f := formatOf(m.ParameterFormatCodes, i)
		if f != 0 && f != 1 {
			return newError(codeProtocolViolation, "unsupported format code: %d", f)
		}
		var v any
		if ps.untyped[i] && f == 0 && raw != nil {
			v = guessParam(string(raw))
		} else {
			var err error
			if v, err = decodeParam(ss.types, ps.paramOIDs[i], f, raw); err != nil {
				return err
			}
		}
		args[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	p := &portal{
		name:    m.DestinationPortal,
		ps:      ps,
		args:    args,
		formats: append([]int16(nil), m.ResultFormatCodes...),
	}
	if ps.ambiguous {
		// The result's shape depends on the bound values: run now, as
		// PostgreSQL plans at Bind, and describe what came out.
		qctx, done := ss.queryContext(ctx)
		e := ss.startPortal(qctx, p)
		done()
		if e != nil {
			return e
		}
		if ps.described && !sameColumns(ps.cols, p.cols) {
			p.close()
			for i, u := range ps.untyped {
				if u {
					return newError(codeIndeterminateDatatype, "could not determine data type of parameter $%d: add a cast such as $%d::integer", i+1, i+1)
				}
			}
		}
	}
	if e := checkFormats(p.columns(), m.ResultFormatCodes); e != nil {
		p.close()
		return e
	}
	ss.portals[p.name] = p
	ss.be.Send(&pgproto3.BindComplete{})
	return nil
}

func (ss *session) describe(m *pgproto3.Describe) error {
	switch m.ObjectType {
	case 'S':
		ps, ok := ss.stmts[m.Name]
		if !ok {
			return newError(codeInvalidSQLStatementName, "prepared statement %q does not exist", m.Name)
		}
		ss.be.Send(&pgproto3.ParameterDescription{ParameterOIDs: ps.paramOIDs})
		ss.describeResult(ps, nil)
		ps.described = true
	case 'P':
		p, ok := ss.portals[m.Name]
		if !ok {
			return newError(codeInvalidCursorName, "portal %q does not exist", m.Name)
		}
		if p.cols != nil {
			ss.be.Send(rowDescription(p.cols, p.formats))
			return nil
		}
		ss.describeResult(p.ps, p.formats)
	default:
		return newError(codeProtocolViolation, "invalid Describe object type %q", m.ObjectType)
	}
	return nil
}

// describeResult sends the RowDescription of a statement's result, or
// NoData.
func (ss *session) describeResult(ps *prepared, formats []int16) {
	switch {
	case ps.st == nil:
		ss.be.Send(&pgproto3.NoData{})
	case ps.st.kind == kindQuery:
		ss.be.Send(rowDescription(ps.cols, formats))
	case ps.st.kind == kindShow:
		ss.be.Send(showDescription(ss.pgSettings()[ps.st.name][0]))
	case ps.st.kind == kindFetch && !ps.st.move:
		if c, ok := ss.cursors[ps.st.name]; ok {
			ss.be.Send(rowDescription(c.cols, c.formats()))
			return
		}
		ss.be.Send(&pgproto3.NoData{})
	default:
		ss.be.Send(&pgproto3.NoData{})
	}
}

func (ss *session) execute(ctx context.Context, m *pgproto3.Execute) error {
	p, ok := ss.portals[m.Portal]
	if !ok {
		return newError(codeInvalidCursorName, "portal %q does not exist", m.Portal)
	}
	ps := p.ps
	if ps.st == nil {
		ss.be.Send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	if ss.tx == txFailed && !allowedInFailedTx(ps.st) {
		return errFailedTx()
	}
	qctx, done := ss.queryContext(ctx)
	defer done()
	if ps.st.kind != kindQuery {
		if e := ss.execUtility(qctx, ps.st, false); e != nil {
			return e
		}
		return nil
	}
	if p.done {
		ss.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(commandTag(ps.st.sql, 0))})
		return nil
	}
	if p.rows == nil {
		if e := ss.startPortal(qctx, p); e != nil {
			return e
		}
	}
	n, more, err := ss.sendRows(qctx, p.rows, p.columns(), p.formats, int64(m.MaxRows))
	if err != nil {
		p.close()
		return ss.rowsError(qctx, err)
	}
	if more {
		ss.be.Send(&pgproto3.PortalSuspended{})
		return nil
	}
	p.close()
	p.done = true
	ss.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(commandTag(ps.st.sql, n))})
	return nil
}

// columns are the portal's result columns.
func (p *portal) columns() []column {
	if p.cols != nil {
		return p.cols
	}
	return p.ps.cols
}

// startPortal runs the portal's query, on the statement's DuckDB statement
// when it is free, else on a fresh one.
func (ss *session) startPortal(ctx context.Context, p *portal) *pgError {
	ps := p.ps
	if ps.kept != nil {
		p.rows = ps.kept.replay()
		return nil
	}
	if ps.busy || ps.d.closed {
		d, _, e := ss.prepareQuery(ctx, ps.st.query, ps.st.sql)
		if e != nil {
			return e
		}
		p.d, p.own = d, true
	} else {
		p.d, ps.busy = ps.d, true
	}
	rows, err := p.d.query(ctx, p.args)
	if err != nil {
		p.close()
		return toPGError(err, ctx.Err(), context.Cause(ctx))
	}
	if ps.constant {
		m, ok := keepRows(rows)
		p.d.closeRows()
		if ok {
			ps.kept = m
			p.rows = m.replay()
			return nil
		}
		ps.constant = false
		if rows, err = p.d.query(ctx, p.args); err != nil {
			p.close()
			return toPGError(err, ctx.Err(), context.Cause(ctx))
		}
	}
	p.rows = rows
	if ps.ambiguous {
		p.cols = columnsOf(rows)
	}
	return nil
}

// columnsOf describes an executed result from its own column types.
func columnsOf(rows driver.Rows) []column {
	if r, ok := rows.(*duckc.Rows); ok {
		cols := make([]column, len(r.Types()))
		for i, t := range r.Types() {
			cols[i] = column{name: r.Columns()[i], ct: colTypeOfNative(t)}
		}
		return cols
	}
	names := rows.Columns()
	cols := make([]column, len(names))
	tn, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	for i, n := range names {
		cols[i].name = n
		if tn != nil {
			cols[i].ct = colTypeFromName(tn.ColumnTypeDatabaseTypeName(i))
		} else {
			cols[i].ct = colTypeFromName("")
		}
	}
	return cols
}

// sameColumns reports whether two result descriptions agree on types.
func sameColumns(a, b []column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ct.oid != b[i].ct.oid {
			return false
		}
	}
	return true
}
