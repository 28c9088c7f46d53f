package pgwire

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// reExcerpt matches the excerpt DuckDB appends to an error: the line
// number, the line (possibly cut, with "..."), and the caret under the
// offending token.
var reExcerpt = regexp.MustCompile(`LINE (\d+): (.*)\n( *)\^`)

// withPosition sets e.Position from the excerpt in err's DuckDB message, as
// the 1-based character offset into query, when it can be located.
func withPosition(e *pgError, err error, query string) *pgError {
	var de *duckdb.Error
	if e == nil || e.Position != 0 || !errors.As(err, &de) {
		return e
	}
	if p := excerptPosition(de.Msg, query); p > 0 {
		e.Position = int32(p)
	}
	return e
}

// excerptPosition locates DuckDB's caret in query; 0 if it cannot.
func excerptPosition(msg, query string) int {
	m := reExcerpt.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	line, err := strconv.Atoi(m[1])
	if err != nil || line < 1 {
		return 0
	}
	excerpt := m[2]
	col := len(m[3]) - len("LINE : ") - len(m[1]) // byte offset of the caret in excerpt
	if col < 0 || col > len(excerpt) {
		return 0
	}
	lines := strings.SplitAfter(query, "\n")
	if line > len(lines) {
		return 0
	}
	start := 0
	for _, l := range lines[:line-1] {
		start += len(l)
	}
	text := strings.TrimRight(lines[line-1], "\n")
	// A long line is cut: "...middle...". Find the kept part in the line.
	shown := strings.TrimPrefix(excerpt, "...")
	cut := len(excerpt) - len(shown)
	shown = strings.TrimSuffix(shown, "...")
	at := strings.Index(text, shown)
	if at < 0 {
		return 0
	}
	off := start + at + col - cut
	if off < 0 || off > len(query) {
		return 0
	}
	return utf8.RuneCountInString(query[:off]) + 1
}
