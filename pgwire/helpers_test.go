package pgwire_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5"

	"tapdb/pgwire"
	"tapdb/store"
)

// testFlows are the rows of the test store: stime, ltime, proto, saddr,
// sport, daddr, dport, spkts, dpkts, sbytes, dbytes, state.
var testFlows = []string{
	`('2026-11-27 05:06:02.189339+00', '2026-11-27 05:06:03.5+00', 'tcp', '10.0.0.1', 51000, '10.0.0.2', 443, 10, 8, 1500, 9000, 'FIN')`,
	`('2026-11-27 05:07:00+00', '2026-11-27 05:07:00+00', 'udp', '10.0.0.3', 53000, '8.8.8.8', 53, 1, 1, 80, 120, 'CON')`,
	`('2026-11-27 06:00:00.000001+00', '2026-11-27 06:01:00+00', 'tcp', '10.0.0.1', 51001, '10.0.0.9', 22, 100, 90, 20000, 300000, 'RST')`,
}

// newTestDB opens an in-memory DuckDB with a flows table made from
// schema.Columns as the store makes it: the stored columns, then the
// derived ones as virtual generated columns.
func newTestDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	stmts := []string{
		store.CreateTableSQL("flows"),
		"INSERT INTO flows (stime, ltime, proto, saddr, sport, daddr, dport, spkts, dpkts, sbytes, dbytes, state) VALUES " +
			strings.Join(testFlows, ", "),
		// A view, for the catalog tests of views.
		"CREATE VIEW flows_tcp AS SELECT * FROM flows WHERE proto = 'tcp'",
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return db
}

// startServer serves db on a loopback port; cfg.Trust defaults to on when
// no users file is given.
func startServer(t testing.TB, cfg pgwire.Config, db *sql.DB) (*pgwire.Server, string) {
	t.Helper()
	if db == nil {
		db = newTestDB(t)
	}
	if cfg.Users == "" {
		cfg.Trust = true
	}
	if cfg.AuthFailDelay == 0 {
		cfg.AuthFailDelay = 10 * time.Millisecond
	}
	return pgwire.ServeTest(t, cfg, db)
}

// connString is a pgx/libpq connection string for addr.
func connString(addr, user, password string) string {
	host, port, _ := net.SplitHostPort(addr)
	s := fmt.Sprintf("host=%s port=%s user=%s dbname=flows sslmode=disable", host, port, user)
	if password != "" {
		s += " password=" + password
	}
	return s
}

func connect(t testing.TB, addr string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, connString(addr, "tester", ""))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// pgwireConfig is the base configuration of the tests: trust over
// loopback (startServer) and defaults otherwise.
func pgwireConfig() pgwire.Config { return pgwire.Config{} }

func mustPrefixes(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	var ps []netip.Prefix
	for _, s := range ss {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}
