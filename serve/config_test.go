package serve

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func load(t *testing.T, args ...string) *Loaded {
	t.Helper()
	l, err := Load(args, io.Discard)
	if err != nil {
		t.Fatalf("Load(%q): %v", args, err)
	}
	return l
}

// Defaults < argus.conf < TOML file < flags.
func TestLoadPrecedence(t *testing.T) {
	argus := writeFile(t, "argus.conf", "ARGUS_FLOW_STATUS_INTERVAL=7\nARGUS_TCP_TIMEOUT=90\nARGUS_INTERFACE=eth1\nARGUS_ICMP_TIMEOUT=9\n")
	toml := writeFile(t, "tapdb.toml", "tcp-timeout = \"100s\"\ninterface = [\"eth2\", \"eth3\"]\nnetflow = [\":2055\"]\nretain = \"90d\"\nicmp-timeout = \"11s\"\n")
	l := load(t, "--argus-conf", argus, "--config", toml, "--icmp-timeout", "13s", "-i", "eth4")
	c := l.Config
	for _, tc := range []struct {
		what      string
		got, want any
	}{
		{"status-interval from argus.conf", c.StatusInterval, Duration(7 * time.Second)},
		{"tcp-timeout: the file over argus.conf", c.TCPTimeout, Duration(100 * time.Second)},
		{"icmp-timeout: the flag over both", c.ICMPTimeout, Duration(13 * time.Second)},
		{"interface: a flag replaces the list", c.Interfaces, []string{"eth4"}},
		{"netflow from the file", c.NetFlow, []string{":2055"}},
		{"retain from the file", time.Duration(c.Retain), 90 * 24 * time.Hour},
		{"udp-timeout default", c.UDPTimeout, Default().UDPTimeout},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.what, tc.got, tc.want)
		}
	}
}

// The printed configuration is a config file that loads back to the same
// configuration.
func TestPrintConfigRoundTrip(t *testing.T) {
	l := load(t, "--db", "/tmp/x.duckdb", "-i", "eth0", "-i", "eth1", "--bpf", "not port 5433", "--netflow", ":2055",
		"--ipfix", ":4739", "--retain", "30d", "--allow", "10.0.0.0/8", "--status-interval", "2.5s", "--log-format", "json", "--trust")
	var b bytes.Buffer
	if err := l.Config.WriteTOML(&b); err != nil {
		t.Fatal(err)
	}
	back := load(t, "--config", writeFile(t, "printed.toml", b.String()))
	if !reflect.DeepEqual(normalize(back.Config), normalize(l.Config)) {
		t.Errorf("round trip differs:\nprinted:\n%s\ngot %+v\nwant %+v", b.String(), back.Config, l.Config)
	}
	// Every key is printed, lists included when empty.
	var d bytes.Buffer
	def := Default()
	def.WriteTOML(&d)
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	def.Flags(fs)
	fs.VisitAll(func(f *flag.Flag) {
		if len(f.Name) == 1 {
			return // short aliases
		}
		if !strings.Contains(d.String(), "\n"+f.Name+" = ") {
			t.Errorf("flag --%s is not a key of the printed configuration", f.Name)
		}
	})
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args func(t *testing.T) []string
		want string
	}{
		{"unknown key", func(t *testing.T) []string {
			return []string{"--config", writeFile(t, "a.toml", "lisen = \"x\"\n")}
		}, "unknown keys: lisen"},
		{"bad toml", func(t *testing.T) []string { return []string{"--config", writeFile(t, "a.toml", "listen = \n")} }, "config"},
		{"missing file", func(t *testing.T) []string { return []string{"--config", "/nonexistent/tapdb.toml"} }, "no such file"},
		{"bad duration", func(t *testing.T) []string { return []string{"--tcp-timeout", "soon"} }, "tcp-timeout"},
		{"bad age", func(t *testing.T) []string { return []string{"--retain", "90x"} }, "unknown unit"},
		{"positional", func(t *testing.T) []string { return []string{"extra"} }, "unexpected argument"},
		{"bad argus value", func(t *testing.T) []string {
			return []string{"--argus-conf", writeFile(t, "argus.conf", "ARGUS_TCP_TIMEOUT=long\n")}
		}, "ARGUS_TCP_TIMEOUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.args(t), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := Load([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

func TestValidate(t *testing.T) {
	ok := Default()
	ok.NetFlow = []string{":2055"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid configuration refused: %v", err)
	}
	for _, tc := range []struct {
		name string
		mod  func(c *Config)
		want string
	}{
		{"nothing to do", func(c *Config) { c.NetFlow = nil }, "nothing to serve"},
		{"allow", func(c *Config) { c.Allow = []string{"10.0.0.0/33"} }, "allow"},
		{"status", func(c *Config) { c.StatusInterval = Duration(time.Millisecond) }, "status-interval"},
		{"netflow address", func(c *Config) { c.NetFlow = []string{"2055"} }, "address"},
		{"log format", func(c *Config) { c.LogFormat = "xml" }, "log-format"},
		{"log level", func(c *Config) { c.LogLevel = "loud" }, "log-level"},
		{"snaplen", func(c *Config) { c.Snaplen = 10 }, "snaplen"},
		{"capture filter", func(c *Config) { c.BPF = "port http" }, "bpf"},
		{"tls version", func(c *Config) { c.TLSMin = "1.1" }, "tls-min-version"},
		{"tls key without cert", func(c *Config) { c.TLSKey = "/k.pem" }, "give both or neither"},
		{"self-signed without a place", func(c *Config) { c.TLS = true }, "tls-dir"},
		{"max startups", func(c *Config) { c.MaxStartups = 0 }, "max-startups"},
		{"auth timeout", func(c *Config) { c.AuthTimeout = 0 }, "auth-timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.mod(&c)
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestParseAge(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"90d", 90 * 24 * time.Hour, false},
		{"12h", 12 * time.Hour, false},
		{"36h30m", 36*time.Hour + 30*time.Minute, false},
		{"2w", 14 * 24 * time.Hour, false},
		{"1M", 30 * 24 * time.Hour, false},
		{"1y", 365 * 24 * time.Hour, false},
		{"0", 0, false},
		{"", 0, false},
		{"d", 0, true},
		{"-3d", 0, true},
		{"3q", 0, true},
	} {
		got, err := ParseAge(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("ParseAge(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{"256MB", 256e6, false},
		{"128MiB", 128 << 20, false},
		{"1.5 GiB", 3 << 29, false},
		{"4gb", 4e9, false},
		{"1000", 1000, false},
		{"0", 0, false},
		{"", 0, true},
		{"MB", 0, true},
		{"-1MB", 0, true},
		{"3 parsecs", 0, true},
		{"99999999TB", 0, true},
	} {
		got, err := ParseSize(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("ParseSize(%q) = %v, %v", tc.in, got, err)
		}
	}
	for _, s := range []Size{0, 1000, 128 << 20, 3 << 30} {
		b, _ := s.MarshalText()
		var back Size
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("Size %d printed as %q reads back as %d, %v", s, b, back, err)
		}
	}
}

// normalize makes empty lists nil, as the printed [] and a missing list
// mean the same.
func normalize(c Config) Config {
	for _, l := range []*[]string{&c.Read, &c.Allow, &c.Interfaces, &c.NetFlow, &c.IPFIX, &c.Baselines} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	return c
}

// The sample configuration in packaging/ loads and is valid.
func TestSampleConfig(t *testing.T) {
	l := load(t, "--config", filepath.Join("..", "packaging", "tapdb.toml"))
	if err := l.Config.Validate(); err != nil {
		t.Fatal(err)
	}
	if time.Duration(l.Config.Retain) != 90*24*time.Hour || len(l.Config.Interfaces) != 1 || l.Config.LogFormat != "json" {
		t.Errorf("sample configuration read as %+v", l.Config)
	}
}
