package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "pgbench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: pgbench ddl | indexes | columns | run -tapdb URL -pg URL")
	}
	switch args[0] {
	case "ddl":
		return writeDDL(os.Stdout)
	case "indexes":
		_, err := fmt.Print(indexDDL)
		return err
	case "columns":
		_, err := fmt.Println(columnList())
		return err
	case "run":
		fs := flag.NewFlagSet("run", flag.ContinueOnError)
		var cfg config
		fs.StringVar(&cfg.tapdbURL, "tapdb", "", "connection string of tapdb serve")
		fs.StringVar(&cfg.pgURL, "pg", "", "connection string of PostgreSQL")
		fs.IntVar(&cfg.pings, "pings", 5000, "sequential select 1 round trips per mode")
		fs.IntVar(&cfg.stream, "stream", 1000000, "rows streamed")
		fs.IntVar(&cfg.runs, "runs", 3, "timed runs of each aggregate and of the stream (median reported)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if cfg.tapdbURL == "" || cfg.pgURL == "" {
			return errors.New("run: -tapdb and -pg are required")
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		return bench(ctx, cfg, os.Stdout)
	}
	return fmt.Errorf("unknown command %q", args[0])
}
