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

// DefaultMaxRowSize is Config.MaxRowSize's default.
const DefaultMaxRowSize = 64 << 20

// DefaultMaxStatementSize is Config.MaxStatementSize's default.
const DefaultMaxStatementSize = 1 << 20

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
	// SQLSTATE 53300. A slot is taken once the client has authenticated,
	// so clients that never finish logging in cannot hold one.
	MaxConns int
	// MaxStartups bounds the connections that have not finished
	// authenticating (default 64). Past it the oldest of them is closed
	// to make room, so that clients which connect and stall cannot keep a
	// real user, who logs in within milliseconds, out.
	MaxStartups int
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
	// MaxRowSize bounds, in bytes, one encoded result row (a DataRow or a
	// COPY line; default DefaultMaxRowSize, negative: no limit). A larger
	// row fails its statement with SQLSTATE 53200 before it is copied
	// into the output, and the session stays usable.
	MaxRowSize int64
	// MaxStatementSize bounds, in bytes, the text of one Query or Parse
	// (default DefaultMaxStatementSize, negative: no limit). A longer
	// statement fails with SQLSTATE 54000 before it is parsed, and the
	// session stays usable. MaxMessageSize is raised to hold it.
	MaxStatementSize int
	// StartupTimeout bounds the handshake and authentication, as
	// PostgreSQL's authentication_timeout does (default 30s): a client
	// that has not logged in by then is disconnected.
	StartupTimeout time.Duration
	// AuthFailDelay is waited before answering a failed login (default 1s,
	// negative for none). It is also the first step of the backoff that
	// throttles failed logins by client address and by user name, across
	// connections: after n failures the next attempt waits
	// AuthFailDelay·2^(n-1), at most AuthFailMaxDelay.
	AuthFailDelay time.Duration
	// AuthFailMaxDelay caps the failed-login backoff (default 30s).
	AuthFailMaxDelay time.Duration
	// ClientCheckInterval is how often a running query checks that its
	// client is still connected; a query whose client went away is
	// interrupted (default 1s, negative: never), as PostgreSQL's
	// client_connection_check_interval does.
	ClientCheckInterval time.Duration
	// ServerVersion is reported as server_version (default "15.0 (tapdb)").
	ServerVersion string
	// TLS is the server certificate configuration; nil disables TLS.
	// Server.SetTLS replaces it (and TLSMode) while serving.
	TLS *tls.Config
	// TLSMode says whether TLS is offered or required (ignored without TLS,
	// except that TLSRequired with a nil TLS refuses every client).
	TLSMode TLSMode
	// MaxMessageSize bounds a client message body (default 16 MiB). A
	// larger message cannot be skipped (pgproto3 has read its header but
	// not its body, and has no way to discard it), so it is answered with
	// FATAL 54000 and the connection is closed.
	MaxMessageSize int
	// HidePaths are file-system paths (the store's directory, DuckDB's
	// temp directory: see DuckDBPaths) replaced by "<store>" in every
	// error and notice sent to clients, so that query users do not learn
	// where the store lives or which account runs the server. The
	// table functions that list paths are refused regardless.
	HidePaths []string
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
	if d.MaxStartups <= 0 {
		d.MaxStartups = 64
	}
	if d.AuthFailMaxDelay <= 0 {
		d.AuthFailMaxDelay = 30 * time.Second
	}
	if d.ClientCheckInterval == 0 {
		d.ClientCheckInterval = time.Second
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
	if d.MaxRowSize == 0 {
		d.MaxRowSize = DefaultMaxRowSize
	}
	if d.MaxStatementSize == 0 {
		d.MaxStatementSize = DefaultMaxStatementSize
	}
	if d.MaxMessageSize <= 0 {
		d.MaxMessageSize = 16 << 20
	}
	if d.MaxStatementSize > 0 && d.MaxMessageSize < d.MaxStatementSize+64<<10 {
		// A statement within its bound must reach the session to be
		// answered, with room for Parse's parameter types.
		d.MaxMessageSize = d.MaxStatementSize + 64<<10
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return d
}
