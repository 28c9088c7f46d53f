package main

import (
	"context"
	"errors"
	"flag"
	"io"

	"tapdb/serve"
)

// runServe is the daemon: live capture, NetFlow/IPFIX collection, the
// store and the Postgres endpoint in one process (see package serve).
func runServe(ctx context.Context, e *env, args []string) error {
	l, err := serve.Load(args, e.stderr)
	if err != nil {
		return serveError(err)
	}
	if l.PrintConfig {
		return l.Config.WriteTOML(e.stdout)
	}
	log := l.Config.NewLogger(e.stderr)
	for _, w := range l.Warnings {
		log.Warn("argus.conf", "msg", w)
	}
	reload := func() (serve.Config, error) {
		l, err := serve.Load(args, io.Discard)
		if err != nil {
			return serve.Config{}, err
		}
		return l.Config, nil
	}
	return serveError(serve.Run(ctx, l.Config, serve.Options{Stdout: e.stdout, Logger: log, Reload: reload}))
}

// serveError turns the daemon's usage errors into the command's.
func serveError(err error) error {
	var ue *serve.UsageError
	if errors.As(err, &ue) && !errors.Is(err, flag.ErrHelp) {
		return &usageError{ue.Error()}
	}
	return err
}
