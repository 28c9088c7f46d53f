package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"tapdb/ra"
)

// raPrograms are the Argus client commands tapdb answers to, as
// subcommands and under their own names (symlinks from install-links).
var raPrograms = []ra.Program{ra.Ra, ra.Racluster, ra.Rasort, ra.Racount}

func runRa(ctx context.Context, e *env, args []string) error {
	return runRaProgram(ctx, e, ra.Ra, args)
}

func runRacluster(ctx context.Context, e *env, args []string) error {
	return runRaProgram(ctx, e, ra.Racluster, args)
}

func runRasort(ctx context.Context, e *env, args []string) error {
	return runRaProgram(ctx, e, ra.Rasort, args)
}

func runRacount(ctx context.Context, e *env, args []string) error {
	return runRaProgram(ctx, e, ra.Racount, args)
}

// runRaProgram parses an Argus command line and runs it. Option mistakes
// are usage errors (exit status 2), with the program's usage printed.
func runRaProgram(ctx context.Context, e *env, p ra.Program, args []string) error {
	o, err := ra.Parse(p, args)
	if err == nil {
		err = ra.Run(ctx, ra.Env{Stdout: e.stdout, Log: e.log}, o)
	}
	var oe *ra.OptionError
	if errors.As(err, &oe) {
		fmt.Fprint(e.stderr, ra.Usage(p))
		return &usageError{oe.Msg}
	}
	return err
}

// runInstallLinks creates ra, racluster, rasort and racount symlinks to
// this binary in DIR, replacing older symlinks of those names but never a
// regular file.
func runInstallLinks(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "install-links", "tapdb install-links DIR")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return &usageError{"want DIR"}
	}
	dir := fs.Arg(0)
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this binary: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return fmt.Errorf("find this binary: %w", err)
	}
	for _, p := range raPrograms {
		link := filepath.Join(dir, string(p))
		if fi, err := os.Lstat(link); err == nil {
			if fi.Mode()&os.ModeSymlink == 0 {
				return fmt.Errorf("install-links: %s exists and is not a symlink; not replacing it", link)
			}
			if err := os.Remove(link); err != nil {
				return fmt.Errorf("install-links: %w", err)
			}
		}
		if err := os.Symlink(exe, link); err != nil {
			return fmt.Errorf("install-links: %w", err)
		}
		fmt.Fprintf(e.stdout, "%s -> %s\n", link, exe)
	}
	return nil
}
