package ra

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"tapdb/internal/duckc"
)

// Env is what Run may touch.
type Env struct {
	Stdout io.Writer
	Log    *slog.Logger
	Now    time.Time      // anchors relative -t ranges; zero means time.Now()
	Loc    *time.Location // time zone of printed times; nil means time.Local
}

// ErrNoMatch is Run's answer when no record matched: ra exits with status
// 1 then, and scripts test for it.
var ErrNoMatch = errors.New("no records matched")

// Run runs a parsed command line: builds its SQL, runs it on the source
// and prints the result (or, with -E, prints the SQL and its arguments).
func Run(ctx context.Context, env Env, o *Options) error {
	if o.Help {
		_, err := io.WriteString(env.Stdout, Usage(o.Program))
		return err
	}
	if env.Log != nil {
		for _, w := range o.Warnings {
			env.Log.Warn(w)
		}
	}
	now := env.Now
	if now.IsZero() {
		now = time.Now()
	}
	if env.Loc != nil {
		now = now.In(env.Loc)
	}
	q, err := Build(o, now)
	if err != nil {
		return err
	}
	if o.Explain {
		return Explain(env.Stdout, q)
	}
	src, err := Open(ctx, o, env.Log)
	if err != nil {
		return err
	}
	defer src.Close()
	type printer interface {
		Row([]any) error
		Flush() error
	}
	var p printer
	switch {
	case q.Count:
	case o.JSON():
		p = NewJSONPrinter(env.Stdout, q.Fields)
	default:
		p = NewPrinter(env.Stdout, q.Fields, FormatOf(o, env.Loc))
	}
	n := 0
	var totals []Totals
	err = eachRow(ctx, src.DB, q.SQL, q.Args, func(vals []any) error {
		n++
		if q.Count {
			t, err := scanTotals(vals)
			if err != nil {
				return err
			}
			totals = append(totals, t)
			return nil
		}
		return p.Row(vals)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", o.Program, err)
	}
	if q.Count {
		return printCount(env.Stdout, o, totals)
	}
	if err := p.Flush(); err != nil {
		return err
	}
	if n == 0 {
		return ErrNoMatch
	}
	return nil
}

// eachRow runs query and calls row with each result row. It reads the
// driver's rows directly, without database/sql's per-value copies and
// conversions, and streams a local store's result from DuckDB (duckc)
// rather than have the driver materialise it: row may not keep vals (nor
// a []byte in it) after it returns.
func eachRow(ctx context.Context, db *sql.DB, query string, args []any, row func(vals []any) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return duckc.Raw(conn, func(dv any, _ *duckdb.Conn, native *duckc.Conn, _ error) error {
		var rows driver.Rows
		if native != nil {
			stmt, err := native.Prepare(query)
			if err != nil {
				return fmt.Errorf("query: %w", err)
			}
			defer stmt.Close()
			if stmt.Decodable() {
				if rows, err = stmt.Query(ctx, named); err != nil {
					return fmt.Errorf("query: %w", err)
				}
			}
		}
		if rows == nil {
			qc, ok := dv.(driver.QueryerContext)
			if !ok {
				return fmt.Errorf("database driver %T cannot run queries directly", dv)
			}
			var err error
			if rows, err = qc.QueryContext(ctx, query, named); err != nil {
				return fmt.Errorf("query: %w", err)
			}
		}
		defer rows.Close()
		dvals := make([]driver.Value, len(rows.Columns()))
		vals := make([]any, len(dvals))
		for {
			if err := rows.Next(dvals); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return fmt.Errorf("read row: %w", err)
			}
			for i, v := range dvals {
				vals[i] = v
			}
			if err := row(vals); err != nil {
				return err
			}
		}
	})
}

// printCount prints racount's totals; nothing matched is ErrNoMatch.
func printCount(w io.Writer, o *Options, totals []Totals) error {
	if len(totals) == 0 {
		return fmt.Errorf("racount: the query returned no totals")
	}
	printTotals := PrintTotals
	if o.JSON() {
		printTotals = PrintTotalsJSON
	}
	if err := printTotals(w, totals, o.hasMode("proto")); err != nil {
		return err
	}
	if totals[0].Records == 0 {
		return ErrNoMatch
	}
	return nil
}

// Explain prints a query's SQL and its arguments ($1 = …), one per line.
func Explain(w io.Writer, q *Query) error {
	var b strings.Builder
	b.WriteString(q.SQL)
	b.WriteString(";\n")
	for i, a := range q.Args {
		fmt.Fprintf(&b, "-- $%d = %s (%T)\n", i+1, asString(a), a)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Usage is the -h text of a program.
func Usage(p Program) string {
	extra := ""
	switch p {
	case Racluster:
		extra = "  -m KEY …           merge records sharing these fields (default: srcid proto saddr sport daddr dport,\n" +
			"                     joining reversed keys); -M correct|nocorrect turns that joining on or off\n"
	case Rasort:
		extra = "  -m KEY …           sort keys (default stime); counters sort largest first, the rest ascending\n"
	case Racount:
		extra = "  -M proto           add a per-protocol summary\n"
	}
	return fmt.Sprintf(`usage: %[1]s [options] -r FILE … [- FILTER]
       %[1]s [options] -S [USER[:PASSWORD]@]HOST[:PORT] [- FILTER]

  -r FILE …          a tapdb store, or pcap/pcapng captures (gzip too; - is stdin) read into memory
  -S HOST[:PORT]     a tapdb server (Postgres protocol, default port %[2]s); the user and password
                     may also come from PGUSER, PGPASSWORD and ~/.pgpass
  -s FIELD …         fields to print: a new list, or +FIELD, +NFIELD, -FIELD changes; FIELD:WIDTH
  -n, -nn            numeric ports; numeric protocols too
  -c CHAR            field delimiter (ra's aligned columns without it)
  -L N               header: 0 once (default), N every N records, -1 never
  -t RANGE           time range, Argus forms ([x][i|n|c]START[-END], -10m, …)
  -N [i|o]N|A-B|A+N  record count (input records by default)
  -p N               digits after the point for times and floats (default 6)
  -u                 Unix seconds instead of time of day
  -M json            JSON lines instead of columns
  -E                 print the SQL and its arguments, run nothing
  -F FILE            read rarc keys from FILE here among the options
  -X                 read no /etc/ra.conf, $ARGUSHOME/ra.conf or ~/.rarc
  -h                 this help
%[3]s
FILTER is an Argus filter expression after - or --, one argument or many words.
rarc keys honoured: RA_FIELD_DELIMITER RA_FIELD_SPECIFIER RA_PRINT_LABELS RA_PRINT_NAMES
RA_PRINT_UNIX_TIME RA_USEC_PRECISION RA_TIMERANGE RA_FILTER (others are named in a warning).
`, p, DefaultPort, extra)
}
