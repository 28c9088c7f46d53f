package pgwire_test

import (
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"tapdb/pgwire"
)

func TestSelfSignedCertKept(t *testing.T) {
	dir := t.TempDir()
	c1, err := pgwire.SelfSignedCert(dir)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := pgwire.SelfSignedCert(dir)
	if err != nil {
		t.Fatal(err)
	}
	if string(c1.Certificates[0].Certificate[0]) != string(c2.Certificates[0].Certificate[0]) {
		t.Error("second call generated a new certificate instead of keeping the first")
	}
	st, err := os.Stat(filepath.Join(dir, "server.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", st.Mode(), err)
	}
}

func TestTLS(t *testing.T) {
	tc, err := pgwire.SelfSignedCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []pgwire.TLSMode{pgwire.TLSOptional, pgwire.TLSRequired} {
		cfg := pgwireConfig()
		cfg.TLS, cfg.TLSMode = tc, mode
		_, addr := startServer(t, cfg, nil)
		ctx := context.Background()
		pc, err := pgx.ParseConfig(strings.Replace(connString(addr, "tester", ""), "sslmode=disable", "sslmode=require", 1))
		if err != nil {
			t.Fatal(err)
		}
		c, err := pgx.ConnectConfig(ctx, pc)
		if err != nil {
			t.Fatalf("mode %v: TLS connect: %v", mode, err)
		}
		if _, ok := c.PgConn().Conn().(*tls.Conn); !ok {
			t.Errorf("mode %v: connection is not TLS", mode)
		}
		c.Close(ctx)
		_, err = pgx.Connect(ctx, connString(addr, "tester", ""))
		if mode == pgwire.TLSRequired && pgCode(err) != "28000" {
			t.Errorf("plain connection with TLS required: %v, want 28000", err)
		}
		if mode == pgwire.TLSOptional && err != nil {
			t.Errorf("plain connection with TLS optional: %v", err)
		}
		out, err := runPSQL(t, addr, "tester", "", "-At", "-c", "select ssl from (select 1 as x) t, (select true as ssl) s")
		if mode == pgwire.TLSOptional && (err != nil || out != "t\n") {
			t.Errorf("psql over plain with TLS optional: %v %q", err, out)
		}
	}
}

// TestTLSWithSCRAM logs in with psql over TLS (libpq then offers channel
// binding, which the server does not advertise) and checks that plain
// connections are refused when TLS is required.
func TestTLSWithSCRAM(t *testing.T) {
	tc, err := pgwire.SelfSignedCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	users := filepath.Join(t.TempDir(), "users")
	if err := pgwire.AddUser(users, "analyst", "pw"); err != nil {
		t.Fatal(err)
	}
	_, addr := startServer(t, pgwire.Config{Users: users, TLS: tc, TLSMode: pgwire.TLSRequired}, nil)
	out, err := runPSQLMode(t, addr, "analyst", "pw", "require", "-At", "-c", "select 'over tls'")
	if err != nil || out != "over tls\n" {
		t.Errorf("psql sslmode=require: %v %q", err, out)
	}
	out, err = runPSQLMode(t, addr, "analyst", "pw", "disable", "-At", "-c", "select 1")
	if err == nil || !strings.Contains(out, "TLS is required") {
		t.Errorf("psql sslmode=disable with TLS required: %v %q", err, out)
	}
}
