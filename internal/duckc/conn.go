package duckc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unsafe"

	mapping "github.com/duckdb/duckdb-go-bindings"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Conn is the C API handle of a connection opened by duckdb-go. It is
// borrowed: duckdb-go closes the connection, not Conn.
type Conn struct {
	c mapping.Connection
}

// driverConn mirrors the first two fields of duckdb-go's Conn: the C
// connection and its connection id. duckdb-go does not export the handle;
// Of checks the mirror against the id the driver does export before it
// trusts the handle, so a driver whose layout differs is refused rather than
// misread.
type driverConn struct {
	conn mapping.Connection
	id   uint64
}

// ErrLayout reports a duckdb-go whose connection does not have the layout
// Of expects.
var ErrLayout = errors.New("duckc: duckdb-go's connection layout is not the expected one")

// Of returns the C API handle of dc, a connection whose id
// (duckdb.ConnId of the *sql.Conn holding it) is id.
func Of(dc *duckdb.Conn, id uint64) (Conn, error) {
	if dc == nil {
		return Conn{}, ErrLayout
	}
	m := (*driverConn)(unsafe.Pointer(dc))
	if m.conn.Ptr == nil || m.id != id {
		return Conn{}, ErrLayout
	}
	var cc mapping.ClientContext
	mapping.ConnectionGetClientContext(m.conn, &cc)
	got := uint64(mapping.ClientContextGetConnectionId(cc))
	mapping.DestroyClientContext(&cc)
	if got != id {
		return Conn{}, fmt.Errorf("%w: connection id %d, want %d", ErrLayout, got, id)
	}
	return Conn{c: m.conn}, nil
}

// Raw runs f on c's driver connection, as sql.Conn.Raw does: dc is that
// connection if it is DuckDB's (nil otherwise, with dv the driver's), and
// native its C API handle, or nil with why saying why not.
func Raw(c *sql.Conn, f func(dv any, dc *duckdb.Conn, native *Conn, why error) error) error {
	var isDuck bool
	if err := c.Raw(func(dv any) error {
		_, isDuck = dv.(*duckdb.Conn)
		return nil
	}); err != nil {
		return err
	}
	var id uint64
	idErr := errors.New("duckc: not a DuckDB connection")
	if isDuck {
		// duckdb.ConnId panics on another driver's connection.
		id, idErr = duckdb.ConnId(c)
	}
	return c.Raw(func(dv any) error {
		dc, _ := dv.(*duckdb.Conn)
		if dc == nil || idErr != nil {
			return f(dv, dc, nil, idErr)
		}
		native, err := Of(dc, id)
		if err != nil {
			return f(dv, dc, nil, err)
		}
		return f(dv, dc, &native, nil)
	})
}

// Interrupt stops the statement running on the connection, from any
// goroutine.
func (c Conn) Interrupt() {
	mapping.Interrupt(c.c)
}

// watch interrupts the connection when ctx ends before the returned stop
// is called. stop returns only once an interrupt that started has been
// made, so that it cannot land on the connection's next statement.
func (c Conn) watch(ctx context.Context) (stop func()) {
	if ctx.Done() == nil {
		return func() {}
	}
	done := make(chan struct{})
	cancel := context.AfterFunc(ctx, func() {
		c.Interrupt()
		close(done)
	})
	return func() {
		if !cancel() {
			<-done
		}
	}
}
