package pgwire

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgproto3"

	"tapdb/internal/duckc"
)

// SQLSTATE codes the server sends.
const (
	codeNoActiveTransaction     = "25P01"
	codeActiveTransaction       = "25001"
	codeInFailedTransaction     = "25P02"
	codeProtocolViolation       = "08P01"
	codeFeatureNotSupported     = "0A000"
	codeSyntaxError             = "42601"
	codeUndefinedTable          = "42P01"
	codeUndefinedColumn         = "42703"
	codeUndefinedFunction       = "42883"
	codeDuplicateCursor         = "42P03"
	codeDuplicatePreparedStmt   = "42P05"
	codeInvalidCursorName       = "34000"
	codeInvalidSQLStatementName = "26000"
	codeInsufficientPrivilege   = "42501"
	codeInvalidPassword         = "28P01"
	codeInvalidAuthorization    = "28000"
	codeTooManyConnections      = "53300"
	codeOutOfMemory             = "53200"
	codeProgramLimit            = "54000"
	codeIndeterminateDatatype   = "42P18"
	codeQueryCanceled           = "57014"
	codeAdminShutdown           = "57P01"
	codeIdleSessionTimeout      = "57P05"
	codeDivisionByZero          = "22012"
	codeNumericOutOfRange       = "22003"
	codeInvalidTextRep          = "22P02"
	codeInvalidParameterValue   = "22023"
	codeInvalidBinaryRep        = "22P03"
	codeInternalError           = "XX000"
	codeUndefinedParameter      = "42704"
	codeDatatypeMismatch        = "42804"
	codeConnectionFailure       = "08006"
	codeInvalidTransactionState = "25000"
)

// pgError is an error with the fields of an ErrorResponse.
type pgError struct {
	Severity string // ERROR or FATAL
	Code     string
	Message  string
	Detail   string
	Hint     string
	Position int32 // 1-based character position in the query, 0 if none
	ioErr    error // set when the client connection failed: not sent
}

func (e *pgError) Error() string { return e.Severity + ": " + e.Message + " (SQLSTATE " + e.Code + ")" }

func newError(code, format string, args ...any) *pgError {
	return &pgError{Severity: "ERROR", Code: code, Message: fmt.Sprintf(format, args...)}
}

func newFatal(code, format string, args ...any) *pgError {
	return &pgError{Severity: "FATAL", Code: code, Message: fmt.Sprintf(format, args...)}
}

// errPermission is the error of a statement the read-only policy refuses.
func errPermission(what string) *pgError {
	return newError(codeInsufficientPrivilege, "permission denied: %s (tapdb is read-only)", what)
}

// response turns the error into its wire message.
func (e *pgError) response() *pgproto3.ErrorResponse {
	return &pgproto3.ErrorResponse{
		Severity:            e.Severity,
		SeverityUnlocalized: e.Severity,
		Code:                e.Code,
		Message:             e.Message,
		Detail:              e.Detail,
		Hint:                e.Hint,
		Position:            e.Position,
	}
}

// reLine matches the "LINE 1: …" excerpt DuckDB appends to messages.
var reLine = regexp.MustCompile(`\n\s*LINE \d+:(?s:.*)$`)

// toPGError maps any error from executing a query to a pgError. ctxErr is
// the query context's error, which tells a cancel from a timeout.
func toPGError(err error, ctxErr error, cause error) *pgError {
	var pe *pgError
	if errors.As(err, &pe) {
		return pe
	}
	if ctxErr != nil {
		if errors.Is(cause, errTimeout) || errors.Is(ctxErr, context.DeadlineExceeded) {
			return newError(codeQueryCanceled, "canceling statement due to statement timeout")
		}
		if errors.Is(cause, errShutdown) {
			return newFatal(codeAdminShutdown, "terminating connection due to administrator command")
		}
		return newError(codeQueryCanceled, "canceling statement due to user request")
	}
	var le *duckc.BufferLimitError
	if errors.As(err, &le) {
		return &pgError{Severity: "ERROR", Code: codeOutOfMemory,
			Message: "out of memory: " + le.Error(),
			Detail:  "A portal or cursor was left open while the session ran another statement, so the rest of its result had to be kept.",
			Hint:    "Read the result before running other statements, or raise conn-memory-limit."}
	}
	var de *duckdb.Error
	if !errors.As(err, &de) {
		if errors.Is(err, context.Canceled) {
			return newError(codeQueryCanceled, "canceling statement due to user request")
		}
		return newError(codeInternalError, "%s", err.Error())
	}
	msg := de.Msg
	// DuckDB prefixes "<Type> Error: "; PostgreSQL does not.
	if _, rest, ok := strings.Cut(msg, "Error: "); ok && strings.Index(msg, "Error: ") < 40 {
		msg = rest
	}
	msg = reLine.ReplaceAllString(msg, "")
	msg = strings.TrimSpace(msg)
	// DuckDB's suggestions ("Did you mean …", "Candidate bindings …")
	// follow the first line; PostgreSQL puts such text in the hint.
	var hint string
	if first, rest, ok := strings.Cut(msg, "\n"); ok {
		msg, hint = strings.TrimSpace(first), strings.TrimSpace(rest)
	}
	e := &pgError{Severity: "ERROR", Code: codeInternalError, Message: msg, Hint: hint}
	switch de.Type {
	case duckdb.ErrorTypeParser, duckdb.ErrorTypeSyntax:
		e.Code = codeSyntaxError
	case duckdb.ErrorTypeCatalog:
		switch {
		case strings.Contains(msg, "Table") || strings.Contains(msg, "table") || strings.Contains(msg, "View"):
			e.Code = codeUndefinedTable
		case strings.Contains(msg, "unction") || strings.Contains(msg, "Macro"):
			e.Code = codeUndefinedFunction
		default:
			e.Code = codeUndefinedTable
		}
	case duckdb.ErrorTypeBinder:
		switch {
		case strings.Contains(msg, "not found in FROM clause") || strings.Contains(msg, "Referenced column") ||
			strings.Contains(msg, "column") && strings.Contains(msg, "not found"):
			e.Code = codeUndefinedColumn
		case strings.Contains(msg, "No function matches"):
			e.Code = codeUndefinedFunction
		default:
			e.Code = codeSyntaxError
		}
	case duckdb.ErrorTypeInterrupt:
		e.Code = codeQueryCanceled
	case duckdb.ErrorTypePermission:
		e.Code = codeInsufficientPrivilege
	case duckdb.ErrorTypeConversion, duckdb.ErrorTypeInvalidInput:
		e.Code = codeInvalidTextRep
	case duckdb.ErrorTypeOutOfRange:
		e.Code = codeNumericOutOfRange
	case duckdb.ErrorTypeDivideByZero:
		e.Code = codeDivisionByZero
	case duckdb.ErrorTypeOutOfMemory:
		e.Code = codeOutOfMemory
		// DuckDB's hint suggests settings query users cannot change.
		e.Hint = "The server's memory limit holds for all queries together: ask for less (fewer groups, shorter values), or ask the operator to raise memory-limit."
	case duckdb.ErrorTypeNotImplemented:
		e.Code = codeFeatureNotSupported
	case duckdb.ErrorTypeTransaction:
		e.Code = codeInvalidTransactionState
	case duckdb.ErrorTypeMismatchType, duckdb.ErrorTypeInvalidType:
		e.Code = codeDatatypeMismatch
	case duckdb.ErrorTypeParameterNotResolved, duckdb.ErrorTypeParameterNotAllowed:
		e.Code = codeUndefinedParameter
	}
	return e
}

// positionOf finds the 1-based character position DuckDB reports in the
// JSON error of json_serialize_sql ("position": "12"), or 0.
func positionOf(s string) int32 {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1<<30 {
		return 0
	}
	return int32(n + 1)
}
