package main

// streamSQL is (b): the first rows of the table, eight columns (%d: how
// many).
const streamSQL = `select stime, saddr, daddr, sport, dport, proto, sbytes, dbytes from flows limit %d`

// aggregate is one dashboard-style query of (c).
type aggregate struct {
	name string
	sql  string
}

// aggregates are (c). Each orders its result completely, so the two
// servers' answers can be compared row by row.
var aggregates = []aggregate{
	{"top talkers", `select saddr, sum(sbytes+dbytes) b from flows group by 1 order by 2 desc, 1 limit 10`},
	{"bytes per minute", `select date_trunc('minute', stime) m, count(*), sum(sbytes+dbytes) b from flows group by 1 order by 1`},
	{"ports by flows", `select dport, count(*) n from flows group by 1 order by 2 desc, 1 nulls first limit 20`},
	{"protocol mix", `select proto, count(*) n, sum(sbytes) sb, sum(dbytes) db from flows group by 1 order by 2 desc, 1`},
	{"top ports, 1-minute range", `select dport, count(*) n, sum(sbytes+dbytes) b from flows ` +
		`where stime >= '1970-01-01 00:12:00+00' and stime < '1970-01-01 00:13:00+00' ` +
		`group by 1 order by 3 desc, 1 nulls first limit 10`},
}
