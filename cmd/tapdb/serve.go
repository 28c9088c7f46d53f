package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"tapdb/ingest"
	"tapdb/ingest/flow"
	"tapdb/pgwire"
	"tapdb/query"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "tapdb serve [--db STORE] [-r CAPTURE …] [--listen ADDR]")
	db := fs.String("db", "", "flow store to serve (DuckDB file); without it an in-memory store holds the -r captures")
	var inputs stringList
	fs.Var(&inputs, "r", "capture to ingest before serving (repeatable)")
	listen := fs.String("listen", "127.0.0.1:5433", "address of the Postgres endpoint")
	users := fs.String("users", "tapdb.users", "users file with SCRAM-SHA-256 verifiers (tapdb user add)")
	trust := fs.Bool("trust", false, "let loopback clients in without a password")
	var allow stringList
	fs.Var(&allow, "allow", "client network allowed to connect, CIDR (repeatable; default: any)")
	maxConns := fs.Int("max-conns", 64, "most concurrent sessions (SQLSTATE 53300 past it)")
	queryTimeout := fs.Duration("query-timeout", 5*time.Minute, "cancel a statement running longer (0: no limit)")
	idleTimeout := fs.Duration("idle-timeout", time.Hour, "close a session idle longer (0: no limit)")
	memLimit := fs.String("memory-limit", "", "DuckDB memory limit for all queries, e.g. 4GB (default: DuckDB's, 80% of RAM)")
	partition := fs.String("partition", "day", "partition width of a new store: hour, day or month")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	var prefixes []netip.Prefix
	for _, a := range allow {
		p, err := netip.ParsePrefix(a)
		if err != nil {
			return &usageError{fmt.Sprintf("--allow %s: %v", a, err)}
		}
		prefixes = append(prefixes, p)
	}
	if *db == "" && len(inputs) == 0 {
		return &usageError{"want --db STORE, -r CAPTURE, or both"}
	}
	log := e.log
	st, err := query.Open(ctx, *db, query.Options{Partition: *partition, Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	if len(inputs) > 0 {
		w, err := st.NewWriter(ctx, query.WriterOptions{})
		if err != nil {
			return err
		}
		cfg := flow.DefaultConfig()
		cfg.Srcid, _ = os.Hostname()
		stats, readErr := ingest.ReadFiles(ctx, inputs, ingest.Options{Flow: cfg, Logger: log}, w.Write)
		if err := w.Close(); err != nil {
			return errors.Join(readErr, err)
		}
		if readErr != nil {
			fmt.Fprintf(e.stderr, "tapdb serve: %v (serving the flows read before it)\n", readErr)
		}
		fmt.Fprintf(e.stderr, "ingested %d packets from %d capture(s) into %d flow records\n", stats.Packets, stats.Files, stats.Flow.Records)
	}
	if *memLimit != "" {
		if _, err := st.DB().ExecContext(ctx, "SET memory_limit = ?", *memLimit); err != nil {
			return &usageError{fmt.Sprintf("--memory-limit %s: %v", *memLimit, err)}
		}
	}
	if err := st.Harden(ctx); err != nil {
		return err
	}
	srv, err := pgwire.New(pgwire.Config{
		Listen: *listen, Users: *users, Trust: *trust, AllowCIDRs: prefixes, MaxConns: *maxConns,
		QueryTimeout: *queryTimeout, IdleTimeout: *idleTimeout, Logger: log,
	}, st.DB())
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	user := "analyst"
	if *trust {
		user = "tapdb"
	}
	fmt.Fprintf(e.stdout, "tapdb serving flows on %s\n  psql \"host=%s port=%s user=%s dbname=flows sslmode=disable\"\n", ln.Addr(), host, port, user)
	if !*trust {
		fmt.Fprintf(e.stdout, "  (add users with: tapdb user add --users %s NAME)\n", *users)
	}
	err = srv.Serve(ctx, ln)
	if ctx.Err() != nil {
		return nil // interrupted: a clean stop
	}
	return err
}
