package pgwire_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Suspend ends every session (cancelling a running query), refuses new
// ones with 57P03 and returns once no database connection is held; Resume
// serves the new database.
func TestSuspendResume(t *testing.T) {
	ctx := context.Background()
	srv, addr := startServer(t, pgwireConfig(), nil)
	idle := connect(t, addr)
	busy := connect(t, addr)
	var n int
	if err := idle.QueryRow(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil || n != 3 {
		t.Fatalf("before: count %d, %v", n, err)
	}
	queryDone := make(chan error, 1)
	go func() {
		var x int64
		queryDone <- busy.QueryRow(ctx, "SELECT count(*) FROM range(100000000000) a").Scan(&x)
	}()
	time.Sleep(200 * time.Millisecond)

	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := srv.Suspend(sctx, "store reopening after a fatal error"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-queryDone:
		if err == nil {
			t.Error("the running query finished normally across Suspend")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the running query was not ended by Suspend")
	}
	if err := idle.QueryRow(ctx, "SELECT 1").Scan(&n); err == nil {
		t.Error("an idle session survived Suspend")
	}
	_, err := pgx.Connect(ctx, connString(addr, "tester", ""))
	if pgCode(err) != "57P03" {
		t.Errorf("connect while suspended: %v, want SQLSTATE 57P03", err)
	}

	db2 := newTestDB(t)
	if _, err := db2.Exec("DELETE FROM flows WHERE proto = 'udp'"); err != nil {
		t.Fatal(err)
	}
	srv.Resume(db2)
	c := connect(t, addr)
	if err := c.QueryRow(ctx, "SELECT count(*) FROM flows").Scan(&n); err != nil || n != 2 {
		t.Fatalf("after Resume: count %d, %v; want the new database's 2", n, err)
	}
}
