package serve

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"tapdb/ingest/collector"
	"tapdb/ingest/flow"
	"tapdb/ingest/live"
	"tapdb/ingest/netflow"
	"tapdb/pgwire"
)

// Config is the daemon's whole configuration: one section per component.
// Each section is a TOML table ([capture], [flow], …) whose keys are also
// accepted at the top level of the file, as they were before the sections
// existed, and each key is also the command-line flag of the same name.
//
// The sections are embedded, so a key's field can be named with or without
// its section (c.Endpoint.Listen or c.Listen); field names are unique
// across sections.
type Config struct {
	Capture   // [capture] capture files and live interfaces
	FlowTable // [flow] the flow table that turns packets into flows
	Collector // [collector] NetFlow / IPFIX collection
	Store     // [store] the flow store and its writer
	Retention // [retention] dropping old flows
	Jobs      // [jobs] scheduled baselining queries
	Endpoint  // [endpoint] the Postgres endpoint
	HTTP      // [http] metrics and health
	Process   // [process] PID file and logs
}

// Capture is the [capture] section: packets from capture files read before
// serving, and from live interfaces.
type Capture struct {
	Read       []string
	Interfaces []string
	BPF        string
	Snaplen    int
	Promisc    bool
	RingMB     int
}

// FlowTable is the [flow] section: the flow table's source id and timers
// (Argus's), used for captures and live interfaces alike.
type FlowTable struct {
	Srcid            string
	StatusInterval   Duration
	TCPTimeout       Duration
	TCPClosedTimeout Duration
	IPTimeout        Duration
	UDPTimeout       Duration
	ICMPTimeout      Duration
	IGMPTimeout      Duration
	ARPTimeout       Duration
	FragTimeout      Duration
	OtherTimeout     Duration
	MaxFlows         int
	Tunnels          string // flow.Tunnels: "decapsulate" or "outer"
}

// Collector is the [collector] section: NetFlow v5/v9 and IPFIX listeners.
type Collector struct {
	NetFlow         []string
	IPFIX           []string
	UDPBuffer       int
	PairWindow      Duration
	TemplateTimeout Duration
}

// Store is the [store] section: the DuckDB file and the batched writer.
type Store struct {
	DB        string
	Partition string
	Batch     int
	Commit    Duration
	Retry     Duration
	MemLimit  string
}

// Retention is the [retention] section. Reloaded on SIGHUP.
type Retention struct {
	Retain   Age
	RetainAt Duration
}

// Jobs is the [jobs] section: scheduled baselining queries,
// NAME@EVERY=SQL (see Baseline). Reloaded on SIGHUP.
type Jobs struct {
	Baselines []string
}

// Endpoint is the [endpoint] section: the Postgres wire endpoint. Its
// allow-list and TLS settings (a renewed certificate) are reloaded on
// SIGHUP.
type Endpoint struct {
	Listen       string
	Users        string
	Trust        bool
	Allow        []string
	MaxConns     int
	QueryTimeout Duration
	IdleTimeout  Duration
	ConnMemory   Size
	MaxRowSize   Size
	MaxStmtSize  Size
	MaxStartups  int
	AuthTimeout  Duration
	TLS          bool
	TLSCert      string
	TLSKey       string
	TLSDir       string
	TLSRequired  bool
	TLSMin       string
}

// HTTP is the [http] section: the Prometheus metrics and /healthz
// endpoint.
type HTTP struct {
	Metrics string
}

// Process is the [process] section: the PID file and the logs.
type Process struct {
	PIDFile   string
	LogFormat string
	LogLevel  string
}

// Default returns the defaults: Argus 3.0.8's compiled-in timers, the
// Postgres endpoint on loopback, no sources, retention off.
func Default() Config {
	return Config{
		Capture:   Capture{Snaplen: 65535, Promisc: true, RingMB: 32},
		FlowTable: defaultFlowTable(),
		Collector: Collector{
			UDPBuffer: 8 << 20, PairWindow: Duration(netflow.DefaultPairWindow),
			TemplateTimeout: Duration(netflow.DefaultTemplateTimeout),
		},
		Store: Store{
			Partition: "day", Batch: 4 * 122880, Commit: Duration(time.Second),
			Retry: Duration(10 * time.Second),
		},
		Retention: Retention{RetainAt: Duration(time.Hour)},
		Endpoint: Endpoint{
			Listen: "127.0.0.1:5433", Users: "tapdb.users", MaxConns: 64,
			QueryTimeout: Duration(5 * time.Minute), IdleTimeout: Duration(time.Hour),
			ConnMemory:  Size(pgwire.DefaultConnMemoryLimit),
			MaxRowSize:  Size(pgwire.DefaultMaxRowSize),
			MaxStmtSize: Size(pgwire.DefaultMaxStatementSize),
			MaxStartups: 64, AuthTimeout: Duration(30 * time.Second), TLSMin: "1.2",
		},
		Process: Process{LogFormat: "text", LogLevel: "info"},
	}
}

func defaultFlowTable() FlowTable {
	fc := flow.DefaultConfig()
	host, _ := os.Hostname()
	return FlowTable{
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
		Tunnels:          fc.Tunnels.String(),
	}
}

// A key is one setting: its name (its TOML key, at the top level of the
// file or in its section's table, and its --flag), the field it sets
// (*string, *int, *bool, *[]string or a flag.Value), and its usage text.
type key struct {
	name  string
	ptr   any
	usage string
	short string // one-letter alias flag, if any
	whole bool   // a list whose values are not split at commas
}

// A section is one component's keys, under its TOML table name.
type section struct {
	name string
	keys []key
}

// sections lists every key of c, section by section, in the order of the
// data flow. It is the one table that flags, TOML files and --print-config
// derive from.
func (c *Config) sections() []section {
	return []section{
		{"capture", []key{
			{name: "read", ptr: &c.Read, short: "r", usage: "capture to ingest before serving (repeatable)"},
			{name: "interface", ptr: &c.Interfaces, short: "i", usage: "network interface to capture on (repeatable)"},
			{name: "bpf", ptr: &c.BPF, usage: "capture filter in tcpdump syntax (the subset in packaging/README.md)"},
			{name: "snaplen", ptr: &c.Snaplen, usage: "bytes captured per packet"},
			{name: "promisc", ptr: &c.Promisc, usage: "put capture interfaces in promiscuous mode"},
			{name: "ring-mb", ptr: &c.RingMB, usage: "capture ring size per interface, MiB"},
		}},
		{"flow", []key{
			{name: "srcid", ptr: &c.Srcid, short: "e", usage: "source id of captured flows (Argus -e); exports keep their exporter's address"},
			{name: "status-interval", ptr: &c.StatusInterval, usage: "flow status interval (Argus -S, ARGUS_FLOW_STATUS_INTERVAL)"},
			{name: "tcp-timeout", ptr: &c.TCPTimeout, usage: "idle timeout of TCP flows"},
			{name: "tcp-closed-timeout", ptr: &c.TCPClosedTimeout, usage: "idle timeout of TCP flows after a FIN or RST"},
			{name: "ip-timeout", ptr: &c.IPTimeout, usage: "idle timeout of IP flows other than TCP, UDP, ICMP, IGMP"},
			{name: "udp-timeout", ptr: &c.UDPTimeout, usage: "idle timeout of UDP flows"},
			{name: "icmp-timeout", ptr: &c.ICMPTimeout, usage: "idle timeout of ICMP flows"},
			{name: "igmp-timeout", ptr: &c.IGMPTimeout, usage: "idle timeout of IGMP flows"},
			{name: "arp-timeout", ptr: &c.ARPTimeout, usage: "idle timeout of ARP flows"},
			{name: "frag-timeout", ptr: &c.FragTimeout, usage: "how long fragments wait for their first fragment"},
			{name: "other-timeout", ptr: &c.OtherTimeout, usage: "idle timeout of non-IP flows"},
			{name: "max-flows", ptr: &c.MaxFlows, usage: "most flows held in memory; when full the least recently active are written early"},
			{name: "tunnels", ptr: &c.Tunnels, usage: "IP-in-IP, 6in4, 4in6, 6in6 packets: decapsulate (the inner flows) or outer (one flow between the tunnel endpoints, as Argus 3.0.8)"},
		}},
		{"collector", []key{
			{name: "netflow", ptr: &c.NetFlow, usage: "UDP address to receive NetFlow v5/v9 (and IPFIX) on, e.g. :2055 (repeatable)"},
			{name: "ipfix", ptr: &c.IPFIX, usage: "UDP address to receive IPFIX (and NetFlow) on, e.g. :4739 (repeatable)"},
			{name: "udp-buffer", ptr: &c.UDPBuffer, usage: "socket receive buffer of the export listeners, bytes"},
			{name: "pair-window", ptr: &c.PairWindow, usage: "how long a one-way export record waits for its reverse direction (negative: no pairing)"},
			{name: "template-timeout", ptr: &c.TemplateTimeout, usage: "how long a NetFlow v9/IPFIX template lives after it was last announced"},
		}},
		{"store", []key{
			{name: "db", ptr: &c.DB, usage: "flow store (DuckDB file); without it an in-memory store"},
			{name: "partition", ptr: &c.Partition, usage: "period width of a new store (the unit sealed and exported): hour, day or month"},
			{name: "batch", ptr: &c.Batch, usage: "records per committed batch at most"},
			{name: "commit-every", ptr: &c.Commit, usage: "commit what was written at least this often, so flows reach queries quickly"},
			{name: "retry-every", ptr: &c.Retry, usage: "after a write error, how often to try writing again"},
			{name: "memory-limit", ptr: &c.MemLimit, usage: "DuckDB memory limit for all queries together, e.g. 4GB; past it a query fails with SQLSTATE 53200 (default: half of the machine's memory, or of the cgroup's limit if lower)"},
		}},
		{"retention", []key{
			{name: "retain", ptr: &c.Retain, usage: "delete records that started longer ago, e.g. 90d (0: keep everything)"},
			{name: "retain-every", ptr: &c.RetainAt, usage: "how often retention runs"},
		}},
		{"jobs", []key{
			{name: "baseline", ptr: &c.Baselines, whole: true, usage: "scheduled baselining query NAME@EVERY=SQL, rows appended to table baseline_NAME (repeatable; one query per flag)"},
		}},
		{"endpoint", []key{
			{name: "listen", ptr: &c.Listen, usage: "address of the Postgres endpoint"},
			{name: "users", ptr: &c.Users, usage: "users file with SCRAM-SHA-256 verifiers (tapdb user add)"},
			{name: "trust", ptr: &c.Trust, usage: "let loopback clients in without a password"},
			{name: "allow", ptr: &c.Allow, usage: "client network allowed to connect, CIDR or address (repeatable; default: any); others are refused with SQLSTATE 28000"},
			{name: "max-conns", ptr: &c.MaxConns, usage: "most concurrent sessions (SQLSTATE 53300 past it)"},
			{name: "query-timeout", ptr: &c.QueryTimeout, usage: "cancel a statement running longer (0: no limit)"},
			{name: "idle-timeout", ptr: &c.IdleTimeout, usage: "close a session idle longer (0: no limit)"},
			{name: "conn-memory-limit", ptr: &c.ConnMemory, usage: "most memory a session may hold for results kept while it runs other statements, e.g. 128MiB (SQLSTATE 53200 past it; 0: no limit)"},
			{name: "max-row-size", ptr: &c.MaxRowSize, usage: "largest result row (or COPY line) sent to a client, e.g. 64MiB (SQLSTATE 53200 past it; 0: no limit)"},
			{name: "max-statement-size", ptr: &c.MaxStmtSize, usage: "longest statement text accepted, e.g. 1MiB (SQLSTATE 54000 past it, before it is parsed; 0: no limit)"},
			{name: "max-startups", ptr: &c.MaxStartups, usage: "most connections still authenticating; past it the oldest is closed (they take no max-conns slot)"},
			{name: "auth-timeout", ptr: &c.AuthTimeout, usage: "close a connection that has not logged in within this time (PostgreSQL's authentication_timeout)"},
			{name: "tls", ptr: &c.TLS, usage: "offer TLS; without tls-cert a self-signed certificate is generated and kept in tls-dir (implied by tls-cert and tls-required)"},
			{name: "tls-cert", ptr: &c.TLSCert, usage: "server certificate (PEM, with its chain); reread on SIGHUP"},
			{name: "tls-key", ptr: &c.TLSKey, usage: "private key of tls-cert (PEM)"},
			{name: "tls-dir", ptr: &c.TLSDir, usage: "where the self-signed certificate is kept, server.crt and server.key (default: the directory of db)"},
			{name: "tls-required", ptr: &c.TLSRequired, usage: "refuse clients that do not use TLS (SQLSTATE 28000)"},
			{name: "tls-min-version", ptr: &c.TLSMin, usage: "oldest TLS version accepted: 1.2 or 1.3"},
		}},
		{"http", []key{
			{name: "metrics", ptr: &c.Metrics, usage: "address of the Prometheus metrics and /healthz endpoint, e.g. 127.0.0.1:9108 (empty: off)"},
		}},
		{"process", []key{
			{name: "pid-file", ptr: &c.PIDFile, usage: "write the process id to this file while running"},
			{name: "log-format", ptr: &c.LogFormat, usage: "log format: text or json"},
			{name: "log-level", ptr: &c.LogLevel, usage: "log level: debug, info, warn or error"},
		}},
	}
}

// Flags binds every key of c to a flag of fs of the same name (with short
// aliases r, i and e for read, interface and srcid). A list flag given on
// the command line replaces the list from the files; repeat it for several
// values.
func (c *Config) Flags(fs *flag.FlagSet) {
	for _, s := range c.sections() {
		for _, k := range s.keys {
			names := []string{k.name}
			if k.short != "" {
				names = append(names, k.short)
			}
			var v flag.Value // shared by a key and its alias
			for i, name := range names {
				usage := k.usage
				if i > 0 {
					usage = "short for --" + k.name
				}
				switch p := k.ptr.(type) {
				case *string:
					fs.StringVar(p, name, *p, usage)
				case *int:
					fs.IntVar(p, name, *p, usage)
				case *bool:
					fs.BoolVar(p, name, *p, usage)
				case *[]string:
					if v == nil {
						v = &listValue{p: p, whole: k.whole}
					}
					fs.Var(v, name, usage)
				case flag.Value:
					fs.Var(p, name, usage)
				default:
					panic(fmt.Sprintf("serve: key %s has no flag type (%T)", k.name, k.ptr))
				}
			}
		}
	}
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
func (c *Config) FlowConfig() flow.Config { return c.FlowTable.config() }

func (f *FlowTable) config() flow.Config {
	tunnels, _ := flow.ParseTunnels(f.Tunnels) // checked by validate
	return flow.Config{
		StatusInterval:   time.Duration(f.StatusInterval),
		TCPTimeout:       time.Duration(f.TCPTimeout),
		TCPClosedTimeout: time.Duration(f.TCPClosedTimeout),
		IPTimeout:        time.Duration(f.IPTimeout),
		UDPTimeout:       time.Duration(f.UDPTimeout),
		ICMPTimeout:      time.Duration(f.ICMPTimeout),
		IGMPTimeout:      time.Duration(f.IGMPTimeout),
		ARPTimeout:       time.Duration(f.ARPTimeout),
		FragTimeout:      time.Duration(f.FragTimeout),
		OtherTimeout:     time.Duration(f.OtherTimeout),
		MaxFlows:         f.MaxFlows,
		Srcid:            f.Srcid,
		Tunnels:          tunnels,
	}
}

// config is the live capture's configuration, packets going through a
// flow table configured by fc.
func (c *Capture) config(fc flow.Config) live.Config {
	return live.Config{
		Interfaces: c.Interfaces, Snaplen: c.Snaplen, Promisc: c.Promisc, Filter: c.BPF,
		RingBytes: c.RingMB << 20, Flow: fc,
	}
}

// config is the collector's configuration, and whether it has listeners.
func (c *Collector) config() (collector.Config, bool) {
	listen := append(append([]string(nil), c.NetFlow...), c.IPFIX...)
	return collector.Config{
		Listen: listen, ReadBuffer: c.UDPBuffer,
		Decoder: netflow.Config{PairWindow: time.Duration(c.PairWindow), TemplateTimeout: time.Duration(c.TemplateTimeout)},
	}, len(listen) > 0
}

// config is the Postgres endpoint's configuration.
func (e *Endpoint) config() (pgwire.Config, error) {
	allow, err := pgwire.ParseAllowList(e.Allow)
	if err != nil {
		return pgwire.Config{}, err
	}
	return pgwire.Config{
		Listen: e.Listen, Users: e.Users, Trust: e.Trust, AllowCIDRs: allow, MaxConns: e.MaxConns,
		QueryTimeout: time.Duration(e.QueryTimeout), IdleTimeout: time.Duration(e.IdleTimeout),
		ConnMemoryLimit: int64(e.ConnMemory), MaxStartups: e.MaxStartups,
		MaxRowSize: orNoLimit(int64(e.MaxRowSize)), MaxStatementSize: int(orNoLimit(int64(e.MaxStmtSize))),
		StartupTimeout: time.Duration(e.AuthTimeout),
	}, nil
}

// orNoLimit maps a key's 0 ("no limit") to pgwire's negative.
func orNoLimit(n int64) int64 {
	if n == 0 {
		return -1
	}
	return n
}

// DefaultMemoryLimit is the DuckDB memory limit used when memory-limit is
// not set: half of the machine's memory (MemTotal of /proc/meminfo) or of
// the cgroup v2 limit (/sys/fs/cgroup/memory.max) if that is lower, at
// least 256 MiB. DuckDB's own default, 80% of the machine, leaves too
// little for the rest of the process (result encoding, flow tables), so a
// single query could get the daemon killed. ok is false when the
// machine's memory is unknown (not Linux): DuckDB's default stays.
func DefaultMemoryLimit() (limit string, ok bool) {
	meminfo, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "", false
	}
	cgroup, _ := os.ReadFile("/sys/fs/cgroup/memory.max")
	n, ok := memoryLimitOf(string(meminfo), string(cgroup))
	if !ok {
		return "", false
	}
	return Size(n).text(), true
}

// memoryLimitOf computes DefaultMemoryLimit from the text of
// /proc/meminfo and of memory.max ("" or "max": no cgroup limit), in
// bytes rounded down to MiB.
func memoryLimitOf(meminfo, cgroupMax string) (int64, bool) {
	var total int64
	for _, line := range strings.Split(meminfo, "\n") {
		rest, found := strings.CutPrefix(line, "MemTotal:")
		if !found {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, false
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb <= 0 {
			return 0, false
		}
		total = kb << 10
	}
	if total == 0 {
		return 0, false
	}
	if c, err := strconv.ParseInt(strings.TrimSpace(cgroupMax), 10, 64); err == nil && c > 0 && c < total {
		total = c
	}
	limit := max(total/2, 256<<20) &^ (1<<20 - 1)
	return limit, true
}

// tlsWanted reports whether TLS is to be offered.
func (e *Endpoint) tlsWanted() bool { return e.TLS || e.TLSCert != "" || e.TLSRequired }

// tlsDir is where a self-signed certificate is kept.
func (e *Endpoint) tlsDir(db string) string {
	if e.TLSDir != "" {
		return e.TLSDir
	}
	if db != "" {
		return filepath.Dir(db)
	}
	return ""
}

// endpointTLS is the endpoint's TLS configuration as loaded.
type endpointTLS struct {
	cfg         *tls.Config
	mode        pgwire.TLSMode
	certFile    string // the certificate's file
	selfSigned  bool
	fingerprint string // SHA-256 of the leaf certificate, hex pairs
}

// loadTLS loads the certificate (tls-cert and tls-key, or the self-signed
// one kept in tls-dir, generated if missing). db is the store, beside
// which the self-signed certificate is kept by default.
func (e *Endpoint) loadTLS(db string) (endpointTLS, error) {
	if !e.tlsWanted() {
		return endpointTLS{mode: pgwire.TLSOff}, nil
	}
	var t endpointTLS
	if e.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(e.TLSCert, e.TLSKey)
		if err != nil {
			return t, fmt.Errorf("tls-cert: %w", err)
		}
		t.cfg, t.certFile = pgwire.TLSConfig(cert), e.TLSCert
	} else {
		dir := e.tlsDir(db)
		cfg, err := pgwire.SelfSignedCert(dir)
		if err != nil {
			return t, fmt.Errorf("tls: %w", err)
		}
		t.cfg, t.certFile, t.selfSigned = cfg, pgwire.SelfSignedCertFile(dir), true
	}
	if e.TLSMin == "1.3" {
		t.cfg.MinVersion = tls.VersionTLS13
	}
	t.mode = pgwire.TLSOptional
	if e.TLSRequired {
		t.mode = pgwire.TLSRequired
	}
	t.fingerprint = pgwire.CertFingerprint(t.cfg.Certificates[0])
	return t, nil
}

// Validate reports every setting that cannot work.
func (c *Config) Validate() error {
	var errs []error
	if c.DB == "" && len(c.Read) == 0 && len(c.Interfaces) == 0 && len(c.NetFlow) == 0 && len(c.IPFIX) == 0 {
		errs = append(errs, errors.New("nothing to serve: want db, read, interface, netflow or ipfix"))
	}
	for _, v := range []interface{ validate() []error }{
		&c.Capture, &c.FlowTable, &c.Collector, &c.Store, &c.Retention, &c.Jobs, &c.Endpoint, &c.HTTP, &c.Process,
	} {
		errs = append(errs, v.validate()...)
	}
	if c.Endpoint.tlsWanted() && c.Endpoint.TLSCert == "" && c.Endpoint.tlsDir(c.DB) == "" {
		errs = append(errs, errors.New("tls: no tls-cert, and no tls-dir or db beside which to keep a self-signed certificate"))
	}
	return errors.Join(errs...)
}

func (c *Capture) validate() (errs []error) {
	if c.BPF != "" {
		if _, err := live.Compile(c.BPF, 65535); err != nil {
			errs = append(errs, fmt.Errorf("bpf: %w", err))
		}
	}
	if c.Snaplen < 64 || c.Snaplen > 262144 {
		errs = append(errs, errors.New("snaplen: between 64 and 262144"))
	}
	if c.RingMB < 1 {
		errs = append(errs, errors.New("ring-mb: at least 1"))
	}
	return errs
}

func (f *FlowTable) validate() (errs []error) {
	if time.Duration(f.StatusInterval) < time.Second {
		errs = append(errs, errors.New("status-interval: at least 1s"))
	}
	if _, err := flow.ParseTunnels(f.Tunnels); err != nil {
		errs = append(errs, fmt.Errorf("tunnels: %q: want decapsulate or outer", f.Tunnels))
	}
	return errs
}

func (c *Collector) validate() (errs []error) {
	for _, a := range append(append([]string(nil), c.NetFlow...), c.IPFIX...) {
		if _, _, err := net.SplitHostPort(a); err != nil {
			errs = append(errs, fmt.Errorf("address %q: %w", a, err))
		}
	}
	return errs
}

func (s *Store) validate() (errs []error) {
	if time.Duration(s.Commit) <= 0 {
		errs = append(errs, errors.New("commit-every: must be positive"))
	}
	if time.Duration(s.Retry) <= 0 {
		errs = append(errs, errors.New("retry-every: must be positive"))
	}
	if s.Batch <= 0 {
		errs = append(errs, errors.New("batch: must be positive"))
	}
	return errs
}

func (r *Retention) validate() (errs []error) {
	if time.Duration(r.RetainAt) <= 0 {
		errs = append(errs, errors.New("retain-every: must be positive"))
	}
	return errs
}

func (j *Jobs) validate() (errs []error) {
	if _, err := ParseBaselines(j.Baselines); err != nil {
		errs = append(errs, err)
	}
	return errs
}

func (e *Endpoint) validate() (errs []error) {
	if _, err := pgwire.ParseAllowList(e.Allow); err != nil {
		errs = append(errs, err)
	}
	if _, _, err := net.SplitHostPort(e.Listen); err != nil {
		errs = append(errs, fmt.Errorf("address %q: %w", e.Listen, err))
	}
	if e.MaxStartups < 1 {
		errs = append(errs, errors.New("max-startups: at least 1"))
	}
	if time.Duration(e.AuthTimeout) <= 0 {
		errs = append(errs, errors.New("auth-timeout: must be positive"))
	}
	switch e.TLSMin {
	case "1.2", "1.3":
	default:
		errs = append(errs, fmt.Errorf("tls-min-version %q: want 1.2 or 1.3", e.TLSMin))
	}
	if (e.TLSCert == "") != (e.TLSKey == "") {
		errs = append(errs, errors.New("tls-cert and tls-key: give both or neither"))
	}
	if e.TLSDir != "" && e.TLSCert != "" {
		errs = append(errs, errors.New("tls-dir: only for the self-signed certificate, not with tls-cert"))
	}
	return errs
}

func (h *HTTP) validate() (errs []error) {
	if h.Metrics != "" {
		if _, _, err := net.SplitHostPort(h.Metrics); err != nil {
			errs = append(errs, fmt.Errorf("metrics %q: %w", h.Metrics, err))
		}
	}
	return errs
}

func (p *Process) validate() (errs []error) {
	switch p.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log-format %q: want text or json", p.LogFormat))
	}
	if _, err := parseLevel(p.LogLevel); err != nil {
		errs = append(errs, err)
	}
	return errs
}
