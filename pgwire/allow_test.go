package pgwire_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"tapdb/internal/testutil"
	"tapdb/pgwire"
)

func TestParseAllowList(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string
		bad  bool
	}{
		{nil, nil, false},
		{[]string{"10.0.0.0/8", "fd00::/8"}, []string{"10.0.0.0/8", "fd00::/8"}, false},
		{[]string{"192.0.2.7"}, []string{"192.0.2.7/32"}, false},
		{[]string{"::1"}, []string{"::1/128"}, false},
		{[]string{"10.1.2.3/8"}, []string{"10.0.0.0/8"}, false},
		{[]string{"10.0.0.0/33"}, nil, true},
		{[]string{"localhost"}, nil, true},
		{[]string{""}, nil, true},
	} {
		got, err := pgwire.ParseAllowList(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("ParseAllowList(%q): error %v", tc.in, err)
			continue
		}
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		if !reflect.DeepEqual(s, tc.want) {
			t.Errorf("ParseAllowList(%q) = %v, want %v", tc.in, s, tc.want)
		}
	}
}

// refusedConfig serves with an allow-list that excludes the loopback
// clients of the tests, logging as JSON into logs.
func refusedConfig(logs io.Writer) pgwire.Config {
	cfg := pgwireConfig()
	cfg.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	return cfg
}

const refusedMessage = `no allow-list entry for host "127.0.0.1", user "tester", database "flows"`

// A client the allow-list refuses is told so with SQLSTATE 28000, whether
// or not it asks for TLS first, and the refusal is logged with its
// address at level WARN.
func TestAllowListRefusalPGX(t *testing.T) {
	var logs testutil.SyncBuffer
	srv, addr := startServer(t, refusedConfig(&logs), nil)
	for _, sslmode := range []string{"disable", "prefer"} {
		t.Run(sslmode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			conn := strings.Replace(connString(addr, "tester", ""), "sslmode=disable", "sslmode="+sslmode, 1)
			c, err := pgx.Connect(ctx, conn)
			if err == nil {
				c.Close(ctx)
				t.Fatal("a client outside the allow-list connected")
			}
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want an ErrorResponse", err)
			}
			if pe.Code != "28000" || pe.Severity != "FATAL" || pe.Message != refusedMessage {
				t.Errorf("got %s %s %q, want FATAL 28000 %q", pe.Severity, pe.Code, pe.Message, refusedMessage)
			}
		})
	}
	// pgx's sslmode=prefer makes two connections: one refused TLS, then
	// a plain one.
	waitLog(t, &logs, 2)
	if st := srv.Stats(); st.Refused < 2 || st.Accepted != 0 {
		t.Errorf("stats %+v, want 2 or more refused and none accepted", st)
	}
}

// The same with the protocol spelled out: SSLRequest is declined with 'N',
// the StartupMessage is answered with the ErrorResponse, and the
// connection is closed.
func TestAllowListRefusalRaw(t *testing.T) {
	var logs testutil.SyncBuffer
	_, addr := startServer(t, refusedConfig(&logs), nil)
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fe := pgproto3.NewFrontend(conn, conn)
	fe.Send(&pgproto3.SSLRequest{})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(conn, b); err != nil || b[0] != 'N' {
		t.Fatalf("SSLRequest answered %q, %v; want N", b, err)
	}
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "tester", "database": "flows"}})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	msg, err := fe.Receive()
	if err != nil {
		t.Fatal(err)
	}
	er, ok := msg.(*pgproto3.ErrorResponse)
	if !ok || er.Code != "28000" || er.Severity != "FATAL" || er.Message != refusedMessage {
		t.Fatalf("got %#v, want FATAL 28000 %q", msg, refusedMessage)
	}
	if _, err := fe.Receive(); !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("after the ErrorResponse: %v, want the connection closed", err)
	}
	waitLog(t, &logs, 1)
}

// psql shows the refusal's message.
func TestAllowListRefusalPSQL(t *testing.T) {
	var logs testutil.SyncBuffer
	_, addr := startServer(t, refusedConfig(&logs), nil)
	for i, sslmode := range []string{"disable", "prefer"} {
		out, err := runPSQLMode(t, addr, "tester", "", sslmode, "-c", "select 1")
		if err == nil || !strings.Contains(out, "FATAL:  "+refusedMessage) {
			t.Errorf("sslmode=%s: psql %v:\n%s", sslmode, err, out)
		}
		waitLog(t, &logs, i+1)
	}
}

// Changing the allow-list applies to new connections only: an open
// session keeps working while new clients are refused, and clients are
// let in again when the list allows them.
func TestSetAllowList(t *testing.T) {
	var logs testutil.SyncBuffer
	cfg := pgwireConfig()
	cfg.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	srv, addr := startServer(t, cfg, nil)
	open := connect(t, addr)

	srv.SetAllowList([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := pgx.Connect(ctx, connString(addr, "tester", "")); pgCode(err) != "28000" {
		t.Fatalf("a new client after the list changed: %v, want 28000", err)
	}
	var one int
	if err := open.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Errorf("the open session after the list changed: %v", err)
	}
	srv.SetAllowList([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")})
	c := connect(t, addr)
	if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Errorf("an allowed client: %v", err)
	}
	waitLog(t, &logs, 1)
	if st := srv.Stats(); st.Refused != 1 || st.Accepted != 2 || st.Open != 2 {
		t.Errorf("stats %+v, want 1 refused, 2 accepted, 2 open", st)
	}
}

// waitLog waits until logs hold n refusal lines, and checks that each is a
// WARN naming the client's address.
func waitLog(t *testing.T, logs *testutil.SyncBuffer, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var refusals []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) == nil && strings.Contains(rec["msg"].(string), "allow-list") {
				refusals = append(refusals, rec)
			}
		}
		if len(refusals) >= n {
			for _, rec := range refusals {
				host, _, _ := net.SplitHostPort(rec["remote"].(string))
				if rec["level"] != "WARN" || host != "127.0.0.1" {
					t.Errorf("refusal logged as %v", rec)
				}
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d refusals logged, want %d:\n%s", len(refusals), n, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
