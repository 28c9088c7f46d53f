package schema

import "strings"

// QuoteIdent is name as a double-quoted SQL identifier, for the DDL and
// queries built from the column table.
func QuoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// QuoteLiteral is s as a single-quoted SQL string literal, for the few
// statements that cannot take parameters (SET, COPY … TO, ATTACH).
func QuoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
