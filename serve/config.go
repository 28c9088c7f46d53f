package serve

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"tapdb/ingest/flow"
	"tapdb/ingest/live"
	"tapdb/ingest/netflow"
	"tapdb/pgwire"
)

// Config is the daemon's whole configuration. Each field's toml tag is both
// its key in the config file and the name of its command-line flag.
type Config struct {
	// Store.
	DB        string   `toml:"db"`
	Partition string   `toml:"partition"`
	Read      []string `toml:"read"`
	Batch     int      `toml:"batch"`
	Commit    Duration `toml:"commit-every"`
	Retain    Age      `toml:"retain"`
	RetainAt  Duration `toml:"retain-every"`
	Retry     Duration `toml:"retry-every"`
	MemLimit  string   `toml:"memory-limit"`

	// Scheduled baselining queries, NAME@EVERY=SQL (see Baseline).
	Baselines []string `toml:"baseline"`

	// Postgres endpoint.
	Listen       string   `toml:"listen"`
	Users        string   `toml:"users"`
	Trust        bool     `toml:"trust"`
	Allow        []string `toml:"allow"`
	MaxConns     int      `toml:"max-conns"`
	QueryTimeout Duration `toml:"query-timeout"`
	IdleTimeout  Duration `toml:"idle-timeout"`
	ConnMemory   Size     `toml:"conn-memory-limit"`

	// Live capture.
	Interfaces []string `toml:"interface"`
	BPF        string   `toml:"bpf"`
	Snaplen    int      `toml:"snaplen"`
	Promisc    bool     `toml:"promisc"`
	RingMB     int      `toml:"ring-mb"`

	// NetFlow / IPFIX collection.
	NetFlow         []string `toml:"netflow"`
	IPFIX           []string `toml:"ipfix"`
	UDPBuffer       int      `toml:"udp-buffer"`
	PairWindow      Duration `toml:"pair-window"`
	TemplateTimeout Duration `toml:"template-timeout"`

	// Flow table (Argus timers).
	Srcid            string   `toml:"srcid"`
	StatusInterval   Duration `toml:"status-interval"`
	TCPTimeout       Duration `toml:"tcp-timeout"`
	TCPClosedTimeout Duration `toml:"tcp-closed-timeout"`
	IPTimeout        Duration `toml:"ip-timeout"`
	UDPTimeout       Duration `toml:"udp-timeout"`
	ICMPTimeout      Duration `toml:"icmp-timeout"`
	IGMPTimeout      Duration `toml:"igmp-timeout"`
	ARPTimeout       Duration `toml:"arp-timeout"`
	FragTimeout      Duration `toml:"frag-timeout"`
	OtherTimeout     Duration `toml:"other-timeout"`
	MaxFlows         int      `toml:"max-flows"`

	// Operations.
	Metrics   string `toml:"metrics"`
	PIDFile   string `toml:"pid-file"`
	LogFormat string `toml:"log-format"`
	LogLevel  string `toml:"log-level"`
}

// Default returns the defaults: Argus 3.0.8's compiled-in timers, the
// Postgres endpoint on loopback, no sources, retention off.
func Default() Config {
	fc := flow.DefaultConfig()
	host, _ := os.Hostname()
	return Config{
		Partition: "day", Batch: 4 * 122880, Commit: Duration(time.Second),
		RetainAt: Duration(time.Hour), Retry: Duration(10 * time.Second),
		Listen: "127.0.0.1:5433", Users: "tapdb.users", MaxConns: 64,
		QueryTimeout: Duration(5 * time.Minute), IdleTimeout: Duration(time.Hour), ConnMemory: Size(pgwire.DefaultConnMemoryLimit),
		Snaplen: 65535, Promisc: true, RingMB: 32,
		UDPBuffer: 8 << 20, PairWindow: Duration(netflow.DefaultPairWindow), TemplateTimeout: Duration(netflow.DefaultTemplateTimeout),
		Srcid:            host,
		StatusInterval:   Duration(fc.StatusInterval),
		TCPTimeout:       Duration(fc.TCPTimeout),
		TCPClosedTimeout: Duration(fc.TCPClosedTimeout),
		IPTimeout:        Duration(fc.IPTimeout),
		UDPTimeout:       Duration(fc.UDPTimeout),
		ICMPTimeout:      Duration(fc.ICMPTimeout),
		IGMPTimeout:      Duration(fc.IGMPTimeout),
		ARPTimeout:       Duration(fc.ARPTimeout),
		FragTimeout:      Duration(fc.FragTimeout),
		OtherTimeout:     Duration(fc.OtherTimeout),
		MaxFlows:         fc.MaxFlows,
		LogFormat:        "text", LogLevel: "info",
	}
}

// Flags binds every key of c to a flag of fs named after its toml tag
// (with short aliases r, i and e for read, interface and srcid). A list
// flag given on the command line replaces the list from the files; repeat
// it for several values.
func (c *Config) Flags(fs *flag.FlagSet) {
	str := func(p *string, name, usage string) { fs.StringVar(p, name, *p, usage) }
	list := func(p *[]string, name, usage string) { fs.Var(&listValue{p: p}, name, usage) }
	dur := func(p *Duration, name, usage string) { fs.Var(p, name, usage) }
	integer := func(p *int, name, usage string) { fs.IntVar(p, name, *p, usage) }
	boolean := func(p *bool, name, usage string) { fs.BoolVar(p, name, *p, usage) }

	str(&c.DB, "db", "flow store (DuckDB file); without it an in-memory store")
	str(&c.Partition, "partition", "partition width of a new store: hour, day or month")
	rv := &listValue{p: &c.Read}
	fs.Var(rv, "read", "capture to ingest before serving (repeatable)")
	fs.Var(rv, "r", "short for --read")
	integer(&c.Batch, "batch", "records per committed batch at most")
	dur(&c.Commit, "commit-every", "commit what was written at least this often, so flows reach queries quickly")
	fs.Var(&c.Retain, "retain", "drop partitions whose time range ended longer ago, e.g. 90d (0: keep everything)")
	dur(&c.RetainAt, "retain-every", "how often retention runs")
	dur(&c.Retry, "retry-every", "after a write error, how often to try writing again")
	str(&c.MemLimit, "memory-limit", "DuckDB memory limit for all queries, e.g. 4GB (default: DuckDB's, 80% of RAM)")

	str(&c.Listen, "listen", "address of the Postgres endpoint")
	str(&c.Users, "users", "users file with SCRAM-SHA-256 verifiers (tapdb user add)")
	boolean(&c.Trust, "trust", "let loopback clients in without a password")
	list(&c.Allow, "allow", "client network allowed to connect, CIDR (repeatable; default: any)")
	fs.Var(&listValue{p: &c.Baselines, whole: true}, "baseline", "scheduled baselining query NAME@EVERY=SQL, rows appended to table baseline_NAME (repeatable; one query per flag)")
	integer(&c.MaxConns, "max-conns", "most concurrent sessions (SQLSTATE 53300 past it)")
	dur(&c.QueryTimeout, "query-timeout", "cancel a statement running longer (0: no limit)")
	dur(&c.IdleTimeout, "idle-timeout", "close a session idle longer (0: no limit)")
	fs.Var(&c.ConnMemory, "conn-memory-limit", "most memory a session may hold for results kept while it runs other statements, e.g. 128MiB (SQLSTATE 53200 past it; 0: no limit)")

	iv := &listValue{p: &c.Interfaces}
	fs.Var(iv, "interface", "network interface to capture on (repeatable)")
	fs.Var(iv, "i", "short for --interface")
	str(&c.BPF, "bpf", "capture filter in tcpdump syntax (the subset in packaging/README.md)")
	integer(&c.Snaplen, "snaplen", "bytes captured per packet")
	boolean(&c.Promisc, "promisc", "put capture interfaces in promiscuous mode")
	integer(&c.RingMB, "ring-mb", "capture ring size per interface, MiB")

	list(&c.NetFlow, "netflow", "UDP address to receive NetFlow v5/v9 (and IPFIX) on, e.g. :2055 (repeatable)")
	list(&c.IPFIX, "ipfix", "UDP address to receive IPFIX (and NetFlow) on, e.g. :4739 (repeatable)")
	integer(&c.UDPBuffer, "udp-buffer", "socket receive buffer of the export listeners, bytes")
	dur(&c.PairWindow, "pair-window", "how long a one-way export record waits for its reverse direction (negative: no pairing)")
	dur(&c.TemplateTimeout, "template-timeout", "how long a NetFlow v9/IPFIX template lives after it was last announced")

	str(&c.Srcid, "srcid", "source id of captured flows (Argus -e); exports keep their exporter's address")
	fs.StringVar(&c.Srcid, "e", c.Srcid, "short for --srcid")
	dur(&c.StatusInterval, "status-interval", "flow status interval (Argus -S, ARGUS_FLOW_STATUS_INTERVAL)")
	dur(&c.TCPTimeout, "tcp-timeout", "idle timeout of TCP flows")
	dur(&c.TCPClosedTimeout, "tcp-closed-timeout", "idle timeout of TCP flows after a FIN or RST")
	dur(&c.IPTimeout, "ip-timeout", "idle timeout of IP flows other than TCP, UDP, ICMP, IGMP")
	dur(&c.UDPTimeout, "udp-timeout", "idle timeout of UDP flows")
	dur(&c.ICMPTimeout, "icmp-timeout", "idle timeout of ICMP flows")
	dur(&c.IGMPTimeout, "igmp-timeout", "idle timeout of IGMP flows")
	dur(&c.ARPTimeout, "arp-timeout", "idle timeout of ARP flows")
	dur(&c.FragTimeout, "frag-timeout", "how long fragments wait for their first fragment")
	dur(&c.OtherTimeout, "other-timeout", "idle timeout of non-IP flows")
	integer(&c.MaxFlows, "max-flows", "most flows held in memory; when full the least recently active are written early")

	str(&c.Metrics, "metrics", "address of the Prometheus metrics and /healthz endpoint, e.g. 127.0.0.1:9108 (empty: off)")
	str(&c.PIDFile, "pid-file", "write the process id to this file while running")
	str(&c.LogFormat, "log-format", "log format: text or json")
	str(&c.LogLevel, "log-level", "log level: debug, info, warn or error")
}

// listValue is a repeatable string flag; the first value given on the
// command line replaces the list read from files. Commas also separate
// values.
type listValue struct {
	p   *[]string
	set bool
	// whole keeps each flag value as one element (values that contain
	// commas, such as SQL); otherwise a value is split at commas.
	whole bool
}

func (l *listValue) String() string {
	if l.p == nil {
		return ""
	}
	return strings.Join(*l.p, ",")
}

func (l *listValue) Set(v string) error {
	if !l.set {
		*l.p = nil
		l.set = true
	}
	parts := []string{v}
	if !l.whole {
		parts = strings.Split(v, ",")
	}
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			*l.p = append(*l.p, s)
		}
	}
	return nil
}

// FlowConfig is the flow table configuration.
func (c *Config) FlowConfig() flow.Config {
	return flow.Config{
		StatusInterval:   time.Duration(c.StatusInterval),
		TCPTimeout:       time.Duration(c.TCPTimeout),
		TCPClosedTimeout: time.Duration(c.TCPClosedTimeout),
		IPTimeout:        time.Duration(c.IPTimeout),
		UDPTimeout:       time.Duration(c.UDPTimeout),
		ICMPTimeout:      time.Duration(c.ICMPTimeout),
		IGMPTimeout:      time.Duration(c.IGMPTimeout),
		ARPTimeout:       time.Duration(c.ARPTimeout),
		FragTimeout:      time.Duration(c.FragTimeout),
		OtherTimeout:     time.Duration(c.OtherTimeout),
		MaxFlows:         c.MaxFlows,
		Srcid:            c.Srcid,
	}
}

// AllowPrefixes parses the allow-list.
func (c *Config) AllowPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, a := range c.Allow {
		p, err := netip.ParsePrefix(a)
		if err != nil {
			if addr, aerr := netip.ParseAddr(a); aerr == nil {
				p = netip.PrefixFrom(addr, addr.BitLen())
			} else {
				return nil, fmt.Errorf("allow %s: %w", a, err)
			}
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Validate reports the first setting that cannot work.
func (c *Config) Validate() error {
	var errs []error
	if c.DB == "" && len(c.Read) == 0 && len(c.Interfaces) == 0 && len(c.NetFlow) == 0 && len(c.IPFIX) == 0 {
		errs = append(errs, errors.New("nothing to serve: want db, read, interface, netflow or ipfix"))
	}
	if _, err := c.AllowPrefixes(); err != nil {
		errs = append(errs, err)
	}
	if _, err := ParseBaselines(c.Baselines); err != nil {
		errs = append(errs, err)
	}
	if c.BPF != "" {
		if _, err := live.Compile(c.BPF, 65535); err != nil {
			errs = append(errs, fmt.Errorf("bpf: %w", err))
		}
	}
	if time.Duration(c.StatusInterval) < time.Second {
		errs = append(errs, errors.New("status-interval: at least 1s"))
	}
	if time.Duration(c.Commit) <= 0 {
		errs = append(errs, errors.New("commit-every: must be positive"))
	}
	if time.Duration(c.RetainAt) <= 0 {
		errs = append(errs, errors.New("retain-every: must be positive"))
	}
	if time.Duration(c.Retry) <= 0 {
		errs = append(errs, errors.New("retry-every: must be positive"))
	}
	if c.Batch <= 0 {
		errs = append(errs, errors.New("batch: must be positive"))
	}
	if c.Snaplen < 64 || c.Snaplen > 262144 {
		errs = append(errs, errors.New("snaplen: between 64 and 262144"))
	}
	if c.RingMB < 1 {
		errs = append(errs, errors.New("ring-mb: at least 1"))
	}
	for _, a := range append(append([]string{c.Listen}, c.NetFlow...), c.IPFIX...) {
		if _, _, err := net.SplitHostPort(a); err != nil {
			errs = append(errs, fmt.Errorf("address %q: %w", a, err))
		}
	}
	if c.Metrics != "" {
		if _, _, err := net.SplitHostPort(c.Metrics); err != nil {
			errs = append(errs, fmt.Errorf("metrics %q: %w", c.Metrics, err))
		}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log-format %q: want text or json", c.LogFormat))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
