package ra

import (
	"fmt"
	"strconv"
	"strings"
)

// Program is one of the ra family.
type Program string

// The programs of the family.
const (
	Ra        Program = "ra"
	Racluster Program = "racluster"
	Rasort    Program = "rasort"
	Racount   Program = "racount"
)

// Valid reports whether p is a program of the family.
func (p Program) Valid() bool {
	switch p {
	case Ra, Racluster, Rasort, Racount:
		return true
	}
	return false
}

// Limit is an -N record count: Count records starting at the 0-based
// Offset, counted on the input (before racluster merges or rasort sorts,
// Argus's default and the "i" prefix) or on the output ("o" prefix).
type Limit struct {
	Offset, Count int64
	Output        bool
}

// Options is a parsed ra command line.
type Options struct {
	Program   Program
	Read      []string // -r: store files or captures
	Server    string   // -S [user[:password]@]host[:port]
	Fields    []string // -s: field specs as given
	Numeric   int      // number of -n
	Delim     string   // -c: field delimiter; "" is ra's space layout
	Labels    int      // -L: 0 header once, -1 never, N every N lines
	TimeRange string   // -t
	Limit     *Limit   // -N
	Keys      []string // -m: racluster keys, rasort keys
	Precision int      // -p: fraction digits of times and floats
	Epoch     bool     // -u: Unix seconds
	Modes     []string // -M (json is tapdb's JSON lines output)
	Explain   bool     // -E: print the SQL and its arguments, run nothing
	Help      bool     // -h
	Filter    []string // the words after "-" or "--"
	// BaseFields replace ra's default columns (RA_FIELD_SPECIFIER in an
	// rarc file); -s edits or replaces them as it does the default.
	BaseFields []string
	// Warnings name what the rarc files set that tapdb does not honour.
	Warnings []string
	rcFilter string // RA_FILTER: the filter when the command line has none
}

// JSON reports whether -M json was given.
func (o *Options) JSON() bool { return o.hasMode("json") }

func (o *Options) hasMode(mode string) bool {
	for _, m := range o.Modes {
		if m == mode {
			return true
		}
	}
	return false
}

// OptionError is a command-line mistake.
type OptionError struct{ Msg string }

func (e *OptionError) Error() string { return e.Msg }

func optErr(format string, a ...any) error { return &OptionError{Msg: fmt.Sprintf(format, a...)} }

// optionsWithArg are the single-argument options; multi are those that,
// as in Argus, also take the words that follow until the next option.
const (
	optionsWithArg = "ScLtNpF"
	optionsMulti   = "rsmM"
	optionsBool    = "nuEhX"
)

// Parse reads an Argus command line for prog, starting from ra's rarc
// files (DefaultConfig: /etc/ra.conf, $ARGUSHOME/ra.conf, $HOME/.rarc)
// unless -X is given.
func Parse(prog Program, args []string) (*Options, error) {
	return ParseConfig(prog, args, DefaultConfig())
}

// ParseConfig reads an Argus command line for prog, starting from the
// rarc files of c unless -X is given; -F FILE applies FILE where it
// stands among the options. Options may be clustered (-nn, -un) and their
// argument attached (-N20, -c,) or separate (-L -1). -r, -s, -m and -M
// take the next word and every following word that does not start with
// '-'. Everything after a lone "-" or "--" is the filter, as are words
// left over between options.
func ParseConfig(prog Program, args []string, cfg Config) (*Options, error) {
	if !prog.Valid() {
		return nil, optErr("unknown program %q", prog)
	}
	o := &Options{Program: prog, Precision: 6}
	if !noRarc(args) {
		for _, f := range cfg.files() {
			if err := o.applyRarc(cfg, f, true); err != nil {
				return nil, err
			}
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-" || a == "--" {
			o.Filter = append(o.Filter, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			o.Filter = append(o.Filter, a)
			continue
		}
		if strings.HasPrefix(a, "--") {
			switch a {
			case "--help":
				o.Help = true
				continue
			}
			return nil, optErr("unknown option %s", a)
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			switch {
			case strings.IndexByte(optionsBool, c) >= 0:
				switch c {
				case 'n':
					o.Numeric++
				case 'u':
					o.Epoch = true
				case 'E':
					o.Explain = true
				case 'h':
					o.Help = true
				case 'X': // no rarc files: see noRarc
				}
				continue
			case strings.IndexByte(optionsWithArg, c) >= 0 || strings.IndexByte(optionsMulti, c) >= 0:
			default:
				return nil, optErr("unknown option -%c", c)
			}
			// The option takes an argument: the rest of this word or the next.
			val := a[j+1:]
			if val == "" {
				if i+1 >= len(args) {
					return nil, optErr("option -%c needs an argument", c)
				}
				i++
				val = args[i]
			}
			vals := []string{val}
			if strings.IndexByte(optionsMulti, c) >= 0 {
				for i+1 < len(args) && continues(args[i+1]) {
					i++
					vals = append(vals, args[i])
				}
			}
			if c == 'F' {
				if err := o.applyRarc(cfg, val, false); err != nil {
					return nil, err
				}
				break
			}
			if err := o.set(c, vals); err != nil {
				return nil, err
			}
			break
		}
	}
	if len(o.Filter) == 0 && strings.TrimSpace(o.rcFilter) != "" {
		o.Filter = []string{o.rcFilter}
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	return o, nil
}

// continues reports whether word w still belongs to a multi-word option:
// as in Argus, the list ends at the next word that starts with '-' (so a
// removal after other fields needs its own -s: -s +dur -s -state).
func continues(w string) bool {
	return w != "" && w[0] != '-'
}

func (o *Options) set(c byte, vals []string) error {
	v := vals[0]
	switch c {
	case 'r':
		o.Read = append(o.Read, vals...)
	case 's':
		o.Fields = append(o.Fields, vals...)
	case 'm':
		o.Keys = append(o.Keys, vals...)
	case 'M':
		o.Modes = append(o.Modes, vals...)
	case 'S':
		o.Server = v
	case 'c':
		if v == "" {
			return optErr("-c: empty delimiter")
		}
		switch v {
		case `\t`:
			v = "\t"
		}
		o.Delim = v
	case 'L':
		n, err := strconv.Atoi(v)
		if err != nil {
			return optErr("-L %q: not a number", v)
		}
		o.Labels = n
	case 't':
		o.TimeRange = v
	case 'N':
		l, err := parseLimit(v)
		if err != nil {
			return err
		}
		o.Limit = l
	case 'p':
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 9 {
			return optErr("-p %q: want a precision from 0 to 9", v)
		}
		o.Precision = n
	}
	return nil
}

// parseLimit reads -N: [i|o]N, [i|o]A-B (records A to B, 1-based) or
// [i|o]A+N (N records from A).
func parseLimit(v string) (*Limit, error) {
	l := &Limit{}
	s := v
	switch {
	case strings.HasPrefix(s, "o"):
		l.Output, s = true, s[1:]
	case strings.HasPrefix(s, "i"):
		s = s[1:]
	}
	num := func(t string) (int64, error) {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n < 0 {
			return 0, optErr("-N %q: want N, A-B or A+N", v)
		}
		return n, nil
	}
	if a, b, ok := strings.Cut(s, "-"); ok {
		from, err := num(a)
		if err != nil {
			return nil, err
		}
		to, err := num(b)
		if err != nil {
			return nil, err
		}
		if from < 1 || to < from {
			return nil, optErr("-N %q: want 1 <= A <= B", v)
		}
		l.Offset, l.Count = from-1, to-from+1
		return l, nil
	}
	if a, b, ok := strings.Cut(s, "+"); ok {
		from, err := num(a)
		if err != nil {
			return nil, err
		}
		n, err := num(b)
		if err != nil {
			return nil, err
		}
		if from < 1 {
			return nil, optErr("-N %q: records count from 1", v)
		}
		l.Offset, l.Count = from-1, n
		return l, nil
	}
	n, err := num(s)
	if err != nil {
		return nil, err
	}
	l.Count = n
	return l, nil
}

func (o *Options) check() error {
	if o.Help {
		return nil
	}
	for _, m := range o.Modes {
		switch m {
		case "json":
		case "proto":
			if o.Program != Racount {
				return optErr("-M proto: only racount prints a protocol summary")
			}
		case "correct", "nocorrect":
			if o.Program != Racluster {
				return optErr("-M %s: only racluster merges records", m)
			}
		default:
			return optErr("-M %s: unsupported mode (tapdb knows json, correct/nocorrect for racluster, proto for racount)", m)
		}
	}
	if len(o.Keys) > 0 && o.Program != Racluster && o.Program != Rasort {
		return optErr("-m: only racluster and rasort take keys")
	}
	if len(o.Read) > 0 && o.Server != "" {
		return optErr("-r and -S: read a file or a server, not both")
	}
	if len(o.Read) == 0 && o.Server == "" && !o.Explain {
		return optErr("want -r FILE or -S HOST:PORT")
	}
	return nil
}

// correct reports whether racluster should join reversed keys: Argus does
// for its default key, and -M correct / nocorrect override.
func (o *Options) correct() bool {
	c := len(o.Keys) == 0
	for _, m := range o.Modes {
		switch m {
		case "correct":
			c = true
		case "nocorrect":
			c = false
		}
	}
	return c
}
