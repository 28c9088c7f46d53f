package pgwire

import (
	"strings"
	"unicode/utf8"
)

// tokenKind classifies a lexical token of a SQL string.
type tokenKind int

const (
	tokWord   tokenKind = iota // keyword or unquoted identifier (lowercased in text)
	tokIdent                   // "quoted identifier" (unquoted in text)
	tokString                  // 'string', E'string' or $$string$$ (contents in text)
	tokNumber                  // numeric literal
	tokParam                   // $1 positional parameter
	tokPunct                   // any other single character
)

// token is one lexical token; pos and end are byte offsets into the source.
type token struct {
	kind     tokenKind
	text     string
	pos, end int
}

// lexer splits SQL into tokens the way PostgreSQL's scanner does for the
// constructs that matter for statement boundaries: quoted strings (with ”
// doubling and E” backslash escapes), quoted identifiers, dollar quoting,
// line comments and nested block comments. It never fails: an unterminated
// construct runs to the end of the input.
type lexer struct {
	src string
	i   int
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '$'
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// skipSpace skips white space and comments.
func (l *lexer) skipSpace() {
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case isSpace(c):
			l.i++
		case c == '-' && l.i+1 < len(l.src) && l.src[l.i+1] == '-':
			for l.i < len(l.src) && l.src[l.i] != '\n' {
				l.i++
			}
		case c == '/' && l.i+1 < len(l.src) && l.src[l.i+1] == '*':
			depth := 0
			for l.i < len(l.src) {
				if strings.HasPrefix(l.src[l.i:], "/*") {
					depth++
					l.i += 2
				} else if strings.HasPrefix(l.src[l.i:], "*/") {
					depth--
					l.i += 2
					if depth == 0 {
						break
					}
				} else {
					l.i++
				}
			}
		default:
			return
		}
	}
}

// next returns the next token, or false at the end of the input.
func (l *lexer) next() (token, bool) {
	l.skipSpace()
	if l.i >= len(l.src) {
		return token{}, false
	}
	start := l.i
	c := l.src[l.i]
	switch {
	case (c == 'e' || c == 'E') && l.i+1 < len(l.src) && l.src[l.i+1] == '\'':
		l.i++
		s := l.quoted('\'', true)
		return token{kind: tokString, text: s, pos: start, end: l.i}, true
	case c == '\'':
		s := l.quoted('\'', false)
		return token{kind: tokString, text: s, pos: start, end: l.i}, true
	case c == '"':
		s := l.quoted('"', false)
		return token{kind: tokIdent, text: s, pos: start, end: l.i}, true
	case c == '$':
		if l.i+1 < len(l.src) && l.src[l.i+1] >= '0' && l.src[l.i+1] <= '9' {
			l.i++
			for l.i < len(l.src) && l.src[l.i] >= '0' && l.src[l.i] <= '9' {
				l.i++
			}
			return token{kind: tokParam, text: l.src[start:l.i], pos: start, end: l.i}, true
		}
		if tag, ok := l.dollarTag(); ok {
			body := l.src[l.i:]
			if k := strings.Index(body, tag); k >= 0 {
				l.i += k + len(tag)
				return token{kind: tokString, text: body[:k], pos: start, end: l.i}, true
			}
			l.i = len(l.src)
			return token{kind: tokString, text: body, pos: start, end: l.i}, true
		}
		l.i++
		return token{kind: tokPunct, text: "$", pos: start, end: l.i}, true
	case isIdentStart(c):
		for l.i < len(l.src) && isIdentChar(l.src[l.i]) {
			l.i++
		}
		return token{kind: tokWord, text: strings.ToLower(l.src[start:l.i]), pos: start, end: l.i}, true
	case c >= '0' && c <= '9' || c == '.' && l.i+1 < len(l.src) && l.src[l.i+1] >= '0' && l.src[l.i+1] <= '9':
		for l.i < len(l.src) && (isIdentChar(l.src[l.i]) || l.src[l.i] == '.') {
			l.i++
		}
		return token{kind: tokNumber, text: l.src[start:l.i], pos: start, end: l.i}, true
	default:
		l.i++
		return token{kind: tokPunct, text: l.src[start:l.i], pos: start, end: l.i}, true
	}
}

// quoted reads a literal delimited by q starting at l.i; a doubled q is an
// escaped q and, when backslash is set, so is \q.
func (l *lexer) quoted(q byte, backslash bool) string {
	var b strings.Builder
	l.i++ // opening quote
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case backslash && c == '\\' && l.i+1 < len(l.src):
			b.WriteByte(l.src[l.i+1])
			l.i += 2
		case c == q && l.i+1 < len(l.src) && l.src[l.i+1] == q:
			b.WriteByte(q)
			l.i += 2
		case c == q:
			l.i++
			return b.String()
		default:
			b.WriteByte(c)
			l.i++
		}
	}
	return b.String()
}

// dollarTag reads a $tag$ opener at l.i, advancing past it.
func (l *lexer) dollarTag() (string, bool) {
	j := l.i + 1
	for j < len(l.src) && l.src[j] != '$' {
		if !isIdentChar(l.src[j]) || l.src[j] == '$' {
			return "", false
		}
		j++
	}
	if j >= len(l.src) {
		return "", false
	}
	tag := l.src[l.i : j+1]
	l.i = j + 1
	return tag, true
}

// tokenize returns every token of src.
func tokenize(src string) []token {
	l := lexer{src: src}
	var toks []token
	for {
		t, ok := l.next()
		if !ok {
			return toks
		}
		toks = append(toks, t)
	}
}

// splitStatements splits src at top-level semicolons. Pieces holding only
// white space and comments are dropped; the result is empty for an empty
// query such as ";".
func splitStatements(src string) []string {
	l := lexer{src: src}
	var out []string
	start := 0
	hasToken := false
	for {
		t, ok := l.next()
		if !ok {
			break
		}
		if t.kind == tokPunct && t.text == ";" {
			if hasToken {
				out = append(out, trimSpace(src[start:t.pos]))
			}
			start = t.end
			hasToken = false
			continue
		}
		hasToken = true
	}
	if hasToken {
		out = append(out, trimSpace(src[start:]))
	}
	return out
}

// trimSpace trims the white space the lexer skips, and only that: a
// non-ASCII space such as U+00A0 is part of a token, as in PostgreSQL.
func trimSpace(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r < utf8.RuneSelf && isSpace(byte(r)) })
}
