package pgwire_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"

	"tapdb/internal/testutil"
	"tapdb/pgwire"
)

// waitUntil polls cond for up to a generous minute.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A FunctionCall is answered with an error and ReadyForQuery, so the
// client does not hang, and the session goes on.
func TestFunctionCallEndsWithReadyForQuery(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	c := rawConnect(t, addr)
	c.send(&pgproto3.FunctionCall{Function: 1598, Arguments: [][]byte{[]byte("x")}, ResultFormatCode: 0})
	got := c.recvUntilReady()
	if len(got) != 2 || got[0] != "ErrorResponse 0A000" || got[1] != "ReadyForQuery I" {
		t.Errorf("FunctionCall answered %q, want an 0A000 error then ReadyForQuery", got)
	}
	c.send(&pgproto3.Query{String: "select 1"})
	if got := c.recvUntilReady(); !slices.Contains(got, "DataRow 1") || got[len(got)-1] != "ReadyForQuery I" {
		t.Errorf("after the FunctionCall: %q", got)
	}
}

// stallAuth connects as user, sends the StartupMessage, reads the SASL
// request and then sends nothing more: a client that never logs in.
func stallAuth(t *testing.T, addr, user string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fe := pgproto3.NewFrontend(conn, conn)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": user, "database": "flows"}})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	if m, err := fe.Receive(); err != nil {
		t.Fatalf("stalled client: %v", err)
	} else if _, ok := m.(*pgproto3.AuthenticationSASL); !ok {
		t.Fatalf("stalled client got %T, want AuthenticationSASL", m)
	}
	return conn
}

// Clients that connect and never log in hold no session slot, are bounded
// in number (the oldest closed to make room) and are closed after the
// authentication timeout; a real user still gets in.
func TestStalledClientsDoNotLockOut(t *testing.T) {
	users := filepath.Join(t.TempDir(), "users")
	if err := pgwire.AddUser(users, "analyst", "pw"); err != nil {
		t.Fatal(err)
	}
	var logs testutil.SyncBuffer
	cfg := pgwire.Config{Users: users, MaxConns: 3, MaxStartups: 8, StartupTimeout: 3 * time.Second,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	srv, addr := startServer(t, cfg, nil)
	var stalled []net.Conn
	for range 20 {
		stalled = append(stalled, stallAuth(t, addr, "analyst"))
	}
	if st := srv.Stats(); st.Startups > 8 || st.Evicted < 12 {
		t.Errorf("after 20 stalled clients: %+v, want at most 8 authenticating and 12 closed", st)
	}
	// Real users log in, as many as there are session slots.
	ctx := context.Background()
	var sessions []*pgx.Conn
	for i := range 3 {
		c, err := pgx.Connect(ctx, connString(addr, "analyst", "pw"))
		if err != nil {
			t.Fatalf("user %d locked out by stalled clients: %v", i, err)
		}
		sessions = append(sessions, c)
	}
	for _, c := range sessions {
		var one int
		if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil {
			t.Error(err)
		}
		c.Close(ctx)
	}
	// Every stalled client is closed: evicted, or at the timeout.
	for i, conn := range stalled {
		conn.SetReadDeadline(time.Now().Add(time.Minute))
		if _, err := io.ReadAll(conn); err != nil {
			t.Errorf("stalled client %d: %v, want the server to close it", i, err)
		}
	}
	waitUntil(t, "no connection left authenticating", func() bool { return srv.Stats().Startups == 0 })
	if st := srv.Stats(); st.TimedOut < 1 {
		t.Errorf("stats %+v: no connection closed at the timeout", st)
	}
	if !strings.Contains(logs.String(), `msg="closed a connection that did not log in in time"`) ||
		!strings.Contains(logs.String(), `msg="closed the oldest connection still authenticating to make room"`) {
		t.Errorf("closings not logged:\n%s", logs.String())
	}
}

// fail2banRegex is the failregex of packaging/README.md, <HOST> made a
// group.
var fail2banRegex = regexp.MustCompile(`msg="authentication failed" .*\baddr=(\S+)`)

// Failed logins are throttled across connections, by address and by user,
// with a growing wait, and logged with the address.
func TestFailedLoginsThrottled(t *testing.T) {
	users := filepath.Join(t.TempDir(), "users")
	if err := pgwire.AddUser(users, "analyst", "pw"); err != nil {
		t.Fatal(err)
	}
	var logs testutil.SyncBuffer
	cfg := pgwire.Config{Users: users, AuthFailDelay: 100 * time.Millisecond, AuthFailMaxDelay: 400 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	_, addr := startServer(t, cfg, nil)
	ctx := context.Background()
	start := time.Now()
	for range 5 {
		_, err := pgx.Connect(ctx, connString(addr, "analyst", "wrong"))
		if pgCode(err) != "28P01" {
			t.Fatalf("wrong password: %v, want 28P01", err)
		}
	}
	// The attempts after the first started 100, 200, 400 and 400ms after
	// the failure before them (the answer's delay counting).
	if took := time.Since(start); took < 1100*time.Millisecond {
		t.Errorf("5 failed logins took %v: not throttled", took)
	}
	// Concurrent guesses queue behind each other, however many
	// connections they use.
	start = time.Now()
	errs := make(chan error)
	for range 4 {
		go func() {
			_, err := pgx.Connect(ctx, connString(addr, "analyst", "wrong"))
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; pgCode(err) != "28P01" {
			t.Errorf("concurrent wrong password: %v", err)
		}
	}
	if took := time.Since(start); took < 3*400*time.Millisecond {
		t.Errorf("4 concurrent failed logins took %v: not queued", took)
	}
	// The right password still works, and forgets the failures.
	c, err := pgx.Connect(ctx, connString(addr, "analyst", "pw"))
	if err != nil {
		t.Fatalf("right password after failures: %v", err)
	}
	c.Close(ctx)
	n := 0
	for _, line := range strings.Split(logs.String(), "\n") {
		if m := fail2banRegex.FindStringSubmatch(line); m != nil {
			n++
			if m[1] != "127.0.0.1" {
				t.Errorf("failure logged with address %q: %s", m[1], line)
			}
		}
	}
	if n != 9 {
		t.Errorf("%d failed logins match the fail2ban regex, want 9:\n%s", n, logs.String())
	}
}

// A login that the backoff would make wait past the authentication
// timeout is refused at once with 28000.
func TestFailedLoginsRefused(t *testing.T) {
	users := filepath.Join(t.TempDir(), "users")
	if err := pgwire.AddUser(users, "analyst", "pw"); err != nil {
		t.Fatal(err)
	}
	cfg := pgwire.Config{Users: users, AuthFailDelay: 10 * time.Millisecond, AuthFailMaxDelay: time.Hour, StartupTimeout: 5 * time.Second}
	_, addr := startServer(t, cfg, nil)
	ctx := context.Background()
	var err error
	for range 20 {
		if _, err = pgx.Connect(ctx, connString(addr, "analyst", "wrong")); pgCode(err) == "28000" {
			break
		}
	}
	if pgCode(err) != "28000" || !strings.Contains(err.Error(), "too many failed login attempts") {
		t.Errorf("after many failures: %v, want 28000", err)
	}
}

// disconnectQuery runs for hours unless interrupted.
const disconnectQuery = "select count(*) from range(1000000000) a, range(1000000000) b where a.range + b.range = 7"

// A client that disconnects while its query runs gets the query
// interrupted, over plain TCP and over TLS.
func TestClientGoneInterruptsQuery(t *testing.T) {
	tc, err := pgwire.SelfSignedCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, useTLS := range []bool{false, true} {
		var logs testutil.SyncBuffer
		cfg := pgwire.Config{TLS: tc, TLSMode: pgwire.TLSOptional, ClientCheckInterval: 50 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))}
		srv, addr := startServer(t, cfg, nil)
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if useTLS {
			conn = startTLS(t, conn, tc)
		}
		fe := pgproto3.NewFrontend(conn, conn)
		fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "tester", "database": "flows"}})
		fe.Flush()
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		for {
			m, err := fe.Receive()
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := m.(*pgproto3.ReadyForQuery); ok {
				break
			}
		}
		// The query is read before the close is noticed, so it starts.
		fe.Send(&pgproto3.Query{String: disconnectQuery})
		fe.Flush()
		conn.Close()
		waitUntil(t, "the query to be interrupted and the session to end", func() bool {
			st := srv.Stats()
			return st.Open == 0 && st.ClientGone == 1
		})
		if !strings.Contains(logs.String(), "client disconnected during a query: interrupting it") {
			t.Errorf("tls %v: interruption not logged:\n%s", useTLS, logs.String())
		}
	}
}

// startTLS asks for TLS on conn and completes the handshake, trusting the
// server's certificate tc.
func startTLS(t *testing.T, conn net.Conn, tc *tls.Config) net.Conn {
	t.Helper()
	fe := pgproto3.NewFrontend(conn, conn)
	fe.Send(&pgproto3.SSLRequest{})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	var b [1]byte
	if _, err := io.ReadFull(conn, b[:]); err != nil || b[0] != 'S' {
		t.Fatalf("SSLRequest answered %q %v", b, err)
	}
	roots := x509.NewCertPool()
	leaf, err := x509.ParseCertificate(tc.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	roots.AddCert(leaf)
	c := tls.Client(conn, &tls.Config{RootCAs: roots, ServerName: "localhost"})
	if err := c.Handshake(); err != nil {
		t.Fatal(err)
	}
	return c
}

// SetTLS replaces the certificate for new connections; the minimum
// version is honoured.
func TestSetTLS(t *testing.T) {
	old, err := pgwire.SelfSignedCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	renewed, err := pgwire.SelfSignedCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, addr := startServer(t, pgwire.Config{TLS: old, TLSMode: pgwire.TLSRequired}, nil)
	peer := func(maxVersion uint16) (string, error) {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			return "", err
		}
		defer conn.Close()
		fe := pgproto3.NewFrontend(conn, conn)
		fe.Send(&pgproto3.SSLRequest{})
		fe.Flush()
		var b [1]byte
		if _, err := io.ReadFull(conn, b[:]); err != nil {
			return "", err
		}
		c := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, MaxVersion: maxVersion})
		if err := c.Handshake(); err != nil {
			return "", err
		}
		return pgwire.CertFingerprint(tls.Certificate{Certificate: [][]byte{c.ConnectionState().PeerCertificates[0].Raw}}), nil
	}
	if fp, err := peer(0); err != nil || fp != pgwire.CertFingerprint(old.Certificates[0]) {
		t.Errorf("before SetTLS: %v %s", err, fp)
	}
	next := renewed.Clone()
	next.MinVersion = tls.VersionTLS13
	if err := srv.SetTLS(next, pgwire.TLSRequired); err != nil {
		t.Fatal(err)
	}
	if fp, err := peer(0); err != nil || fp != pgwire.CertFingerprint(renewed.Certificates[0]) {
		t.Errorf("after SetTLS: %v %s", err, fp)
	}
	if _, err := peer(tls.VersionTLS12); err == nil {
		t.Error("TLS 1.2 handshake accepted with a 1.3 minimum")
	}
	if err := srv.SetTLS(nil, pgwire.TLSOptional); err == nil {
		t.Error("SetTLS accepted TLS offered without a certificate")
	}
}
