package pgwire_test

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"tapdb/pgwire"
)

// encode concatenates the wire form of frontend messages.
func encode(t testing.TB, msgs ...pgproto3.FrontendMessage) []byte {
	var b []byte
	for _, m := range msgs {
		var err error
		if b, err = m.Encode(b); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// FuzzMessages feeds arbitrary bytes to a session after a valid startup.
// The server must answer or close, never hang past its timeouts or crash,
// and keep serving other clients.
func FuzzMessages(f *testing.F) {
	f.Add(encode(f, &pgproto3.Query{String: "select 1"}))
	f.Add(encode(f, &pgproto3.Query{String: "select * from flows; ;"}))
	f.Add(encode(f, &pgproto3.Parse{Query: "select $1::int"}, &pgproto3.Bind{Parameters: [][]byte{[]byte("1")}},
		&pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{MaxRows: 1}, &pgproto3.Sync{}))
	f.Add(encode(f, &pgproto3.Parse{Name: "a", Query: "select range from range(10)"}, &pgproto3.Bind{PreparedStatement: "a", DestinationPortal: "p"},
		&pgproto3.Execute{Portal: "p", MaxRows: 3}, &pgproto3.Close{ObjectType: 'P', Name: "p"}, &pgproto3.Sync{}))
	f.Add(encode(f, &pgproto3.Query{String: "begin; declare c cursor for select 1; fetch 1 from c; commit"}))
	f.Add(encode(f, &pgproto3.Query{String: "copy (select 1) to stdout with csv header"}))
	f.Add([]byte{'B', 0, 0, 0, 8, 0, 0, 0xff, 0xff})

	cfg := pgwire.Config{QueryTimeout: time.Second, IdleTimeout: 2 * time.Second, MaxMessageSize: 1 << 20}
	_, addr := startServer(f, cfg, nil)
	startup := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "fuzz", "database": "flows"}})
	hello, err := startup.Encode(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		msg := append(append(append([]byte(nil), hello...), data...), 'S', 0, 0, 0, 4, 'X', 0, 0, 0, 4)
		if _, err := conn.Write(msg); err != nil {
			return // the server may close early
		}
		conn.(*net.TCPConn).CloseWrite()
		if _, err := io.Copy(io.Discard, conn); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("server did not finish with the connection")
			}
		}
		// The server still serves.
		c := connect(t, addr)
		var n int
		if err := c.QueryRow(context.Background(), "select 1").Scan(&n); err != nil {
			t.Fatalf("server broken after input: %v", err)
		}
	})
}
