package pgwire

import (
	"context"
	"database/sql"
	"net"
	"testing"
)

// ServeTest serves db on a loopback port until the test ends and returns
// the server and its address. It is the one way tests of both this package
// and pgwire_test start a server.
func ServeTest(t testing.TB, cfg Config, db *sql.DB) (*Server, string) {
	t.Helper()
	srv, err := New(cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(context.Background(), ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return srv, ln.Addr().String()
}
