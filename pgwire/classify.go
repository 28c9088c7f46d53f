package pgwire

import (
	"strconv"
	"strings"
)

// stmtKind is what the server does with a statement.
type stmtKind int

const (
	kindQuery       stmtKind = iota // a read-only query DuckDB runs (SELECT, VALUES, SHOW, DESCRIBE, EXPLAIN …)
	kindBegin                       // BEGIN / START TRANSACTION
	kindCommit                      // COMMIT / END
	kindRollback                    // ROLLBACK / ABORT
	kindSet                         // SET of a client setting: accepted, not applied
	kindReset                       // RESET: accepted
	kindShow                        // SHOW of a PostgreSQL setting, answered by the server
	kindDeclare                     // DECLARE name CURSOR FOR query
	kindFetch                       // FETCH / MOVE
	kindCloseCursor                 // CLOSE name | ALL
	kindCopyOut                     // COPY (query) or COPY table TO STDOUT
	kindDiscard                     // DISCARD ALL
	kindDeallocate                  // DEALLOCATE name | ALL
)

// stmt is a classified statement of a query string.
type stmt struct {
	kind  stmtKind
	sql   string // the statement's text
	query string // the query DuckDB runs: the statement, or the inner query of DECLARE / COPY
	tag   string // command tag for statements the server answers itself
	name  string // setting, cursor or prepared statement name ("" for ALL)
	value string // SET value
	// FETCH
	count int64 // rows; -1 for ALL
	move  bool
	// COPY
	csv    bool
	header bool
	delim  string
	// DECLARE
	binary bool
	hold   bool
}

// clientSettings are SETs clients send on connect that the server accepts
// without applying: tapdb always speaks UTF-8, ISO dates, UTC and full float
// precision, and has one schema.
var clientSettings = map[string]bool{
	"application_name": true, "extra_float_digits": true, "datestyle": true,
	"client_encoding": true, "search_path": true, "timezone": true, "time zone": true,
	"intervalstyle": true, "bytea_output": true, "client_min_messages": true,
	"statement_timeout": true, "lock_timeout": true, "idle_in_transaction_session_timeout": true,
	"standard_conforming_strings": true, "transaction": true, "session characteristics": true,
	"default_transaction_isolation": true, "default_transaction_read_only": true,
	"transaction_isolation": true, "transaction_read_only": true, "jit": true,
	"names": true, "geqo": true, "join_collapse_limit": true, "from_collapse_limit": true,
	"work_mem": true, "enable_seqscan": true, "row_security": true, "synchronous_commit": true,
	"lc_messages": true, "lc_monetary": true, "lc_numeric": true, "lc_time": true,
	"escape_string_warning": true, "backslash_quote": true, "max_parallel_workers_per_gather": true,
	"plan_cache_mode": true, "idle_session_timeout": true, "tcp_keepalives_idle": true,
}

// classifyStatement decides what a single statement (no top-level ';') is,
// from its leading keywords. Statements that are not one of the forms the
// server handles itself are kindQuery and still have to pass checkQuery.
func classifyStatement(sql string) (*stmt, *pgError) {
	toks := tokenize(sql)
	st := &stmt{kind: kindQuery, sql: sql, query: sql}
	if len(toks) == 0 {
		return st, nil
	}
	word := func(i int) string {
		if i < len(toks) && toks[i].kind == tokWord {
			return toks[i].text
		}
		return ""
	}
	switch word(0) {
	case "begin":
		st.kind, st.tag = kindBegin, "BEGIN"
	case "start":
		if word(1) != "transaction" {
			return nil, newError(codeSyntaxError, "syntax error at or near %q", "start")
		}
		st.kind, st.tag = kindBegin, "START TRANSACTION"
	case "commit", "end":
		if word(1) == "prepared" {
			return nil, newError(codeFeatureNotSupported, "prepared transactions are not supported")
		}
		st.kind, st.tag = kindCommit, "COMMIT"
	case "rollback", "abort":
		if word(1) == "prepared" {
			return nil, newError(codeFeatureNotSupported, "prepared transactions are not supported")
		}
		for _, t := range toks[1:] {
			if t.kind == tokWord && t.text == "to" {
				return nil, newError(codeFeatureNotSupported, "savepoints are not supported")
			}
		}
		st.kind, st.tag = kindRollback, "ROLLBACK"
	case "savepoint", "release":
		return nil, newError(codeFeatureNotSupported, "savepoints are not supported")
	case "set":
		return classifySet(st, toks)
	case "reset":
		st.kind, st.tag = kindReset, "RESET"
		st.name = settingName(toks[1:])
		if st.name != "all" && !clientSettings[st.name] {
			return nil, newError(codeInsufficientPrivilege, "permission denied to set parameter %q", st.name)
		}
	case "show":
		name := settingName(toks[1:])
		if name == "transaction" && word(2) == "isolation" && word(3) == "level" && len(toks) == 4 {
			// PostgreSQL's grammar: SHOW TRANSACTION ISOLATION LEVEL
			// is SHOW transaction_isolation.
			name = "transaction_isolation"
		}
		if isPGSetting(name) {
			st.kind, st.tag, st.name = kindShow, "SHOW", name
		}
	case "discard":
		st.kind, st.tag = kindDiscard, "DISCARD "+strings.ToUpper(word(1))
	case "deallocate":
		i := 1
		if word(i) == "prepare" {
			i++
		}
		st.kind, st.tag = kindDeallocate, "DEALLOCATE"
		if i < len(toks) {
			st.name = toks[i].text
		}
		if word(i) == "all" {
			st.name, st.tag = "", "DEALLOCATE ALL"
		}
	case "declare":
		return classifyDeclare(st, toks)
	case "fetch", "move":
		return classifyFetch(st, toks)
	case "close":
		st.kind, st.tag = kindCloseCursor, "CLOSE CURSOR"
		if word(1) == "all" {
			st.tag = "CLOSE CURSOR ALL"
		} else if len(toks) > 1 {
			st.name = toks[1].text
		} else {
			return nil, newError(codeSyntaxError, "syntax error at end of input")
		}
	case "copy":
		return classifyCopy(st, toks)
	case "explain":
		// The explained statement must itself be a query.
		i := 1
		for word(i) == "analyze" || word(i) == "analyse" || word(i) == "verbose" {
			i++
		}
		if i < len(toks) && toks[i].text == "(" {
			depth := 0
			for ; i < len(toks); i++ {
				if toks[i].text == "(" {
					depth++
				} else if toks[i].text == ")" {
					depth--
					if depth == 0 {
						i++
						break
					}
				}
			}
		}
		if i >= len(toks) {
			return nil, newError(codeSyntaxError, "syntax error at end of input")
		}
		st.query = sql[toks[i].pos:]
	case "listen", "unlisten", "notify":
		return nil, newError(codeFeatureNotSupported, "%s is not supported", strings.ToUpper(word(0)))
	}
	if st.kind == kindQuery {
		st.sql, st.query = rewriteCatalog(st.sql), rewriteCatalog(st.query)
	}
	return st, nil
}

// settingName reads a setting name: words joined by '.', or the two-word
// names PostgreSQL's grammar knows.
func settingName(toks []token) string {
	if len(toks) == 0 {
		return ""
	}
	name := toks[0].text
	if len(toks) > 1 && toks[0].kind == tokWord {
		switch name + " " + toks[1].text {
		case "time zone", "session characteristics", "session authorization", "role none":
			return name + " " + toks[1].text
		}
	}
	for i := 1; i+1 < len(toks) && toks[i].text == "."; i += 2 {
		name += "." + toks[i+1].text
	}
	return strings.ToLower(name)
}

func classifySet(st *stmt, toks []token) (*stmt, *pgError) {
	rest := toks[1:]
	if len(rest) > 0 && rest[0].kind == tokWord && (rest[0].text == "session" || rest[0].text == "local") {
		if len(rest) < 2 || rest[1].text != "characteristics" && rest[1].text != "authorization" {
			rest = rest[1:]
		}
	}
	name := settingName(rest)
	if name == "" {
		return nil, newError(codeSyntaxError, "syntax error at end of input")
	}
	if !clientSettings[name] {
		return nil, newError(codeInsufficientPrivilege, "permission denied to set parameter %q (tapdb is read-only)", name)
	}
	st.kind, st.tag, st.name = kindSet, "SET", name
	// The value follows TO or '='.
	for i, t := range rest {
		if t.kind == tokWord && t.text == "to" || t.text == "=" {
			var vals []string
			for _, v := range rest[i+1:] {
				vals = append(vals, v.text)
			}
			st.value = strings.Join(vals, "")
			break
		}
	}
	return st, nil
}

func classifyDeclare(st *stmt, toks []token) (*stmt, *pgError) {
	if len(toks) < 2 {
		return nil, newError(codeSyntaxError, "syntax error at end of input")
	}
	st.kind, st.tag, st.name = kindDeclare, "DECLARE CURSOR", toks[1].text
	for i := 2; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tokWord {
			return nil, newError(codeSyntaxError, "syntax error at or near %q", t.text)
		}
		if t.text == "hold" && toks[i-1].text == "with" {
			st.hold = true
		}
		switch t.text {
		case "binary":
			st.binary = true
		case "for":
			if i+1 >= len(toks) {
				return nil, newError(codeSyntaxError, "syntax error at end of input")
			}
			st.query = st.sql[toks[i+1].pos:]
			return st, nil
		case "insensitive", "asensitive", "no", "scroll", "cursor", "with", "without", "hold":
		default:
			return nil, newError(codeSyntaxError, "syntax error at or near %q", t.text)
		}
	}
	return nil, newError(codeSyntaxError, "syntax error at end of input")
}

func classifyFetch(st *stmt, toks []token) (*stmt, *pgError) {
	st.kind, st.move, st.count = kindFetch, toks[0].text == "move", 1
	i := 1
	if i < len(toks) && toks[i].kind == tokWord {
		switch toks[i].text {
		case "forward", "next":
			i++
			if toks[i-1].text == "next" {
				break
			}
			if i < len(toks) && toks[i].kind == tokWord && toks[i].text == "all" {
				st.count = -1
				i++
			} else if i < len(toks) && toks[i].kind == tokNumber {
				n, err := strconv.ParseInt(toks[i].text, 10, 64)
				if err != nil || n < 0 {
					return nil, newError(codeSyntaxError, "syntax error at or near %q", toks[i].text)
				}
				st.count = n
				i++
			}
		case "all":
			st.count = -1
			i++
		case "backward", "prior", "first", "last", "absolute", "relative":
			return nil, newError(codeFeatureNotSupported, "cursor can only scan forward")
		}
	} else if i < len(toks) && toks[i].kind == tokNumber {
		n, err := strconv.ParseInt(toks[i].text, 10, 64)
		if err != nil || n < 0 {
			return nil, newError(codeSyntaxError, "syntax error at or near %q", toks[i].text)
		}
		st.count = n
		i++
	}
	if i < len(toks) && toks[i].kind == tokWord && (toks[i].text == "from" || toks[i].text == "in") {
		i++
	}
	if i != len(toks)-1 || toks[i].kind != tokWord && toks[i].kind != tokIdent {
		return nil, newError(codeSyntaxError, "syntax error in %s", strings.ToUpper(toks[0].text))
	}
	st.name = toks[i].text
	return st, nil
}

// classifyCopy accepts only COPY (query) TO STDOUT and COPY table [(columns)]
// TO STDOUT (a read of the table), with options.
func classifyCopy(st *stmt, toks []token) (*stmt, *pgError) {
	var rest []token
	switch {
	case isPunct(toks, 1, "("):
		end := closingParen(toks, 1)
		if end < 0 {
			return nil, newError(codeSyntaxError, "syntax error in COPY")
		}
		if end == 2 {
			return nil, newError(codeSyntaxError, "syntax error at or near \")\"")
		}
		st.query = st.sql[toks[2].pos:toks[end].pos]
		rest = toks[end+1:]
	case len(toks) > 1 && (toks[1].kind == tokWord || toks[1].kind == tokIdent):
		i := 2
		for isPunct(toks, i, ".") && i+1 < len(toks) {
			i += 2
		}
		table := st.sql[toks[1].pos:toks[i-1].end]
		cols := "*"
		if isPunct(toks, i, "(") {
			j := closingParen(toks, i)
			if j < 0 || j == i+1 {
				return nil, newError(codeSyntaxError, "syntax error in COPY column list")
			}
			cols = st.sql[toks[i+1].pos:toks[j-1].end]
			i = j + 1
		}
		st.query = "SELECT " + cols + " FROM " + table
		rest = toks[i:]
	default:
		return nil, newError(codeSyntaxError, "syntax error in COPY")
	}
	if len(rest) < 2 || rest[0].text != "to" || rest[1].text != "stdout" {
		return nil, errPermission("COPY from a client or a file, or to a file or program")
	}
	st.kind, st.delim = kindCopyOut, "\t"
	opts := rest[2:]
	for i := 0; i < len(opts); i++ {
		t := opts[i]
		if t.kind == tokPunct {
			continue // ( ) ,
		}
		switch t.text {
		case "with", "true", "on", "1":
		case "csv":
			st.csv, st.delim = true, ","
		case "format":
			if i+1 < len(opts) {
				i++
				switch opts[i].text {
				case "csv":
					st.csv, st.delim = true, ","
				case "text":
				default:
					return nil, newError(codeFeatureNotSupported, "COPY format %q is not supported", opts[i].text)
				}
			}
		case "header":
			st.header = true
			if i+1 < len(opts) && (opts[i+1].text == "false" || opts[i+1].text == "off" || opts[i+1].text == "0") {
				st.header = false
				i++
			}
		case "delimiter":
			if i+1 < len(opts) && opts[i+1].kind == tokString && len(opts[i+1].text) == 1 {
				st.delim = opts[i+1].text
				i++
			} else {
				return nil, newError(codeFeatureNotSupported, "COPY delimiter must be a single one-byte character")
			}
		default:
			return nil, newError(codeFeatureNotSupported, "COPY option %q is not supported", t.text)
		}
	}
	return st, nil
}

// closingParen returns the index of the parenthesis closing toks[open], or
// -1.
func closingParen(toks []token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		if isPunct(toks, i, "(") {
			depth++
		} else if isPunct(toks, i, ")") {
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
