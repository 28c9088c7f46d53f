package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"tapdb/store"
)

func runSQL(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "sql", "tapdb sql [-csv] STORE QUERY")
	asCSV := fs.Bool("csv", false, "print CSV with a header line instead of an aligned table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return &usageError{"want STORE and QUERY"}
	}
	st, err := store.Open(ctx, fs.Arg(0), store.Options{ReadOnly: true, Logger: e.log})
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := st.DB().QueryContext(ctx, fs.Arg(1))
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	return printRows(e.stdout, rows, *asCSV)
}

// printRows prints a result as an aligned table or as CSV, streaming rows.
func printRows(w io.Writer, rows *sql.Rows, asCSV bool) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	text := make([]string, len(cols))
	var out interface {
		row([]string) error
		flush() error
	}
	if asCSV {
		out = &csvOut{w: csv.NewWriter(w)}
	} else {
		out = &tableOut{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	}
	if err := out.row(cols); err != nil {
		return err
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read row: %w", err)
		}
		for i, v := range vals {
			text[i] = formatValue(v)
		}
		if err := out.row(text); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	return out.flush()
}

type csvOut struct{ w *csv.Writer }

func (c *csvOut) row(r []string) error { return c.w.Write(r) }
func (c *csvOut) flush() error         { c.w.Flush(); return c.w.Error() }

type tableOut struct{ tw *tabwriter.Writer }

func (t *tableOut) row(r []string) error {
	_, err := io.WriteString(t.tw, strings.Join(r, "\t")+"\n")
	return err
}
func (t *tableOut) flush() error { return t.tw.Flush() }

// formatValue prints a DuckDB value the way psql would.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.999999-07")
	case []byte:
		return string(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case *big.Int:
		return x.String()
	case bool:
		if x {
			return "t"
		}
		return "f"
	}
	return fmt.Sprint(v)
}
