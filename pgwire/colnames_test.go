package pgwire_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Result columns carry PostgreSQL's names, not DuckDB's: the expected names
// are what PostgreSQL 15 answered for the same select list.
func TestColumnNamesArePostgreSQLs(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	q := `select date_trunc('minute', stime), count(*), sum(sbytes), 1, saddr::varchar, 1::int,
		case when true then 1 end, coalesce(dport, 0), sport + 1, (select max(dport) from flows),
		exists(select 1), '1'::text, now()::date, f.daddr, count(*) as n
		from flows f group by all`
	want := []string{"date_trunc", "count", "sum", "?column?", "saddr", "int4", "case", "coalesce",
		"?column?", "max", "exists", "text", "now", "daddr", "n"}
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
		rows, err := c.Query(context.Background(), q, mode)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, fd := range rows.FieldDescriptions() {
			got = append(got, fd.Name)
		}
		rows.Close()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%v: columns %q\nwant %q", mode, got, want)
		}
	}
	// A * keeps the table's names.
	rows, err := c.Query(context.Background(), "select *, count(*) over () from flows limit 1")
	if err != nil {
		t.Fatal(err)
	}
	fds := rows.FieldDescriptions()
	rows.Close()
	if fds[0].Name != "stime" {
		t.Errorf("select *: first column %q", fds[0].Name)
	}
}
