package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"

	"tapdb/ra"
)

// command is one tapdb subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a command may touch: its streams and logger.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	log            *slog.Logger
	stderrIsTerm   bool
}

func commands() map[string]command {
	return map[string]command{
		"ingest":        {"read NetFlow/IPFIX (--netflow) or packet captures into a flow store", runIngest},
		"sensor":        {"read captures into a flow store", runSensor},
		"import":        {"load flow records from ra -c output (delimited text) into a flow store", runImport},
		"sql":           {"run SQL on a flow store and print the result", runSQL},
		"export":        {"write sealed periods as Parquet (Hive layout) into a lake directory", runExport},
		"retain":        {"delete records older than a duration", runRetain},
		"verify":        {"check a store's sealed periods against their digests and chain", runVerify},
		"ra":            {"print flow records as Argus ra does", runRa},
		"racluster":     {"merge flow records as Argus racluster does", runRacluster},
		"rasort":        {"sort flow records as Argus rasort does", runRasort},
		"racount":       {"count flow records as Argus racount does", runRacount},
		"install-links": {"make ra, racluster, rasort, racount symlinks to tapdb in DIR", runInstallLinks},
		"serve":         {"serve a flow store over the Postgres wire protocol", runServe},
		"user":          {"add, delete or list Postgres endpoint users", runUser},
	}
}

// usageError marks errors caused by the command line (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, stderrIsTerm: isTerminal(os.Stderr)}
	e.log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	os.Exit(run(ctx, e, filepath.Base(os.Args[0]), os.Args[1:]))
}

func run(ctx context.Context, e *env, name string, args []string) int {
	cmds := commands()
	if c, ok := cmds[name]; ok && name != "tapdb" {
		return report(e, name, c.run(ctx, e, args))
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "tapdb: unknown command %q\n", args[0])
		usage(e.stderr, cmds)
		return 2
	}
	return report(e, args[0], c.run(ctx, e, args[1:]))
}

func report(e *env, name string, err error) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if errors.Is(err, ra.ErrNoMatch) {
		return 1 // as ra: nothing matched, nothing to say
	}
	fmt.Fprintf(e.stderr, "tapdb %s: %v\n", name, err)
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: tapdb COMMAND [options]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'tapdb COMMAND -h' for a command's options.")
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// newFlagSet makes a flag set that reports errors instead of exiting.
func newFlagSet(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: %s\n\noptions:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// periodFlag defines -partition, the period width of a new store (the
// unit in which it seals and exports time ranges; the flag keeps the name
// it had when each period was a table of its own).
func periodFlag(fs *flag.FlagSet) *string {
	return fs.String("partition", "day", "period width of a new store, the unit sealed and exported: hour, day or month")
}

// parseFlags parses args and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
