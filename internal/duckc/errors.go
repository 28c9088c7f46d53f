package duckc

import (
	"errors"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// errorOf makes a DuckDB error message into the driver's error type, so
// callers classify errors from both paths alike. DuckDB starts a message
// with "<type> Error: ".
func errorOf(msg string) *duckdb.Error {
	t := duckdb.ErrorTypeInvalid
	if prefix, _, ok := strings.Cut(msg, ": "); ok {
		if pt, ok := errorTypes[prefix]; ok {
			t = pt
		}
	}
	return &duckdb.Error{Type: t, Msg: msg}
}

// errorTypes are DuckDB's exception names (ExceptionTypeToString) with
// the driver's error types.
var errorTypes = map[string]duckdb.ErrorType{
	"Out of Range Error":           duckdb.ErrorTypeOutOfRange,
	"Conversion Error":             duckdb.ErrorTypeConversion,
	"Decimal Error":                duckdb.ErrorTypeDecimal,
	"Mismatch Type Error":          duckdb.ErrorTypeMismatchType,
	"Divide by Zero Error":         duckdb.ErrorTypeDivideByZero,
	"Object Size Error":            duckdb.ErrorTypeObjectSize,
	"Invalid type Error":           duckdb.ErrorTypeInvalidType,
	"Serialization Error":          duckdb.ErrorTypeSerialization,
	"TransactionContext Error":     duckdb.ErrorTypeTransaction,
	"Not implemented Error":        duckdb.ErrorTypeNotImplemented,
	"Expression Error":             duckdb.ErrorTypeExpression,
	"Catalog Error":                duckdb.ErrorTypeCatalog,
	"Parser Error":                 duckdb.ErrorTypeParser,
	"Planner Error":                duckdb.ErrorTypePlanner,
	"Scheduler Error":              duckdb.ErrorTypeScheduler,
	"Executor Error":               duckdb.ErrorTypeExecutor,
	"Constraint Error":             duckdb.ErrorTypeConstraint,
	"Index Error":                  duckdb.ErrorTypeIndex,
	"Stat Error":                   duckdb.ErrorTypeStat,
	"Connection Error":             duckdb.ErrorTypeConnection,
	"Syntax Error":                 duckdb.ErrorTypeSyntax,
	"Settings Error":               duckdb.ErrorTypeSettings,
	"Binder Error":                 duckdb.ErrorTypeBinder,
	"Network Error":                duckdb.ErrorTypeNetwork,
	"Optimizer Error":              duckdb.ErrorTypeOptimizer,
	"NullPointer Error":            duckdb.ErrorTypeNullPointer,
	"IO Error":                     duckdb.ErrorTypeIO,
	"INTERRUPT Error":              duckdb.ErrorTypeInterrupt,
	"FATAL Error":                  duckdb.ErrorTypeFatal,
	"INTERNAL Error":               duckdb.ErrorTypeInternal,
	"Invalid Input Error":          duckdb.ErrorTypeInvalidInput,
	"Out of Memory Error":          duckdb.ErrorTypeOutOfMemory,
	"Permission Error":             duckdb.ErrorTypePermission,
	"Parameter Not Resolved Error": duckdb.ErrorTypeParameterNotResolved,
	"Parameter Not Allowed Error":  duckdb.ErrorTypeParameterNotAllowed,
	"Dependency Error":             duckdb.ErrorTypeDependency,
	"Sequence Error":               duckdb.ErrorTypeSequence,
	"Invalid Configuration Error":  duckdb.ErrorTypeInvalidConfiguration,
}

// IsFatal reports whether err is a fatal DuckDB error: one after which the
// database instance is invalidated and refuses every statement until the
// store is reopened.
func IsFatal(err error) bool {
	if err == nil {
		return false
	}
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypeFatal {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "FATAL Error") || strings.Contains(msg, "database has been invalidated")
}
