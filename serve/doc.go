// Package serve is tapdb serve: one process that captures packets on live
// interfaces, collects NetFlow/IPFIX exports, writes the flow records into
// the store, serves the store over the Postgres wire protocol, keeps the
// disk bounded with retention, and reports on itself with Prometheus
// metrics and a health endpoint.
//
// # Configuration
//
// Config is the whole configuration, one section per component, each with
// its defaults (Default):
//
//	[capture]    Capture: capture files read before serving, live interfaces
//	[flow]       FlowTable: the flow table's source id and timers
//	[collector]  Collector: NetFlow v5/v9 and IPFIX listeners
//	[store]      Store: the DuckDB file and the batched writer
//	[retention]  Retention: dropping old flows
//	[jobs]       Jobs: scheduled baselining queries
//	[endpoint]   Endpoint: the Postgres endpoint, its limits and its client allow-list
//	[http]       HTTP: the metrics and health endpoint
//	[process]    Process: the PID file and the logs
//
// Every key has one name, unique across sections, which is its key in the
// TOML file and its command-line flag (Config.Flags), so a setting moves
// between the file and the command line unchanged. In the file a key may
// be written in its section's table ([endpoint] listen = "…") or at the
// top level (listen = "…"), as files of earlier versions did. Load
// applies, in order: the defaults, an argus.conf given with --argus-conf
// (the keys that have an equivalent, see ApplyArgusConf), the TOML file
// given with --config, then the flags given on the command line.
// --print-config prints the result as TOML, one table per section, which
// is a valid config file.
//
// The client allow-list is the Postgres endpoint's (pgwire): a client
// whose address it refuses is answered with SQLSTATE 28000 and logged.
//
// TLS (Endpoint.loadTLS): tls-cert and tls-key, or a self-signed
// certificate generated once and kept in tls-dir (by default beside the
// store), with 127.0.0.1 and localhost among its names so that clients can
// verify it with sslmode=verify-full; its SHA-256 fingerprint is printed
// and logged at start. tls-required refuses plain clients (28000).
// Connections still authenticating are bounded apart from the sessions
// (max-startups, auth-timeout), and failed logins are throttled and
// logged with the client's address (see pgwire).
//
// # Lifetime
//
// Run opens everything that can fail (the store, sockets, capture
// interfaces, the metrics listener) before it starts serving, then runs
// until its context is cancelled (SIGINT or SIGTERM): the capture stops,
// the flow table is flushed, the collector's waiting records are emitted,
// the last batch is committed, the Postgres endpoint closes, and Run
// returns nil. SIGHUP re-reads the configuration and applies what can
// change without dropping a connection: the client allow-list, the TLS
// certificate and settings, the retention age and period, and the users
// file (which the endpoint reads at each login anyway). Other changes are
// logged as needing a restart.
//
// # Write errors
//
// The Sink between the sources and the store's writer never blocks the
// sources on a failed store: when a batch cannot be committed (disk full,
// I/O error), ingest stops with an error log and the tapdb_ingest_stopped
// gauge at 1, records are counted as dropped, queries keep being served,
// and a new writer is tried every RetryEvery; ingest resumes when a commit
// succeeds again. DuckDB rolls the failed transaction back, so the store
// holds every batch committed before the error.
//
// A fatal DuckDB error (after which the instance refuses every statement)
// is met by reopening the store: the Postgres endpoint ends its sessions
// and refuses new ones with 57P03, ingest pauses, the store is closed and
// opened again (replaying its WAL), and both resume.
package serve
