package pgwire

import (
	"crypto/tls"
	"log/slog"
	"net/netip"
	"time"
)

// TLSMode says whether clients may, must or cannot use TLS.
type TLSMode int

const (
	// TLSOff answers SSLRequest with 'N'.
	TLSOff TLSMode = iota
	// TLSOptional offers TLS (Config.TLS must be set) and accepts plain
	// connections too.
	TLSOptional
	// TLSRequired refuses a startup that did not go through TLS.
	TLSRequired
)

// DefaultConnMemoryLimit is Config.ConnMemoryLimit's default.
const DefaultConnMemoryLimit = 128 << 20

// Config configures a Server. The zero value of every field but Users or
// Trust is usable.
type Config struct {
	// Listen is the address Serve's listener was opened on; informational
	// (the caller opens the listener).
	Listen string
	// Users is the path of the users file holding SCRAM-SHA-256 verifiers
	// (see AddUser). Read at each login, so user changes apply at once.
	Users string
	// Trust lets clients connecting from a loopback address in without a
	// password. Remote clients always authenticate.
	Trust bool
	// AllowCIDRs, when not empty, is the list of client networks allowed to
	// connect at all (see ParseAllowList; Server.SetAllowList replaces it).
	// Others are refused with SQLSTATE 28000 and logged.
	AllowCIDRs []netip.Prefix
	// MaxConns limits concurrent sessions (default 64); past it clients get
	// SQLSTATE 53300.
	MaxConns int
	// QueryTimeout cancels a statement running longer (0: no limit).
	QueryTimeout time.Duration
	// IdleTimeout closes a session waiting for a client message longer
	// (0: no limit).
	IdleTimeout time.Duration
	// ConnMemoryLimit bounds, in bytes, the memory one session may hold
	// for results it keeps (default DefaultConnMemoryLimit; negative: no
	// limit). A streaming result that a portal or cursor has not finished
	// is read into memory when the session runs another statement (DuckDB
	// closes it otherwise); past the limit its reader gets SQLSTATE 53200.
	// Query execution itself is bounded by DuckDB's memory_limit, which
	// holds for all sessions together.
	ConnMemoryLimit int64
	// StartupTimeout bounds the handshake and authentication (default 30s).
	StartupTimeout time.Duration
	// AuthFailDelay is waited before answering a failed login (default 1s,
	// negative for none).
	AuthFailDelay time.Duration
	// ServerVersion is reported as server_version (default "15.0 (tapdb)").
	ServerVersion string
	// TLS is the server certificate configuration; nil disables TLS.
	TLS *tls.Config
	// TLSMode says whether TLS is offered or required (ignored without TLS,
	// except that TLSRequired with a nil TLS refuses every client).
	TLSMode TLSMode
	// MaxMessageSize bounds a client message body (default 16 MiB).
	MaxMessageSize int
	// Logger receives connection, authentication and error events.
	Logger *slog.Logger
}

func (c *Config) withDefaults() Config {
	d := *c
	if d.MaxConns <= 0 {
		d.MaxConns = 64
	}
	if d.ConnMemoryLimit == 0 {
		d.ConnMemoryLimit = DefaultConnMemoryLimit
	}
	if d.StartupTimeout <= 0 {
		d.StartupTimeout = 30 * time.Second
	}
	if d.AuthFailDelay < 0 {
		d.AuthFailDelay = 0
	} else if d.AuthFailDelay == 0 {
		d.AuthFailDelay = time.Second
	}
	if d.ServerVersion == "" {
		d.ServerVersion = "15.0 (tapdb)"
	}
	if d.MaxMessageSize <= 0 {
		d.MaxMessageSize = 16 << 20
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return d
}
