package serve

import (
	"database/sql"
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"tapdb/ingest/flow"
)

// keyCases is every key of the configuration: the section it belongs to,
// a value as a flag argument and as a TOML value, and the field of its
// section that it must set, named through the section.
var keyCases = []struct {
	key, section string
	arg, toml    string
	field        func(c *Config) any
	want         any
}{
	{"read", "capture", "a.pcap", `["a.pcap"]`, func(c *Config) any { return c.Capture.Read }, []string{"a.pcap"}},
	{"interface", "capture", "eth9", `["eth9"]`, func(c *Config) any { return c.Capture.Interfaces }, []string{"eth9"}},
	{"bpf", "capture", "tcp", `"tcp"`, func(c *Config) any { return c.Capture.BPF }, "tcp"},
	{"snaplen", "capture", "1500", `1500`, func(c *Config) any { return c.Capture.Snaplen }, 1500},
	{"promisc", "capture", "false", `false`, func(c *Config) any { return c.Capture.Promisc }, false},
	{"ring-mb", "capture", "7", `7`, func(c *Config) any { return c.Capture.RingMB }, 7},

	{"srcid", "flow", "s1", `"s1"`, func(c *Config) any { return c.FlowTable.Srcid }, "s1"},
	{"status-interval", "flow", "3s", `"3s"`, func(c *Config) any { return c.FlowTable.StatusInterval }, Duration(3 * time.Second)},
	{"tcp-timeout", "flow", "61s", `"61s"`, func(c *Config) any { return c.FlowTable.TCPTimeout }, Duration(61 * time.Second)},
	{"tcp-closed-timeout", "flow", "62s", `"62s"`, func(c *Config) any { return c.FlowTable.TCPClosedTimeout }, Duration(62 * time.Second)},
	{"ip-timeout", "flow", "63s", `"63s"`, func(c *Config) any { return c.FlowTable.IPTimeout }, Duration(63 * time.Second)},
	{"udp-timeout", "flow", "64s", `"64s"`, func(c *Config) any { return c.FlowTable.UDPTimeout }, Duration(64 * time.Second)},
	{"icmp-timeout", "flow", "65s", `"65s"`, func(c *Config) any { return c.FlowTable.ICMPTimeout }, Duration(65 * time.Second)},
	{"igmp-timeout", "flow", "66s", `"66s"`, func(c *Config) any { return c.FlowTable.IGMPTimeout }, Duration(66 * time.Second)},
	{"arp-timeout", "flow", "67s", `"67s"`, func(c *Config) any { return c.FlowTable.ARPTimeout }, Duration(67 * time.Second)},
	{"frag-timeout", "flow", "68s", `"68s"`, func(c *Config) any { return c.FlowTable.FragTimeout }, Duration(68 * time.Second)},
	{"other-timeout", "flow", "69s", `"69s"`, func(c *Config) any { return c.FlowTable.OtherTimeout }, Duration(69 * time.Second)},
	{"max-flows", "flow", "1000", `1000`, func(c *Config) any { return c.FlowTable.MaxFlows }, 1000},
	{"tunnels", "flow", "outer", `"outer"`, func(c *Config) any { return c.FlowTable.Tunnels }, "outer"},

	{"netflow", "collector", ":2055", `[":2055"]`, func(c *Config) any { return c.Collector.NetFlow }, []string{":2055"}},
	{"ipfix", "collector", ":4739", `[":4739"]`, func(c *Config) any { return c.Collector.IPFIX }, []string{":4739"}},
	{"udp-buffer", "collector", "4096", `4096`, func(c *Config) any { return c.Collector.UDPBuffer }, 4096},
	{"pair-window", "collector", "3s", `"3s"`, func(c *Config) any { return c.Collector.PairWindow }, Duration(3 * time.Second)},
	{"template-timeout", "collector", "1m", `"1m"`, func(c *Config) any { return c.Collector.TemplateTimeout }, Duration(time.Minute)},

	{"db", "store", "/x.duckdb", `"/x.duckdb"`, func(c *Config) any { return c.Store.DB }, "/x.duckdb"},
	{"partition", "store", "hour", `"hour"`, func(c *Config) any { return c.Store.Partition }, "hour"},
	{"batch", "store", "1000", `1000`, func(c *Config) any { return c.Store.Batch }, 1000},
	{"commit-every", "store", "2s", `"2s"`, func(c *Config) any { return c.Store.Commit }, Duration(2 * time.Second)},
	{"retry-every", "store", "3s", `"3s"`, func(c *Config) any { return c.Store.Retry }, Duration(3 * time.Second)},
	{"memory-limit", "store", "4GB", `"4GB"`, func(c *Config) any { return c.Store.MemLimit }, "4GB"},

	{"retain", "retention", "30d", `"30d"`, func(c *Config) any { return c.Retention.Retain }, Age(30 * 24 * time.Hour)},
	{"retain-every", "retention", "5m", `"5m"`, func(c *Config) any { return c.Retention.RetainAt }, Duration(5 * time.Minute)},

	{"baseline", "jobs", "b@1h=select 1, 2", `["b@1h=select 1, 2"]`, func(c *Config) any { return c.Jobs.Baselines }, []string{"b@1h=select 1, 2"}},

	{"listen", "endpoint", "0.0.0.0:5432", `"0.0.0.0:5432"`, func(c *Config) any { return c.Endpoint.Listen }, "0.0.0.0:5432"},
	{"users", "endpoint", "/u", `"/u"`, func(c *Config) any { return c.Endpoint.Users }, "/u"},
	{"trust", "endpoint", "true", `true`, func(c *Config) any { return c.Endpoint.Trust }, true},
	{"allow", "endpoint", "10.0.0.0/8", `["10.0.0.0/8"]`, func(c *Config) any { return c.Endpoint.Allow }, []string{"10.0.0.0/8"}},
	{"max-conns", "endpoint", "9", `9`, func(c *Config) any { return c.Endpoint.MaxConns }, 9},
	{"query-timeout", "endpoint", "1m", `"1m"`, func(c *Config) any { return c.Endpoint.QueryTimeout }, Duration(time.Minute)},
	{"idle-timeout", "endpoint", "2m", `"2m"`, func(c *Config) any { return c.Endpoint.IdleTimeout }, Duration(2 * time.Minute)},
	{"conn-memory-limit", "endpoint", "1MiB", `"1MiB"`, func(c *Config) any { return c.Endpoint.ConnMemory }, Size(1 << 20)},
	{"max-row-size", "endpoint", "2MiB", `"2MiB"`, func(c *Config) any { return c.Endpoint.MaxRowSize }, Size(2 << 20)},
	{"max-statement-size", "endpoint", "64KiB", `"64KiB"`, func(c *Config) any { return c.Endpoint.MaxStmtSize }, Size(64 << 10)},
	{"max-startups", "endpoint", "9", `9`, func(c *Config) any { return c.Endpoint.MaxStartups }, 9},
	{"auth-timeout", "endpoint", "5s", `"5s"`, func(c *Config) any { return c.Endpoint.AuthTimeout }, Duration(5 * time.Second)},
	{"tls", "endpoint", "true", `true`, func(c *Config) any { return c.Endpoint.TLS }, true},
	{"tls-cert", "endpoint", "/c.pem", `"/c.pem"`, func(c *Config) any { return c.Endpoint.TLSCert }, "/c.pem"},
	{"tls-key", "endpoint", "/k.pem", `"/k.pem"`, func(c *Config) any { return c.Endpoint.TLSKey }, "/k.pem"},
	{"tls-dir", "endpoint", "/etc/tapdb", `"/etc/tapdb"`, func(c *Config) any { return c.Endpoint.TLSDir }, "/etc/tapdb"},
	{"tls-required", "endpoint", "true", `true`, func(c *Config) any { return c.Endpoint.TLSRequired }, true},
	{"tls-min-version", "endpoint", "1.3", `"1.3"`, func(c *Config) any { return c.Endpoint.TLSMin }, "1.3"},

	{"metrics", "http", "127.0.0.1:9108", `"127.0.0.1:9108"`, func(c *Config) any { return c.HTTP.Metrics }, "127.0.0.1:9108"},

	{"pid-file", "process", "/run/t.pid", `"/run/t.pid"`, func(c *Config) any { return c.Process.PIDFile }, "/run/t.pid"},
	{"log-format", "process", "json", `"json"`, func(c *Config) any { return c.Process.LogFormat }, "json"},
	{"log-level", "process", "debug", `"debug"`, func(c *Config) any { return c.Process.LogLevel }, "debug"},
}

// Every key reaches its field in its section the same way from the flag,
// from the flat TOML key of earlier versions and from the key in its
// section's table; --print-config prints it in that table.
func TestKeysMapToSections(t *testing.T) {
	for _, tc := range keyCases {
		t.Run(tc.key, func(t *testing.T) {
			if reflect.DeepEqual(tc.field(ptr(Default())), tc.want) {
				t.Fatalf("test value %v is the default", tc.want)
			}
			for _, how := range []struct {
				name string
				args func(t *testing.T) []string
			}{
				{"flag", func(t *testing.T) []string { return []string{"--" + tc.key + "=" + tc.arg} }},
				{"flat toml", func(t *testing.T) []string {
					return []string{"--config", writeFile(t, "flat.toml", tc.key+" = "+tc.toml+"\n")}
				}},
				{"toml table", func(t *testing.T) []string {
					return []string{"--config", writeFile(t, "nested.toml", "["+tc.section+"]\n"+tc.key+" = "+tc.toml+"\n")}
				}},
			} {
				l, err := Load(how.args(t), io.Discard)
				if err != nil {
					t.Fatalf("%s: %v", how.name, err)
				}
				if got := tc.field(&l.Config); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("%s: got %#v, want %#v", how.name, got, tc.want)
				}
				var b strings.Builder
				if err := l.Config.WriteTOML(&b); err != nil {
					t.Fatal(err)
				}
				if sec := printedSection(b.String(), tc.key); sec != tc.section {
					t.Errorf("--print-config prints %s in [%s], want [%s]", tc.key, sec, tc.section)
				}
			}
		})
	}
	// The table covers every flag but the one-letter aliases.
	known := map[string]bool{}
	for _, tc := range keyCases {
		known[tc.key] = true
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c := Default()
	c.Flags(fs)
	fs.VisitAll(func(f *flag.Flag) {
		if len(f.Name) > 1 && !known[f.Name] {
			t.Errorf("key %s is missing from keyCases", f.Name)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// printedSection returns the table a printed configuration puts key in.
func printedSection(text, key string) string {
	sec := ""
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "[") {
			sec = strings.Trim(line, "[]")
		}
		if strings.HasPrefix(line, key+" = ") {
			return sec
		}
	}
	return ""
}

// The short flags -r, -i and -e are the flags of read, interface and srcid.
func TestShortFlags(t *testing.T) {
	l := load(t, "-r", "a.pcap", "-r", "b.pcap", "-i", "eth1,eth2", "-e", "s9")
	c := l.Config
	if !reflect.DeepEqual(c.Capture.Read, []string{"a.pcap", "b.pcap"}) ||
		!reflect.DeepEqual(c.Capture.Interfaces, []string{"eth1", "eth2"}) || c.FlowTable.Srcid != "s9" {
		t.Errorf("short flags read as %+v %+v", c.Capture, c.FlowTable)
	}
}

func TestTOMLSectionErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"unknown key in a table", "[endpoint]\nlisen = \"x\"\n", "unknown keys: endpoint.lisen"},
		{"key in another section's table", "[store]\nlisten = \"x\"\n", "unknown keys: store.listen"},
		{"unknown table", "[endpiont]\nlisten = \"x\"\n", "unknown keys: endpiont"},
		{"flat and in its table", "listen = \"a:1\"\n[endpoint]\nlisten = \"b:2\"\n", "also given as"},
		{"wrong type", "[capture]\nsnaplen = \"big\"\n", "capture.snaplen"},
		{"section name as a value", "endpoint = \"x\"\n", "unknown keys: endpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load([]string{"--config", writeFile(t, "a.toml", tc.text)}, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// The same settings as flat keys and in their tables
// load to the same configuration.
func TestFlatAndNestedFilesAgree(t *testing.T) {
	flat := "db = \"/f.duckdb\"\nlisten = \"127.0.0.1:6000\"\nallow = [\"127.0.0.0/8\"]\ninterface = [\"eth1\"]\nretain = \"90d\"\nmetrics = \"127.0.0.1:9108\"\nlog-format = \"json\"\n"
	nested := "[store]\ndb = \"/f.duckdb\"\n[endpoint]\nlisten = \"127.0.0.1:6000\"\nallow = [\"127.0.0.0/8\"]\n[capture]\ninterface = [\"eth1\"]\n[retention]\nretain = \"90d\"\n[http]\nmetrics = \"127.0.0.1:9108\"\n[process]\nlog-format = \"json\"\n"
	a := load(t, "--config", writeFile(t, "flat.toml", flat)).Config
	b := load(t, "--config", writeFile(t, "nested.toml", nested)).Config
	if !reflect.DeepEqual(a, b) {
		t.Errorf("flat %+v\nnested %+v", a, b)
	}
	if a.Endpoint.Listen != "127.0.0.1:6000" || a.Store.DB != "/f.duckdb" {
		t.Errorf("read as %+v", a)
	}
}

// A table name is never also a key name, so that a file's top-level name
// means one thing.
func TestSectionNamesAreNotKeys(t *testing.T) {
	c := Default()
	keys := map[string]bool{}
	for _, s := range c.sections() {
		for _, k := range s.keys {
			if keys[k.name] {
				t.Errorf("key %s is in two sections", k.name)
			}
			keys[k.name] = true
		}
	}
	for _, s := range c.sections() {
		if keys[s.name] {
			t.Errorf("section %s is also a key", s.name)
		}
	}
}

// tunnels reaches the flow table as flow.Tunnels, and a value other than
// decapsulate or outer is refused.
func TestTunnelsKey(t *testing.T) {
	if got := ptr(Default()).FlowConfig().Tunnels; got != flow.TunnelsDecapsulate {
		t.Errorf("default tunnels = %v, want decapsulate", got)
	}
	if got := ptr(load(t, "--tunnels", "outer").Config).FlowConfig().Tunnels; got != flow.TunnelsOuter {
		t.Errorf("--tunnels outer gives %v", got)
	}
	c := load(t, "--tunnels", "inner", "--db", "/x.duckdb").Config
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "tunnels") {
		t.Errorf("--tunnels inner: Validate = %v, want a tunnels error", err)
	}
}

// TestDefaultMemoryLimit: half of MemTotal or of a lower cgroup limit, at
// least 256 MiB, in a form DuckDB's memory_limit takes.
func TestDefaultMemoryLimit(t *testing.T) {
	const meminfo = "MemTotal:       25165824 kB\nMemFree:        1000 kB\n"
	tests := []struct {
		name, meminfo, cgroup string
		want                  int64
		ok                    bool
	}{
		{"machine", meminfo, "", 12 << 30, true},
		{"cgroup unlimited", meminfo, "max\n", 12 << 30, true},
		{"cgroup lower", meminfo, "4294967296\n", 2 << 30, true},
		{"cgroup higher", meminfo, "1099511627776\n", 12 << 30, true},
		{"small machine", "MemTotal: 262144 kB\n", "", 256 << 20, true},
		{"odd size rounded to MiB", "MemTotal: 1000001 kB\n", "", (1000001 << 10 / 2) &^ (1<<20 - 1), true},
		{"no MemTotal", "MemFree: 1 kB\n", "", 0, false},
		{"bad unit", "MemTotal: 1 MB\n", "", 0, false},
	}
	for _, tt := range tests {
		got, ok := memoryLimitOf(tt.meminfo, tt.cgroup)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: %d %v, want %d %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
	limit, ok := DefaultMemoryLimit()
	if !ok {
		t.Skip("no /proc/meminfo")
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("SET memory_limit = '" + limit + "'"); err != nil {
		t.Fatalf("DuckDB refuses %q: %v", limit, err)
	}
}
