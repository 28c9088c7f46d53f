package pgwire

import (
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"tapdb/internal/duckc"
)

// column describes one result column.
type column struct {
	name string
	ct   colType
}

// dstmt is a prepared statement of the session's DuckDB connection. It is
// prepared through DuckDB's C API (n), whose results stream, unless a
// result column has a type duckc cannot decode; then through duckdb-go (s),
// whose results are materialised inside DuckDB. duckdb-go's statement
// panics on Close with open rows or on a double Close.
type dstmt struct {
	ss     *session
	n      *duckc.Stmt
	s      *duckdb.Stmt
	rows   driver.Rows
	closed bool
}

// query runs the statement, closing its previous result first.
func (d *dstmt) query(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	d.closeRows()
	d.ss.settle(ctx)
	if d.n != nil {
		r, err := d.n.Query(ctx, args)
		if err != nil {
			return nil, err
		}
		d.rows = r
		d.ss.stream = r
		return r, nil
	}
	r, err := d.s.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	d.rows = r
	return r, nil
}

// numInput is the number of parameters.
func (d *dstmt) numInput() int {
	if d.n != nil {
		return d.n.NumInput()
	}
	return d.s.NumInput()
}

// paramType is the type DuckDB inferred for parameter i (1-based).
func (d *dstmt) paramType(i int) duckdb.Type {
	if d.n != nil {
		return d.n.ParamType(i)
	}
	t, err := d.s.ParamType(i)
	if err != nil {
		return duckdb.TYPE_INVALID
	}
	return t
}

func (d *dstmt) closeRows() {
	if d.rows != nil {
		d.rows.Close()
		d.rows = nil
	}
}

func (d *dstmt) close() {
	if d == nil || d.closed {
		return
	}
	d.closeRows()
	d.closed = true
	if d.n != nil {
		d.n.Close()
	} else {
		d.s.Close()
	}
}

// setRowsContext has a streaming result's later fetches interrupted by ctx
// (the statement now reading it), not by the one that started it.
func setRowsContext(rows driver.Rows, ctx context.Context) {
	if r, ok := rows.(*duckc.Rows); ok {
		r.SetContext(ctx)
	}
}

// prepareQuery checks a query against the read-only policy and prepares it.
// check is the text the policy inspects (the inner query of EXPLAIN), sql
// the text DuckDB prepares.
func (ss *session) prepareQuery(ctx context.Context, check, sql string) (*dstmt, []column, *pgError) {
	d, cols, _, e := ss.prepareChecked(ctx, check, sql)
	return d, cols, e
}

// prepareChecked is prepareQuery that also returns what the check learned.
func (ss *session) prepareChecked(ctx context.Context, check, sql string) (*dstmt, []column, *checkInfo, *pgError) {
	info, e := ss.checkQueryCached(ctx, check)
	if e != nil {
		return nil, nil, nil, e
	}
	if strings.Contains(sql, "tapdb_") {
		// The catalog rewrite (or the client) refers to the session's
		// tapdb_* macros and views.
		ss.installCatalog(ctx)
	}
	if len(info.truncs) > 0 && check == sql && ss.sessionIsUTC(ctx) {
		fast := applyTruncs(sql, info.truncs)
		d, cols, e := ss.prepareText(ctx, fast)
		if e == nil {
			ss.log.Debug("date_trunc computed in UTC", "pid", ss.pid, "sql", fast)
			info.rename(cols)
			return d, cols, info, nil
		}
		// Never expected; the statement as sent is the reference.
		ss.log.Warn("date_trunc rewrite failed", "pid", ss.pid, "sql", sql, "err", e.Message)
	}
	d, cols, e := ss.prepareText(ctx, sql)
	if e == nil && check == sql {
		info.rename(cols)
	}
	return d, cols, info, e
}

// prepareText prepares a checked query text and describes its result.
// The C API's Prepare, like the driver's, refuses a string holding more
// than one statement instead of running all but the last.
func (ss *session) prepareText(ctx context.Context, sql string) (*dstmt, []column, *pgError) {
	if ss.native == nil {
		return ss.prepareDriver(ctx, sql)
	}
	ss.settle(ctx)
	n, err := ss.native.Prepare(sql)
	if err != nil {
		return nil, nil, withPosition(toPGError(err, ctx.Err(), context.Cause(ctx)), err, sql)
	}
	if !n.Decodable() && resolved(n.Columns()) {
		// Columns of types PostgreSQL has no counterpart for (MAP, UNION,
		// BIT, TIMETZ, BIGNUM, or nested types holding them) are sent as
		// text: DuckDB renders them. (A column whose type depends on an
		// untyped parameter is known only after Bind.)
		text := asTextColumns(sql, n.Columns())
		n.Close()
		if n, err = ss.native.Prepare(text); err != nil {
			return nil, nil, toPGError(err, ctx.Err(), context.Cause(ctx))
		}
		if !n.Decodable() {
			n.Close()
			return nil, nil, newError(codeFeatureNotSupported, "a result column's type cannot be sent")
		}
		ss.log.Debug("columns sent as DuckDB's text", "pid", ss.pid, "sql", text)
	}
	d := &dstmt{ss: ss, n: n}
	if e := checkStatementType(n.StatementType()); e != nil {
		d.close()
		return nil, nil, e
	}
	cols := make([]column, len(n.Columns()))
	for i, c := range n.Columns() {
		cols[i] = column{name: c.Name, ct: colTypeOfNative(c.Type)}
	}
	return d, cols, nil
}

// resolved reports whether every column's type is known before execution.
func resolved(cols []duckc.Column) bool {
	for _, c := range cols {
		if c.Type.ID == duckdb.TYPE_INVALID || c.Type.ID == duckdb.TYPE_ANY {
			return false
		}
	}
	return true
}

// asTextColumns wraps a query so that its columns of types duckc cannot
// decode come out as DuckDB's text for them. Columns are referred to by
// position (#n), so duplicate or odd names do not matter, and keep their
// names.
func asTextColumns(sql string, cols []duckc.Column) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		ref := "#" + strconv.Itoa(i+1)
		if !c.Type.Decodable() {
			ref = "CAST(" + ref + " AS VARCHAR)"
		}
		b.WriteString(ref + " AS " + quoteIdent(c.Name))
	}
	b.WriteString(" FROM (" + sql + "\n) AS tapdb_text")
	return b.String()
}

// prepareDriver prepares a query through duckdb-go, for a session whose
// connection duckc could not reach.
func (ss *session) prepareDriver(ctx context.Context, sql string) (*dstmt, []column, *pgError) {
	s, err := ss.driver(ctx).Prepare(sql)
	if err != nil {
		return nil, nil, withPosition(toPGError(err, ctx.Err(), context.Cause(ctx)), err, sql)
	}
	ds, ok := s.(*duckdb.Stmt)
	if !ok {
		s.Close()
		return nil, nil, newError(codeInternalError, "driver statement is %T", s)
	}
	d := &dstmt{ss: ss, s: ds}
	t, err := ds.StatementType()
	if err != nil {
		d.close()
		return nil, nil, toPGError(err, nil, nil)
	}
	if e := checkStatementType(t); e != nil {
		d.close()
		return nil, nil, e
	}
	n, err := ds.ColumnCount()
	if err != nil {
		d.close()
		return nil, nil, toPGError(err, nil, nil)
	}
	cols := make([]column, n)
	for i := range cols {
		name, _ := ds.ColumnName(i)
		ti, _ := ds.ColumnTypeInfo(i)
		cols[i] = column{name: name, ct: colTypeOf(ti)}
	}
	return d, cols, nil
}

// checkStatementType lets only queries run.
func checkStatementType(t duckdb.StmtType) *pgError {
	switch t {
	case duckdb.STATEMENT_TYPE_SELECT, duckdb.STATEMENT_TYPE_EXPLAIN:
		return nil
	}
	return errPermission("only queries may run")
}

// rowDescription builds a RowDescription; formats follow Bind's rules (none:
// all text, one: for all, else one per column).
func rowDescription(cols []column, formats []int16) *pgproto3.RowDescription {
	rd := &pgproto3.RowDescription{Fields: make([]pgproto3.FieldDescription, len(cols))}
	for i, c := range cols {
		rd.Fields[i] = pgproto3.FieldDescription{
			Name:         []byte(c.name),
			DataTypeOID:  c.ct.oid,
			DataTypeSize: c.ct.size,
			TypeModifier: c.ct.mod,
			Format:       formatOf(formats, i),
		}
	}
	return rd
}

func formatOf(formats []int16, i int) int16 {
	switch len(formats) {
	case 0:
		return pgtype.TextFormatCode
	case 1:
		return formats[0]
	}
	if i < len(formats) {
		return formats[i]
	}
	return pgtype.TextFormatCode
}

// checkFormats validates result format codes against the columns.
func checkFormats(cols []column, formats []int16) *pgError {
	if len(formats) > 1 && len(formats) != len(cols) {
		return newError(codeProtocolViolation, "bind message has %d result formats but query has %d columns", len(formats), len(cols))
	}
	for i, c := range cols {
		switch f := formatOf(formats, i); f {
		case pgtype.TextFormatCode:
		case pgtype.BinaryFormatCode:
			if !binaryCapable(c.ct.oid) && c.ct.oid != oidText {
				return newError(codeFeatureNotSupported, "binary format is not supported for column %q", c.name)
			}
		default:
			return newError(codeProtocolViolation, "unsupported format code: %d", f)
		}
	}
	return nil
}

// sendRows reads up to limit rows (0: all) and sends them as DataRows. It
// reports the rows sent and whether the result has more.
func (ss *session) sendRows(ctx context.Context, rows driver.Rows, cols []column, formats []int16, limit int64) (int64, bool, error) {
	if n := len(rows.Columns()); n != len(cols) {
		return 0, false, newError(codeFeatureNotSupported, "result has %d columns but %d were described: give the parameters' types", n, len(cols))
	}
	setRowsContext(rows, ctx)
	cells := ss.cellsOf(rows, cols, formats)
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
		if err := cells.next(); err != nil {
			if errors.Is(err, io.EOF) {
				return n, false, nil
			}
			return n, false, err
		}
		buf := ss.rowBuf[:0]
		for i := range cols {
			if cells.null(i) {
				spans[i] = [2]int{-1, -1}
				continue
			}
			start := len(buf)
			var err error
			if buf, err = cells.encode(buf, i); err != nil {
				ss.rowBuf = buf[:0]
				return n, false, err
			}
			if err := ss.checkRowSize(len(buf)); err != nil {
				ss.rowBuf = nil // do not keep a huge buffer
				return n, false, err
			}
			spans[i] = [2]int{start, len(buf)}
		}
		// Slice only after the last append: buf may have moved.
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

// commandTag is the CommandComplete tag of a query that sent n rows.
func commandTag(sql string, n int64) string {
	toks := tokenize(sql)
	if len(toks) > 0 && toks[0].kind == tokWord {
		switch toks[0].text {
		case "explain":
			return "EXPLAIN"
		case "show":
			return "SHOW"
		}
	}
	return "SELECT " + strconv.FormatInt(n, 10)
}

// beginTransaction, commit and rollback keep the protocol's transaction
// state and DuckDB's in step.
func (ss *session) transaction(ctx context.Context, st *stmt, tag *string) *pgError {
	switch st.kind {
	case kindBegin:
		if ss.tx != txIdle {
			ss.notice(codeActiveTransaction, "there is already a transaction in progress")
			return nil
		}
		// The session's catalog objects are temporary and DuckDB drops
		// those a transaction created when it rolls back, with them the
		// statements prepared on them: make them before any transaction.
		ss.installCatalog(ctx)
		if _, err := ss.driver(ctx).ExecContext(ctx, "BEGIN TRANSACTION", nil); err != nil {
			return toPGError(err, ctx.Err(), context.Cause(ctx))
		}
		ss.tx = txActive
	case kindCommit, kindRollback:
		if ss.tx == txIdle {
			ss.notice(codeNoActiveTransaction, "there is no transaction in progress")
			return nil
		}
		verb := "COMMIT"
		if st.kind == kindRollback || ss.tx == txFailed {
			verb = "ROLLBACK"
			*tag = "ROLLBACK"
		}
		if e := ss.endTransaction(ctx, verb); e != nil {
			return e
		}
	}
	return nil
}

// endTransaction commits or rolls back DuckDB's transaction and closes the
// portals and cursors that lived in it.
func (ss *session) endTransaction(ctx context.Context, verb string) *pgError {
	ss.closePortals()
	ss.closeCursors()
	ss.tx = txIdle
	if _, err := ss.driver(ctx).ExecContext(ctx, verb, nil); err != nil {
		// DuckDB may already have ended a transaction it aborted.
		if verb == "ROLLBACK" {
			return nil
		}
		return toPGError(err, ctx.Err(), context.Cause(ctx))
	}
	return nil
}

// pgSettings are the settings SHOW answers, by lower-case name.
func (ss *session) pgSettings() map[string][2]string {
	m := map[string][2]string{}
	for _, p := range ss.parameterStatus() {
		m[strings.ToLower(p[0])] = p
	}
	extra := [][2]string{
		{"transaction_isolation", "read committed"},
		{"transaction isolation level", "read committed"},
		{"default_transaction_isolation", "read committed"},
		{"transaction_read_only", "on"},
		{"max_identifier_length", "63"},
		{"server_version_num", "150000"},
		{"search_path", `"$user", main`},
		{"lc_collate", "C"},
		{"lc_ctype", "C"},
		{"statement_timeout", formatPGDuration(ss.stmtTimeout)},
		{"block_size", "8192"},
		{"bytea_output", "hex"},
		{"extra_float_digits", "1"},
		{"time zone", "UTC"},
		// pgjdbc's getImportedKeys and getExportedKeys read it.
		{"max_index_keys", "32"},
	}
	for _, p := range extra {
		m[p[0]] = p
	}
	return m
}

// isPGSetting reports whether SHOW name is answered by the server rather
// than by DuckDB (whose SHOW lists a table).
func isPGSetting(name string) bool {
	switch name {
	case "application_name", "client_encoding", "datestyle", "default_transaction_read_only",
		"in_hot_standby", "integer_datetimes", "intervalstyle", "is_superuser", "server_encoding",
		"server_version", "session_authorization", "standard_conforming_strings", "timezone",
		"transaction_isolation", "transaction isolation level", "default_transaction_isolation",
		"transaction_read_only", "max_identifier_length", "server_version_num", "search_path",
		"lc_collate", "lc_ctype", "statement_timeout", "block_size", "bytea_output",
		"extra_float_digits", "time zone", "max_index_keys":
		return true
	}
	return false
}

// execUtility runs a statement the server answers itself. describe says
// whether to send the RowDescription of a row-returning statement (the
// simple protocol; the extended one sends it on Describe).
func (ss *session) execUtility(ctx context.Context, st *stmt, describe bool) *pgError {
	tag := st.tag
	switch st.kind {
	case kindBegin, kindCommit, kindRollback:
		if e := ss.transaction(ctx, st, &tag); e != nil {
			return e
		}
	case kindSet:
		if st.name == "client_encoding" || st.name == "names" {
			switch strings.ToLower(strings.Trim(st.value, `'"`)) {
			case "utf8", "utf-8", "unicode", "default", "":
			default:
				return newError(codeFeatureNotSupported, "client encoding %q is not supported: tapdb speaks UTF8", st.value)
			}
		}
		if st.name == "statement_timeout" {
			d, err := parsePGDuration(strings.Trim(st.value, `'"`))
			if err != nil {
				return newError(codeInvalidParameterValue, "invalid value for parameter \"statement_timeout\": %q", st.value)
			}
			ss.stmtTimeout = d
		}
		if st.name == "application_name" {
			v := strings.Trim(st.value, `'"`)
			ss.params["application_name"] = v
			ss.be.Send(&pgproto3.ParameterStatus{Name: "application_name", Value: v})
		}
	case kindReset, kindDiscard:
		if st.name == "statement_timeout" || st.name == "all" || st.kind == kindDiscard {
			ss.stmtTimeout = 0
		}
		if st.kind == kindDiscard {
			ss.closePortals()
			ss.closeCursors()
			ss.clearSimpleCache()
			for name, ps := range ss.stmts {
				if name != "" {
					ps.close()
					delete(ss.stmts, name)
				}
			}
		}
	case kindShow:
		p := ss.pgSettings()[st.name]
		if describe {
			ss.be.Send(showDescription(p[0]))
		}
		ss.be.Send(&pgproto3.DataRow{Values: [][]byte{[]byte(p[1])}})
	case kindDeallocate:
		if st.name == "" {
			for name, ps := range ss.stmts {
				ps.close()
				delete(ss.stmts, name)
			}
		} else {
			ps, ok := ss.stmts[st.name]
			if !ok {
				return newError(codeInvalidSQLStatementName, "prepared statement %q does not exist", st.name)
			}
			ps.close()
			delete(ss.stmts, st.name)
		}
	case kindDeclare:
		return ss.declare(ctx, st)
	case kindFetch:
		return ss.fetch(ctx, st, describe)
	case kindCloseCursor:
		if st.name == "" {
			ss.closeCursors()
		} else {
			c, ok := ss.cursors[st.name]
			if !ok {
				return newError(codeInvalidCursorName, "cursor %q does not exist", st.name)
			}
			c.close()
			delete(ss.cursors, st.name)
		}
	case kindCopyOut:
		var e *pgError
		if tag, e = ss.copyOut(ctx, st); e != nil {
			return e
		}
	}
	if tag != "" {
		ss.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	}
	return nil
}

func showDescription(name string) *pgproto3.RowDescription {
	return &pgproto3.RowDescription{Fields: []pgproto3.FieldDescription{{
		Name: []byte(name), DataTypeOID: oidText, DataTypeSize: -1, TypeModifier: -1,
	}}}
}

// allowedInFailedTx reports whether a statement may run in a failed
// transaction block.
func allowedInFailedTx(st *stmt) bool {
	return st.kind == kindCommit || st.kind == kindRollback
}

func errFailedTx() *pgError {
	return newError(codeInFailedTransaction, "current transaction is aborted, commands ignored until end of transaction block")
}

// parsePGDuration parses a statement_timeout value: milliseconds, or a
// number with a unit (us, ms, s, min, h, d); "default" and 0 mean none.
func parsePGDuration(v string) (time.Duration, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "default" || v == "" {
		return 0, nil
	}
	num := strings.TrimRightFunc(v, func(r rune) bool { return r >= 'a' && r <= 'z' || r == ' ' })
	unit := strings.TrimSpace(v[len(num):])
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad duration %q", v)
	}
	scale := map[string]time.Duration{"": time.Millisecond, "us": time.Microsecond, "ms": time.Millisecond,
		"s": time.Second, "min": time.Minute, "h": time.Hour, "d": 24 * time.Hour}
	u, ok := scale[unit]
	if !ok {
		return 0, fmt.Errorf("bad duration unit %q", unit)
	}
	return time.Duration(n * float64(u)), nil
}

// formatPGDuration prints a statement_timeout as SHOW does.
func formatPGDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	default:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	}
}

// Constant results.
//
// A SELECT of literals alone (checkInfo.constant: "select 1", the health
// check of pools and load balancers) has the same result every time, so the
// first execution's rows are kept with the prepared statement and later
// executions send them without a DuckDB round trip (~45 µs, most of such a
// query's time). The statement is still classified every time (the cache
// of the check is keyed by its text) and its result still described and
// encoded per request.

// maxConstRows bounds a kept constant result.
const maxConstRows = 16

// memRows is a kept result as driver.Rows.
type memRows struct {
	names []string
	rows  [][]driver.Value
	i     int
}

func (m *memRows) Columns() []string { return m.names }
func (m *memRows) Close() error      { return nil }

func (m *memRows) Next(dest []driver.Value) error {
	if m.i >= len(m.rows) {
		return io.EOF
	}
	copy(dest, m.rows[m.i])
	m.i++
	return nil
}

// keepRows reads a small result completely into memory; ok is false when
// it has more than maxConstRows rows or fails (the caller then runs the
// query again the ordinary way).
func keepRows(rows driver.Rows) (*memRows, bool) {
	names := rows.Columns()
	m := &memRows{names: names}
	for {
		dest := make([]driver.Value, len(names))
		if err := rows.Next(dest); err != nil {
			return m, errors.Is(err, io.EOF)
		}
		if len(m.rows) == maxConstRows {
			return nil, false
		}
		for i, v := range dest {
			if b, ok := v.([]byte); ok {
				dest[i] = bytes.Clone(b)
			}
		}
		m.rows = append(m.rows, dest)
	}
}

// replay returns a fresh reader of a kept result.
func (m *memRows) replay() *memRows {
	return &memRows{names: m.names, rows: m.rows}
}
