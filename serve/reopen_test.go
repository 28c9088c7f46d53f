package serve

import (
	"context"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tapdb/internal/duckc"
	"tapdb/internal/testutil"
	"tapdb/store"
)

// A fatal DuckDB error (made here with DuckDB's checkpoint-abort test
// switch) invalidates the instance; the daemon notices, ends the sessions,
// reopens the store and serves every committed flow again, then stops
// cleanly.
func TestServeReopensInvalidatedStore(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	cfg := Default()
	cfg.DB = t.TempDir() + "/flows.duckdb"
	cfg.Read = []string{"../testdata/pcaps/zeek-icmp-5-pings.pcap", "../testdata/pcaps/pcapplusplus-dns-packets.pcap"}
	cfg.Listen = "127.0.0.1:0"
	cfg.Trust = true
	cfg.Commit = Duration(100 * time.Millisecond)
	cfg.Retry = Duration(200 * time.Millisecond)
	var out, logs testutil.SyncBuffer
	var st *store.Store
	opened := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, Options{
			Stdout: &out,
			Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			storeOpened: func(s *store.Store) {
				st = s
				// Armed before Harden locks the configuration; fires at
				// the next checkpoint.
				if _, err := s.DB().Exec("SET debug_checkpoint_abort = 'before_header'"); err != nil {
					t.Error(err)
				}
				close(opened)
			},
		})
	}()
	<-opened
	addr := ""
	for i := 0; addr == "" && i < 200; i++ {
		if m := regexp.MustCompile(`serving flows on (\S+)`).FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	if addr == "" {
		t.Fatalf("no banner; log:\n%s", logs.String())
	}
	dsn := "postgres://tapdb@" + addr + "/flows?sslmode=disable"
	count := func(c *pgx.Conn) (int, error) {
		var n int
		err := c.QueryRow(ctx, "SELECT count(*) FROM flows").Scan(&n)
		return n, err
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	want, err := count(c)
	if err != nil || want == 0 {
		t.Fatalf("flows before: %d, %v", want, err)
	}

	if _, err := st.DB().Exec("CHECKPOINT"); !duckc.IsFatal(err) {
		t.Fatalf("checkpoint with the abort switch: %v, want a fatal error", err)
	}
	// The open session is ended; a new one sees every flow once the store
	// is reopened.
	var n int
	deadline := time.Now().Add(20 * time.Second)
	for {
		if time.Now().After(deadline) {
			t.Fatalf("store not reopened; last count %d, %v; log:\n%s", n, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
		c2, cerr := pgx.Connect(ctx, dsn)
		if cerr != nil {
			err = cerr
			continue
		}
		n, err = count(c2)
		c2.Close(ctx)
		if err == nil {
			break
		}
	}
	if n != want {
		t.Errorf("after reopening: %d flows, want %d", n, want)
	}
	if _, err := count(c); err == nil {
		t.Error("the session opened before the fatal error survived the reopen")
	}
	if !regexp.MustCompile(`STORE INVALIDATED`).MatchString(logs.String()) || !regexp.MustCompile(`store reopened`).MatchString(logs.String()) {
		t.Errorf("log does not tell of the reopen:\n%s", logs.String())
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}
