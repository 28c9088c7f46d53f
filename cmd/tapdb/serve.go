package main

import (
	"context"
	"errors"
	"flag"
	"io"

	"tapdb/daemon"
)

// runServe is the daemon: live capture, NetFlow/IPFIX collection, the
// store and the Postgres endpoint in one process (see package daemon).
func runServe(ctx context.Context, e *env, args []string) error {
	l, err := daemon.Load(args, e.stderr)
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
	reload := func() (daemon.Config, error) {
		l, err := daemon.Load(args, io.Discard)
		if err != nil {
			return daemon.Config{}, err
		}
		return l.Config, nil
	}
	return serveError(daemon.Run(ctx, l.Config, daemon.Options{Stdout: e.stdout, Logger: log, Reload: reload}))
}

// serveError turns the daemon's usage errors into the command's.
func serveError(err error) error {
	var ue *daemon.UsageError
	if errors.As(err, &ue) && !errors.Is(err, flag.ErrHelp) {
		return &usageError{ue.Error()}
	}
	return err
}
