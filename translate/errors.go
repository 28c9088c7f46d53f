package translate

import (
	"errors"
	"fmt"

	"github.com/alecthomas/participle/v2"
)

// Error is a filter that cannot be parsed or translated. Column is the
// 1-based column of the offending word in the filter text (words joined by
// single spaces), 0 when the whole filter is at fault.
type Error struct {
	Column int
	Word   string
	Msg    string // the message without the "filter: " prefix
}

func (e *Error) Error() string { return "filter: " + e.Msg }

// wordError is an error about one word: "<what> 'word' at column N<tail>".
func wordError(w word, what, tail string) *Error {
	return &Error{Column: w.col, Word: w.text,
		Msg: fmt.Sprintf("%s '%s' at column %d%s", what, w.text, w.col, tail)}
}

// syntaxError turns a participle error into an Error naming the column.
func syntaxError(err error, text string) error {
	var pe participle.Error
	if !errors.As(err, &pe) {
		return &Error{Msg: "syntax error: " + err.Error()}
	}
	pos := pe.Position()
	col := pos.Column
	if pos.Offset >= len(text) {
		return &Error{Column: col, Msg: fmt.Sprintf("filter ends too early at column %d", col)}
	}
	near := text[pos.Offset:]
	for i, r := range near {
		if r == ' ' {
			near = near[:i]
			break
		}
	}
	return &Error{Column: col, Word: near,
		Msg: fmt.Sprintf("syntax error at column %d near '%s'", col, near)}
}
