// Package translate turns the ra command family's inputs into SQL: the
// Argus 3 filter expression language and the -t time range.
//
// # Filters
//
// Parse (or ParseArgs, for command-line words) reads a filter with a
// participle grammar (grammar.go) that gives it its shape — primitives
// joined by and/&& and or/||, which have EQUAL precedence and group left to
// right as in Argus and tcpdump, not/! and parentheses — and then resolves
// each primitive's words into a typed tree (resolve.go, tree.go): Class,
// IPProto, EtherType, Host, Net, MAC, Port, Compare, TCPFlag, Pred, Text,
// Const, Not and Binary. A primitive is
//
//	[proto-qualifier] [src|dst|src or dst|src and dst] keyword [value]
//
// A direction left out means "src or dst" for every address, port and
// metric: "bytes gt 1000" is sbytes > 1000 OR dbytes > 1000, never the
// total. After and/or a bare value reuses the previous primitive's
// qualifiers ("port 80 or 443", "tcp dst port 80 or 443", "bytes gt 10 or
// 20" = "… or bytes 20"), and a parenthesised value list after a keyword
// gives each value the words before it ("port (53 or 80)", "host (A or not
// B)"). Ports compare too ("port gt 1024"); an undirected range "port A-B"
// is Argus's (sport >= A or dport >= A) and (sport <= B or dport <= B). Keywords are lower-case and case-sensitive; a
// keyword used as a name takes a backslash ("ip proto \tcp"). Service,
// protocol and EtherType names come from package schema/names (built-in
// copies of Debian's /etc/services and /etc/protocols), so results never
// depend on the host; host names are not resolved.
//
// Expr.SQL renders the tree as one boolean SQL expression over the flows
// view (stored and derived columns of schema.Columns) and returns the
// values it compares with as parameters, in the Dollar ($1, offset by
// SQLOptions.ArgBase) or Question (?) style. The SQL text is produced only
// by tree nodes from fixed fragments and schema column names; nothing typed
// in a filter is ever pasted into it (the tests check every token).
// Addresses compare as 128-bit numbers (IPv4 mapped into ::ffff:0:0/96)
// on their stored 64-bit halves (saddr_hi/saddr_lo, daddr_hi/daddr_lo),
// bound as decimal strings under CAST(… AS UBIGINT): a prefix of up to 64
// bits is a range of upper halves, a longer one an upper half and a range
// of lower halves.
// A negated primitive is NOT COALESCE(x, FALSE), so records lacking a
// field (NULL ports, TTLs, MACs) are selected by "not …" as Argus does.
//
// Errors are *Error values naming the word and its 1-based column in the
// filter text: "filter: unknown word 'prot' at column 1, did you mean
// 'proto'?". Where tapdb accepts more than Argus 3.0.8 or differs from
// it, DIFFERENCES.md says so.
//
// # Fidelity
//
// ra_test.go runs the filters of testdata/ra/filters.txt over the records
// real Argus 3.0.8.2 made of eleven reference captures and checks that
// each selects as many records as real ra did (testdata/ra/regen.sh makes
// the reference with argus and ra); the few known differences are listed
// there and in DIFFERENCES.md.
//
// # Time ranges
//
// ParseTimeRange reads ra's -t argument ([x][i|n|c]start[-end],
// start+duration, relative -10m, epoch seconds) into a TimeRange whose SQL
// method gives the stime/ltime predicate: intersects by default, n for
// records spanning the range, c for records within it, x to negate.
package translate
