package pgwire_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"tapdb/pgwire"
)

const longQuery = "select count(*) from range(10000000000)"

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// TestCancelRequest cancels a long query through pgx, which sends a
// CancelRequest with the BackendKeyData on a second connection.
func TestCancelRequest(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(300 * time.Millisecond)
		cancel()
	}()
	var n int64
	err := c.QueryRow(ctx, longQuery).Scan(&n)
	if err == nil {
		t.Fatal("long query was not cancelled")
	}
	// pgx closes the connection after a context cancel. Check the answer
	// on a raw connection: CancelRequests are sent until the query ends,
	// since the first may arrive before the query started.
	rc := rawConnect(t, addr)
	rc.send(&pgproto3.Query{String: longQuery})
	pid, secret := rawKey(t, rc)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			cc, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			fe := pgproto3.NewFrontend(cc, cc)
			fe.Send(&pgproto3.CancelRequest{ProcessID: pid, SecretKey: secret})
			fe.Flush()
			cc.Close()
		}
	}()
	got := rc.recvUntilReady()
	close(stop)
	wg.Wait()
	if len(got) == 0 || got[0] != "ErrorResponse 57014" {
		t.Errorf("after cancel: %q", got)
	}
	// The session is still usable (a cancel request still in flight may
	// hit the first try).
	for try := 0; ; try++ {
		rc.send(&pgproto3.Query{String: "select 1"})
		got := rc.recvUntilReady()
		if len(got) == 4 && got[1] == "DataRow 1" {
			break
		}
		if try == 2 || got[0] != "ErrorResponse 57014" {
			t.Fatalf("after cancel, select 1: %q", got)
		}
	}
}

// rawKey returns the BackendKeyData the raw client received at startup.
func rawKey(t *testing.T, rc *rawClient) (uint32, []byte) {
	t.Helper()
	if rc.pid == 0 {
		t.Fatal("no BackendKeyData received")
	}
	return rc.pid, rc.secret
}

func TestQueryTimeout(t *testing.T) {
	cfg := pgwireConfig()
	cfg.QueryTimeout = 200 * time.Millisecond
	_, addr := startServer(t, cfg, nil)
	c := connect(t, addr)
	var n int64
	err := c.QueryRow(context.Background(), longQuery).Scan(&n)
	if pgCode(err) != "57014" || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("got %v, want 57014 statement timeout", err)
	}
	if err := c.QueryRow(context.Background(), "select 1").Scan(&n); err != nil || n != 1 {
		t.Errorf("after timeout: %d %v", n, err)
	}
}

// TestStatementTimeoutSetting applies a client's SET statement_timeout.
func TestStatementTimeoutSetting(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := connect(t, addr)
	ctx := context.Background()
	if _, err := c.Exec(ctx, "set statement_timeout = '200ms'"); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := c.QueryRow(ctx, "show statement_timeout").Scan(&s); err != nil || s != "200ms" {
		t.Errorf("show statement_timeout: %q %v", s, err)
	}
	var n int64
	if err := c.QueryRow(ctx, longQuery).Scan(&n); pgCode(err) != "57014" {
		t.Errorf("long query: %v, want 57014", err)
	}
	if _, err := c.Exec(ctx, "reset statement_timeout"); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, "show statement_timeout").Scan(&s); err != nil || s != "0" {
		t.Errorf("after reset: %q %v", s, err)
	}
	if _, err := c.Exec(ctx, "set statement_timeout = 'soon'"); pgCode(err) != "22023" {
		t.Errorf("bad value: %v", err)
	}
}

func TestMaxConns(t *testing.T) {
	cfg := pgwireConfig()
	cfg.MaxConns = 2
	_, addr := startServer(t, cfg, nil)
	c1 := connect(t, addr)
	connect(t, addr)
	_, err := pgx.Connect(context.Background(), connString(addr, "tester", ""))
	if pgCode(err) != "53300" {
		t.Fatalf("third connection: %v, want 53300", err)
	}
	c1.Close(context.Background())
	// The slot is released when the session ends.
	var c3 *pgx.Conn
	for range 50 {
		if c3, err = pgx.Connect(context.Background(), connString(addr, "tester", "")); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("after a close: %v", err)
	}
	c3.Close(context.Background())
}

func TestIdleTimeout(t *testing.T) {
	cfg := pgwireConfig()
	cfg.IdleTimeout = 200 * time.Millisecond
	_, addr := startServer(t, cfg, nil)
	rc := rawConnect(t, addr)
	rc.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	m, err := rc.fe.Receive()
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := m.(*pgproto3.ErrorResponse); !ok || e.Code != "57P05" || e.Severity != "FATAL" {
		t.Fatalf("got %#v, want FATAL 57P05", m)
	}
}

func TestSCRAM(t *testing.T) {
	users := filepath.Join(t.TempDir(), "users")
	if err := pgwire.AddUser(users, "analyst", "s3cret pässword"); err != nil {
		t.Fatal(err)
	}
	_, addr := startServer(t, pgwire.Config{Users: users}, nil)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, connString(addr, "analyst", "'s3cret pässword'"))
	if err != nil {
		t.Fatalf("good password: %v", err)
	}
	var n int
	if err := c.QueryRow(ctx, "select 41 + 1").Scan(&n); err != nil || n != 42 {
		t.Errorf("query after login: %d %v", n, err)
	}
	c.Close(ctx)
	for _, tc := range []struct{ user, password string }{
		{"analyst", "wrong"},
		{"nobody", "s3cret"},
		{"analyst", ""},
	} {
		_, err := pgx.Connect(ctx, connString(addr, tc.user, tc.password))
		if pgCode(err) != "28P01" {
			t.Errorf("%s/%q: %v, want 28P01", tc.user, tc.password, err)
		}
	}
	// psql, the real libpq client.
	if out, err := runPSQL(t, addr, "analyst", "s3cret pässword", "-At", "-c", "select 7"); err != nil || out != "7\n" {
		t.Errorf("psql good password: %v %q", err, out)
	}
	if out, err := runPSQL(t, addr, "analyst", "nope", "-At", "-c", "select 7"); err == nil || !strings.Contains(out, "password authentication failed") {
		t.Errorf("psql bad password: %v %q", err, out)
	}
}

func TestTrustOnlyLoopback(t *testing.T) {
	users := filepath.Join(t.TempDir(), "users")
	if err := pgwire.AddUser(users, "u", "p"); err != nil {
		t.Fatal(err)
	}
	_, addr := startServer(t, pgwire.Config{Users: users, Trust: true}, nil)
	// Loopback: trust, no password needed.
	c, err := pgx.Connect(context.Background(), connString(addr, "anyone", ""))
	if err != nil {
		t.Fatalf("trust over loopback: %v", err)
	}
	c.Close(context.Background())
}

func TestAllowList(t *testing.T) {
	cfg := pgwireConfig()
	cfg.AllowCIDRs = mustPrefixes(t, "10.0.0.0/8")
	_, addr := startServer(t, cfg, nil)
	_, err := pgx.Connect(context.Background(), connString(addr, "tester", ""))
	if err == nil {
		t.Fatal("connection from 127.0.0.1 accepted by a 10/8 allow-list")
	}
	cfg.AllowCIDRs = mustPrefixes(t, "10.0.0.0/8", "127.0.0.0/8")
	_, addr = startServer(t, cfg, nil)
	c := connect(t, addr)
	c.Close(context.Background())
}

// TestMalformedMessages sends broken streams on one connection while
// another keeps querying: only the broken connection ends.
func TestMalformedMessages(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	good := connect(t, addr)
	streams := map[string][]byte{
		"unknown type":     {'?', 0, 0, 0, 4},
		"negative length":  {'Q', 0xff, 0xff, 0xff, 0xff},
		"short length":     {'Q', 0, 0, 0, 2},
		"oversized":        {'Q', 0x7f, 0, 0, 0},
		"bad bind":         append([]byte{'B', 0, 0, 0, 8}, 0, 0, 0xff, 0xff),
		"truncated parse":  {'P', 0, 0, 0, 6, 'a', 'b'},
		"describe garbage": {'D', 0, 0, 0, 6, 'Z', 0},
		"startup again":    {0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f},
	}
	var wg sync.WaitGroup
	for name, bytes := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rc := rawConnect(t, addr)
			rc.conn.Write(append(bytes, 'S', 0, 0, 0, 4))
			rc.conn.(*net.TCPConn).CloseWrite()
			rc.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			// The server answers with an error and/or closes; it must not
			// hang and must not take the server down.
			for {
				m, err := rc.fe.Receive()
				if err != nil {
					return
				}
				_ = m
			}
		}()
		_ = name
	}
	wg.Wait()
	var n int
	if err := good.QueryRow(context.Background(), "select 1").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the other client failed: %v", err)
	}
}

func TestConcurrentClients(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := pgx.Connect(context.Background(), connString(addr, "tester", ""))
			if err != nil {
				errs <- err
				return
			}
			defer c.Close(context.Background())
			// Mixed queries: extended with parameters, simple, catalog,
			// streaming, and a refused write.
			for j := range 5 {
				var n int64
				q := "select count(*) from flows where dport > $1"
				if err := c.QueryRow(context.Background(), q, i+j).Scan(&n); err != nil {
					errs <- err
					return
				}
				if err := c.QueryRow(context.Background(), "select count(*) from range(10000)", pgx.QueryExecModeSimpleProtocol).Scan(&n); err != nil || n != 10000 {
					errs <- fmt.Errorf("simple: %d %v", n, err)
					return
				}
				if err := c.QueryRow(context.Background(), "select count(*) from pg_catalog.pg_class c where pg_catalog.pg_table_is_visible(c.oid)").Scan(&n); err != nil {
					errs <- fmt.Errorf("catalog: %v", err)
					return
				}
				if _, err := c.Exec(context.Background(), "insert into flows (proto) values ('x')"); pgCode(err) != "42501" {
					errs <- fmt.Errorf("insert: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestCloseDuringQuery closes the server while a session runs a long
// query: the query is interrupted, the client told, and Close returns.
func TestCloseDuringQuery(t *testing.T) {
	srv, addr := startServer(t, pgwireConfig(), nil)
	rc := rawConnect(t, addr)
	rc.send(&pgproto3.Query{String: longQuery})
	done := make(chan error, 1)
	go func() {
		// Close may come before the query starts: it must end it anyway.
		done <- srv.Close()
	}()
	rc.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	var got []string
	for {
		m, err := rc.fe.Receive()
		if err != nil {
			break
		}
		got = append(got, summarize(m))
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, g := range got {
		if g == "ReadyForQuery I" || strings.HasPrefix(g, "DataRow") {
			t.Errorf("the query completed instead of being stopped: %q", got)
		}
	}
}
