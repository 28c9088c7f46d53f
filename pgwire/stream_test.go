package pgwire

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgtype"

	"tapdb/internal/duckc"
)

// TestCellEncodersMatch checks that encoding from the vectors gives the
// bytes appendText and appendBinary give for the decoded values, in both
// formats, for every type with an encoder of its own.
func TestCellEncodersMatch(t *testing.T) {
	queries := []string{
		`select true, false, null::boolean`,
		`select (-128)::tinyint, 127::tinyint, (-32768)::smallint, 32767::smallint, (-2147483648)::integer, 2147483647::integer,
		        (-9223372036854775808)::bigint, 9223372036854775807::bigint, 255::utinyint, 65535::usmallint, 4294967295::uinteger, null::integer`,
		`select 0.1::double, -0.0::double, 'nan'::double, 'inf'::double, '-inf'::double, 1e300::double, 5e-324::double, 123456789012345678::double,
		        0.1::float, -3.4e38::float, 'nan'::float, 1e-45::float`,
		`select '', 'short', 'a string longer than twelve bytes', 'tab	and
newline', 'üñí', null::varchar`,
		`select timestamptz '2026-11-27 11:02:28.123456+00', timestamptz '1969-12-31 23:59:59.999999+00', timestamptz 'infinity', timestamptz '-infinity',
		        timestamp '2026-11-27 11:02:28', timestamp '0001-01-01 00:00:00', timestamp '1999-12-31 23:59:59.5', timestamp 'infinity', timestamp '-infinity',
		        timestamp '2000-01-01', null::timestamp`,
		`select 1.5::decimal(4,1), interval '1 day', date '2026-11-27', '{"a": [1, "x"]}'::json, [1, 2], uuid '123e4567-e89b-12d3-a456-426614174000'`,
		`select range::integer, range::varchar, range * 0.5, range % 3 = 0 from range(3000)`,
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sc, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	ss := &session{types: pgtype.NewMap()}
	err = duckc.Raw(sc, func(_ any, _ *duckdb.Conn, c *duckc.Conn, why error) error {
		if c == nil {
			return why
		}
		for _, q := range queries {
			s, err := c.Prepare(q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			rows, err := s.Query(context.Background(), nil)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			types := rows.Types()
			for {
				if err := rows.Advance(); err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatalf("%s: %v", q, err)
					}
					break
				}
				for i, typ := range types {
					if rows.Null(i) {
						continue
					}
					ct := colTypeOfNative(typ)
					v := rows.Value(i)
					for _, f := range []int16{pgtype.TextFormatCode, pgtype.BinaryFormatCode} {
						got, err := cellEncoderFor(typ.ID, ct, f)(ss, nil, rows, i)
						if err != nil {
							t.Fatalf("%s column %d format %d: %v", q, i, f, err)
						}
						var want []byte
						if f == pgtype.BinaryFormatCode {
							if want, err = appendBinary(ss.types, nil, v, ct); err != nil {
								t.Fatalf("%s column %d: appendBinary(%#v): %v", q, i, v, err)
							}
						} else {
							want = appendText(nil, v, ct)
						}
						if !bytes.Equal(got, want) {
							t.Errorf("%s column %d (%#v) format %d: %q, want %q", q, i, v, f, got, want)
						}
					}
				}
			}
			s.Close()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
