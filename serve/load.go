package serve

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Loaded is the effective configuration and where it came from.
type Loaded struct {
	Config      Config
	ConfigFile  string   // --config
	ArgusConf   string   // --argus-conf
	PrintConfig bool     // --print-config
	Warnings    []string // argus.conf keys without an equivalent, and the like
}

// UsageError is a command-line or configuration-file mistake.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Load builds the effective configuration from the command line of tapdb
// serve: defaults, then --argus-conf, then --config, then the other flags.
// Usage text for -h goes to usage. It returns flag.ErrHelp for -h.
func Load(args []string, usage io.Writer) (*Loaded, error) {
	var l Loaded
	// Pass 1: find the files (and report flag errors with usage text).
	scratch := Default()
	fs := newFlagSet("serve", usage, &scratch, &l)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &UsageError{err}
	}
	if fs.NArg() > 0 {
		return nil, &UsageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	// Pass 2: files under the flags.
	cfg := Default()
	if l.ArgusConf != "" {
		f, err := os.Open(l.ArgusConf)
		if err != nil {
			return nil, fmt.Errorf("argus.conf: %w", err)
		}
		warns, err := ApplyArgusConf(&cfg, f)
		f.Close()
		if err != nil {
			return nil, &UsageError{fmt.Errorf("%s: %w", l.ArgusConf, err)}
		}
		for _, w := range warns {
			l.Warnings = append(l.Warnings, l.ArgusConf+": "+w)
		}
	}
	if l.ConfigFile != "" {
		if err := decodeTOMLFile(&cfg, l.ConfigFile); err != nil {
			return nil, &UsageError{err}
		}
	}
	var again Loaded
	fs2 := newFlagSet("serve", io.Discard, &cfg, &again)
	if err := fs2.Parse(args); err != nil {
		return nil, &UsageError{err}
	}
	l.Config = cfg
	return &l, nil
}

func newFlagSet(name string, out io.Writer, cfg *Config, l *Loaded) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&l.ConfigFile, "config", "", "TOML configuration file (keys are the flag names)")
	fs.StringVar(&l.ArgusConf, "argus-conf", "", "argus.conf whose keys with an equivalent are applied before --config")
	fs.BoolVar(&l.PrintConfig, "print-config", false, "print the effective configuration as TOML and exit")
	cfg.Flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: tapdb serve [--config FILE] [--argus-conf FILE] [options]\n\noptions (each is also a key of the TOML file, except --config, --argus-conf, --print-config and the one-letter short forms):\n")
		fs.PrintDefaults()
	}
	return fs
}

// decodeTOMLFile applies a TOML file's keys to cfg; unknown keys are an
// error, so that a typo does not go unnoticed.
func decodeTOMLFile(cfg *Config, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(cfg)
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return fmt.Errorf("config %s: unknown keys: %s", path, strings.Join(keys, ", "))
	}
	return nil
}

// WriteTOML writes the configuration as a TOML file that Load reads back
// to the same configuration.
func (c *Config) WriteTOML(w io.Writer) error {
	fmt.Fprintln(w, "# tapdb serve: effective configuration (every key is also a --flag)")
	out := *c
	for _, l := range []*[]string{&out.Read, &out.Allow, &out.Interfaces, &out.NetFlow, &out.IPFIX, &out.Baselines} {
		if *l == nil {
			*l = []string{} // printed as [] rather than left out
		}
	}
	return toml.NewEncoder(w).Encode(out)
}
