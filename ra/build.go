package ra

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"tapdb/schema"
	"tapdb/translate"
)

// Query is one statement to run and how to read its rows.
type Query struct {
	SQL  string
	Args []any
	// Fields are the printed columns, the first len(Fields) columns of each
	// row; one more column follows: the record's protocol number (pnum),
	// which the printer needs for ports and -nn.
	Fields []Field
	// Count is set for racount: the row holds its totals instead.
	Count bool
}

// inputOrder is the order records are read in: start time, then the
// sensor's own emission order.
const inputOrder = "stime, srcid, seq"

// Build turns options into the program's SQL. now anchors relative -t
// ranges. The filter and the time range are translated by package
// translate, so no text from the command line reaches the SQL except
// through bound parameters.
func Build(o *Options, now time.Time) (*Query, error) {
	where, args, err := whereClause(o, now)
	if err != nil {
		return nil, err
	}
	q := &Query{Args: args}
	if o.Program == Racount {
		q.Count = true
		q.SQL = countSQL(o, where)
		return q, nil
	}
	fields, err := ResolveFieldsFrom(o.BaseFields, o.Fields)
	if err != nil {
		return nil, err
	}
	q.Fields = fields
	switch o.Program {
	case Racluster:
		q.SQL, err = clusterSQL(o, where, fields)
	case Rasort:
		q.SQL, err = sortSQL(o, where, fields)
	default:
		q.SQL = "SELECT " + selectList(fields, nil) + " FROM flows WHERE " + where +
			" ORDER BY " + inputOrder + limitSQL(o.Limit)
	}
	if err != nil {
		return nil, err
	}
	return q, nil
}

// whereClause is the filter AND the time range, with their parameters
// numbered $1, $2, … in order.
func whereClause(o *Options, now time.Time) (string, []any, error) {
	expr, err := translate.ParseArgs(o.Filter)
	if err != nil {
		return "", nil, err
	}
	where, args, err := expr.SQL(translate.SQLOptions{Placeholder: translate.Dollar})
	if err != nil {
		return "", nil, fmt.Errorf("translate filter: %w", err)
	}
	if o.TimeRange != "" {
		r, err := translate.ParseTimeRange(o.TimeRange, now)
		if err != nil {
			return "", nil, &OptionError{Msg: "-t: " + err.Error()}
		}
		tw, targs := r.SQL(translate.SQLOptions{Placeholder: translate.Dollar, ArgBase: len(args)})
		if where == "TRUE" {
			where = tw
		} else {
			where = "(" + where + ") AND " + tw
		}
		args = append(args, targs...)
	}
	return where, args, nil
}

// selectList names the printed columns and the trailing pnum. expr, if
// set, gives the SQL of a column instead of its name.
func selectList(fields []Field, expr func(schema.Column) string) string {
	parts := make([]string, 0, len(fields)+1)
	for _, f := range fields {
		if expr != nil {
			parts = append(parts, expr(f.Column)+" AS "+f.Name)
		} else {
			parts = append(parts, f.Name)
		}
	}
	if expr != nil {
		pnum, _ := schema.Lookup("pnum")
		parts = append(parts, expr(pnum)+" AS pnum")
	} else {
		parts = append(parts, "pnum")
	}
	return strings.Join(parts, ", ")
}

// limitSQL renders -N as LIMIT/OFFSET (integers parsed by Parse).
func limitSQL(l *Limit) string {
	if l == nil {
		return ""
	}
	s := " LIMIT " + strconv.FormatInt(l.Count, 10)
	if l.Offset > 0 {
		s += " OFFSET " + strconv.FormatInt(l.Offset, 10)
	}
	return s
}

// source is the record set a merging or sorting program reads: the
// filtered flows, cut to the -N input count when there is one.
func source(o *Options, where string) string {
	if o.Limit == nil || o.Limit.Output {
		return "(SELECT * FROM flows WHERE " + where + ")"
	}
	return "(SELECT * FROM flows WHERE " + where + " ORDER BY " + inputOrder + limitSQL(o.Limit) + ")"
}

// outputLimit is -N when it counts output records.
func outputLimit(o *Options) string {
	if o.Limit != nil && o.Limit.Output {
		return limitSQL(o.Limit)
	}
	return ""
}
