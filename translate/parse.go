package translate

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxFilterLen bounds the filter text; longer input is refused before
// parsing so that a hostile filter cannot make the parser work for long.
const maxFilterLen = 8 << 10

// Parse parses an Argus 3 filter expression into its tree. A leading
// "local" (Argus's remote-filtering hint) is accepted and ignored. An empty
// filter is an error; callers with no filter words use ParseArgs, which
// returns a nil *Expr (matching everything) for no words.
func Parse(filter string) (*Expr, error) {
	if len(filter) > maxFilterLen {
		return nil, &Error{Msg: "filter is too long"}
	}
	if !utf8.ValidString(filter) {
		return nil, &Error{Msg: "filter is not valid UTF-8"}
	}
	text := filter
	if rest, ok := strings.CutPrefix(strings.TrimLeft(text, " \t"), "local"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
		// blank the word out so that columns still point into the text
		i := strings.Index(text, "local")
		text = text[:i] + "     " + text[i+5:]
	}
	if strings.TrimSpace(text) == "" {
		return nil, &Error{Msg: "empty filter"}
	}
	g, err := filterParser.ParseString("", text)
	if err != nil {
		return nil, syntaxError(err, text)
	}
	var r resolver
	root, err := r.expr(g, false)
	if err != nil {
		return nil, err
	}
	if depth(root) > maxDepth {
		return nil, &Error{Msg: fmt.Sprintf("filter is too complex (more than %d nested operators)", maxDepth)}
	}
	return &Expr{Text: filter, Root: root}, nil
}

// maxDepth bounds the nesting of the SQL the tree produces: DuckDB refuses
// expressions nested deeper than 1000, and a NOT is two levels there.
const maxDepth = 400

func depth(n Node) int {
	switch n := n.(type) {
	case *Binary:
		return 1 + max(depth(n.Left), depth(n.Right))
	case *Not:
		return 2 + depth(n.X)
	}
	return 1
}

// ParseArgs parses a filter given as command-line words (what is left
// after the options and the "-" or "--" separator, which the caller
// removes); the words are joined with single spaces as ra does. No words
// give a nil *Expr, which matches every record.
func ParseArgs(words []string) (*Expr, error) {
	if len(words) == 0 {
		return nil, nil
	}
	return Parse(strings.Join(words, " "))
}
