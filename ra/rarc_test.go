package ra

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const rarcDir = "testdata/rarc"

// TestRarcMatchesArgus runs the commands of testdata/rarc/rarc.cmds with
// testdata/rarc/home as $HOME (its .rarc) and compares with what real ra
// printed with the same file (testdata/rarc/regen.sh).
func TestRarcMatchesArgus(t *testing.T) {
	const cp = "zeek-icmp-5-pings.pcap"
	pcap := filepath.Join("..", "testdata", "pcaps", cp)
	cfg := Config{Home: filepath.Join(rarcDir, "home")}
	for _, cmd := range readCmds(t, "rarc/rarc.cmds") {
		t.Run(cmd[0], func(t *testing.T) {
			words := strings.Fields(cmd[1])
			args := []string{"-r", pcap}
			for i := 1; i < len(words); i++ {
				w := words[i]
				if words[i-1] == "-F" {
					w = filepath.Join(rarcDir, w)
				}
				args = append(args, w)
			}
			o, err := ParseConfig(Program(words[0]), args, cfg)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Run(context.Background(), Env{Stdout: &buf, Loc: time.UTC}, o); err != nil && !errors.Is(err, ErrNoMatch) {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(rarcDir, "golden", cmd[0]+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			diffLines(t, string(want), buf.String(), nil, false)
		})
	}
}

// writeRarc writes an rarc file in a temporary directory and returns its
// path.
func writeRarc(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRarcFiles(t *testing.T) {
	dir := t.TempDir()
	system := writeRarc(t, dir, "etc/ra.conf", "RA_PRINT_LABELS=-1\nRA_FIELD_DELIMITER=','\nRA_USEC_PRECISION=2\n")
	argusHome := filepath.Dir(writeRarc(t, dir, "argus/ra.conf", "RA_USEC_PRECISION=4\n"))
	home := filepath.Dir(writeRarc(t, dir, "home/.rarc", "RA_FIELD_DELIMITER=';'\nRA_FILTER=\"tcp and port 80\"\nRA_TIMERANGE=\"2026/11/27\"\n"))
	f := writeRarc(t, dir, "f.rarc", "RA_FIELD_DELIMITER='|'\nRA_PRINT_NAMES=none\n")
	cfg := Config{System: system, ArgusHome: argusHome, Home: home}
	tests := []struct {
		name string
		args string
		cfg  Config
		want func(o *Options) bool
	}{
		{"all three, later wins", "-r x", cfg, func(o *Options) bool {
			return o.Labels == -1 && o.Delim == ";" && o.Precision == 4 && slices.Equal(o.Filter, []string{"tcp and port 80"}) && o.TimeRange == "2026/11/27"
		}},
		{"command line filter wins", "-r x - udp", cfg, func(o *Options) bool { return slices.Equal(o.Filter, []string{"udp"}) }},
		{"-X reads none", "-X -r x", cfg, func(o *Options) bool {
			return o.Labels == 0 && o.Delim == "" && o.Precision == 6 && o.Filter == nil
		}},
		{"-X in a cluster", "-nX -r x", cfg, func(o *Options) bool { return o.Delim == "" && o.Numeric == 1 }},
		{"-F after -X still read", "-X -F " + f + " -r x", cfg, func(o *Options) bool { return o.Delim == "|" && o.Numeric == 2 }},
		{"-F then -c: -c wins", "-F " + f + " -c , -r x", Config{}, func(o *Options) bool { return o.Delim == "," }},
		{"-c then -F: -F wins", "-c , -F " + f + " -r x", Config{}, func(o *Options) bool { return o.Delim == "|" }},
		{"-t beats RA_TIMERANGE", "-r x -t 05:00-06:00", cfg, func(o *Options) bool { return o.TimeRange == "05:00-06:00" }},
		{"missing files are fine", "-r x", Config{System: filepath.Join(dir, "none"), Home: filepath.Join(dir, "nohome")},
			func(o *Options) bool { return o.Delim == "" && len(o.Warnings) == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ParseConfig(Ra, strings.Fields(tt.args), tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(o) {
				t.Errorf("%+v", *o)
			}
		})
	}
}

func TestRarcWarnings(t *testing.T) {
	debian := filepath.Join(rarcDir, "debian-ra.conf")
	o, err := ParseConfig(Ra, []string{"-r", "x"}, Config{System: debian})
	if err != nil {
		t.Fatal(err)
	}
	// Debian's file also sets keys about management, event and user-data
	// records, which the store never holds: not worth a warning.
	want := debian + ": ignoring keys tapdb does not support: RA_PORT_DIRECTION"
	if !slices.Equal(o.Warnings, []string{want}) {
		t.Errorf("warnings %q\nwant %q", o.Warnings, want)
	}
	dir := t.TempDir()
	f := writeRarc(t, dir, "x.rarc", "# comment\n\nRA_NOT_A_KEY=1\nRA_TIME_FORMAT=\"%Y/%m/%d.%T\"\nRA_PRINT_NAMES=all\n")
	o, err = ParseConfig(Ra, []string{"-r", "x", "-F", f}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(o.Warnings, "\n")
	for _, w := range []string{"ignoring unknown keys: RA_NOT_A_KEY", "RA_TIME_FORMAT=", "host names are not looked up"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings %q lack %q", o.Warnings, w)
		}
	}
}

func TestRarcErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ text, want string }{
		{"RA_PRINT_LABELS=many\n", "x.rarc:1: RA_PRINT_LABELS"},
		{"# c\nRA_USEC_PRECISION=12\n", "x.rarc:2: RA_USEC_PRECISION"},
		{"just words\n", "x.rarc:1: want KEY=value"},
		{"RA_FIELD_SPECIFIER=\"nosuchfield\"\n", "RA_FIELD_SPECIFIER"},
	}
	for _, tt := range tests {
		f := writeRarc(t, dir, "x.rarc", tt.text)
		o, err := ParseConfig(Ra, []string{"-r", "x", "-F", f}, Config{})
		if err == nil {
			_, err = Build(o, time.Now())
		}
		var oe *OptionError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want an option error with %q", tt.text, err, tt.want)
		}
	}
	if _, err := ParseConfig(Ra, []string{"-r", "x", "-F", filepath.Join(dir, "missing")}, Config{}); err == nil {
		t.Error("a missing -F file is no error")
	}
}

// TestDefaultConfigHome checks that ~/.rarc is $HOME's, as ra's.
func TestDefaultConfigHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("ARGUSHOME", "")
	c := DefaultConfig()
	if c.Home != home || c.System != "/etc/ra.conf" || c.ArgusHome != "" {
		t.Errorf("DefaultConfig() = %+v", c)
	}
	writeRarc(t, home, ".rarc", "RA_FIELD_DELIMITER=';'\n")
	c.System = "" // not the machine's
	o, err := ParseConfig(Ra, []string{"-r", "x"}, c)
	if err != nil || o.Delim != ";" {
		t.Errorf("ParseConfig with HOME's .rarc: %v, delimiter %q", err, o.Delim)
	}
}

// FuzzRarc: no rarc text makes the reader panic, and what it accepts
// builds or fails with an error.
func FuzzRarc(f *testing.F) {
	for _, s := range []string{
		"RA_FIELD_DELIMITER=','\nRA_PRINT_LABELS=-1\n",
		"RA_FIELD_SPECIFIER=\"stime:12 +dur -state\"\nRA_USEC_PRECISION=3\n",
		"# c\nRA_FILTER=\"tcp and\"\nRA_TIMERANGE=\"-10m\"\nRA_PRINT_NAMES=all\n",
		"RA_PORT_DIRECTION=\"services\"\nX\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cfg := Config{Home: "h", ReadFile: func(string) ([]byte, error) { return []byte(text), nil }}
		o, err := ParseConfig(Ra, []string{"-r", "x"}, cfg)
		if err != nil {
			var oe *OptionError
			if !errors.As(err, &oe) {
				t.Fatalf("not an option error: %v", err)
			}
			return
		}
		_, _ = Build(o, time.Unix(1800000000, 0))
	})
}
