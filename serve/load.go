package serve

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
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
	fs.StringVar(&l.ConfigFile, "config", "", "TOML configuration file (keys are the flag names, at the top level or in their section's table)")
	fs.StringVar(&l.ArgusConf, "argus-conf", "", "argus.conf whose keys with an equivalent are applied before --config")
	fs.BoolVar(&l.PrintConfig, "print-config", false, "print the effective configuration as TOML and exit")
	cfg.Flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: tapdb serve [--config FILE] [--argus-conf FILE] [options]\n\noptions (each is also a key of the TOML file, except --config, --argus-conf, --print-config and the one-letter short forms):\n")
		fs.PrintDefaults()
	}
	return fs
}

// decodeTOMLFile applies a TOML file's keys to cfg. A key may be given at
// the top level of the file (the flat keys of earlier versions) or in its
// section's table ([endpoint] listen = …), not both; unknown keys are an
// error, so that a typo does not go unnoticed.
func decodeTOMLFile(cfg *Config, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := decodeTOML(cfg, b); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

func decodeTOML(cfg *Config, b []byte) error {
	var top map[string]toml.Primitive
	md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(&top)
	if err != nil {
		return err
	}
	flat := map[string]key{}
	tables := map[string]map[string]key{}
	for _, s := range cfg.sections() {
		tables[s.name] = map[string]key{}
		for _, k := range s.keys {
			flat[k.name] = k
			tables[s.name][k.name] = k
		}
	}
	set := map[string]string{} // key name → where it was given
	var unknown []string
	var errs []error
	apply := func(k key, where string, p toml.Primitive) {
		if prev, dup := set[k.name]; dup {
			errs = append(errs, fmt.Errorf("%s: also given as %s", where, prev))
			return
		}
		set[k.name] = where
		if err := md.PrimitiveDecode(p, k.ptr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		}
	}
	for _, name := range sortedKeys(top) {
		if keys, ok := tables[name]; ok && md.Type(name) == "Hash" {
			var inner map[string]toml.Primitive
			if err := md.PrimitiveDecode(top[name], &inner); err != nil {
				errs = append(errs, fmt.Errorf("[%s]: %w", name, err))
				continue
			}
			for _, kn := range sortedKeys(inner) {
				if k, ok := keys[kn]; ok {
					apply(k, name+"."+kn, inner[kn])
				} else {
					unknown = append(unknown, name+"."+kn)
				}
			}
			continue
		}
		if k, ok := flat[name]; ok {
			apply(k, name, top[name])
		} else {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		errs = append(errs, fmt.Errorf("unknown keys: %s", strings.Join(unknown, ", ")))
	}
	return errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// WriteTOML writes the configuration as a TOML file, one table per
// section, that Load reads back to the same configuration.
func (c *Config) WriteTOML(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString("# tapdb serve: effective configuration (every key is also a --flag)\n")
	out := *c
	for _, s := range out.sections() {
		fmt.Fprintf(&b, "\n[%s]\n", s.name)
		for _, k := range s.keys {
			v := reflect.ValueOf(k.ptr).Elem().Interface()
			if l, ok := v.([]string); ok && l == nil {
				v = []string{} // printed as [] rather than left out
			}
			if err := toml.NewEncoder(&b).Encode(map[string]any{k.name: v}); err != nil {
				return fmt.Errorf("print %s: %w", k.name, err)
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}
