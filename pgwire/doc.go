// Package pgwire serves the flow store over the PostgreSQL wire protocol
// (v3), built on pgx's pgproto3 message codec, so that psql, drivers and
// dashboards can query DuckDB as if it were PostgreSQL.
//
// # Layers
//
// A Server accepts connections and owns the things shared between them: the
// address allow-list, the connection limit, the users file, TLS and the
// registry of BackendKeyData used by CancelRequest. Each accepted connection
// becomes a session that lives inside database/sql's Conn.Raw callback, so it
// owns exactly one DuckDB connection for its whole life and may use the
// driver's prepared statements directly (statement types, parameter and
// column types) without breaking database/sql's contract.
//
// # A connection's life
//
//  1. The remote address is checked against the allow-list
//     (Config.AllowCIDRs, SetAllowList). A refused client gets no TLS and
//     no authentication: its SSLRequest is declined and its
//     StartupMessage answered with FATAL 28000 ("no allow-list entry for
//     host …"), and the refusal is logged.
//  2. Startup: SSLRequest is answered 'S' (then TLS) when a certificate is
//     configured, 'N' otherwise; GSSENCRequest is declined; CancelRequest
//     cancels the matching session's running query and closes.
//  3. The connection limit is applied (53300 past Config.MaxConns).
//  4. Authentication: SCRAM-SHA-256 against the users file, which holds
//     verifiers only; "trust" only when configured and only for loopback
//     peers. Failures are logged and answered after a delay.
//  5. ParameterStatus, BackendKeyData and ReadyForQuery, then the simple and
//     extended query protocols until Terminate, an I/O error, a protocol
//     violation or the idle timeout.
//
// # Read-only enforcement
//
// Every statement is classified before DuckDB binds it. DuckDB's own parser
// (json_serialize_sql) decides whether a statement is a SELECT and yields
// its syntax tree; the tree is walked and every table function must be on an
// allow-list (no read_csv, read_parquet, glob, query, …) and no table name
// may look like a file path (DuckDB's replacement scans). A statement that is
// not a SELECT must start with one of the few keywords the server handles
// itself (transaction control, harmless SET/RESET/SHOW, EXPLAIN, DECLARE /
// FETCH / CLOSE, COPY (query) and COPY table TO STDOUT); everything else
// fails with 42501 without ever reaching DuckDB's binder. Prepared statements are created
// with the driver's single-statement Prepare, which refuses a string that
// holds more than one statement, so a splitting mistake cannot smuggle a
// second statement through. The caller is still expected to open DuckDB with
// enable_external_access=false and lock_configuration=true: these checks are
// a second wall, not the only one.
//
// # Costly queries and the server's paths
//
// One session cannot take the machine: a result row (or COPY line) over
// Config.MaxRowSize fails with 53200 before it is copied into the output,
// DuckDB's out-of-memory errors (its memory_limit holds for all sessions
// together) are 53200 too, and a statement text over
// Config.MaxStatementSize fails with 54000 before anything parses it; in
// each case the session goes on. A message over Config.MaxMessageSize
// cannot be skipped (pgproto3 reads its header, not its body), so it gets
// FATAL 54000, what the client still sends of it is drained for a moment
// so that the error is not lost to a reset, and the connection closes.
//
// Query users do not see the server's file-system paths: the table
// functions that list them (duckdb_databases, duckdb_settings,
// duckdb_extensions, duckdb_temporary_files, duckdb_secrets, …) and
// DuckDB's own current_setting are refused with 42501 (paths.go), and
// Config.HidePaths read "<store>" in every error and notice sent.
//
// # Types
//
// Result columns map DuckDB types to PostgreSQL OIDs (types.go): BOOLEAN
// bool; TINYINT, SMALLINT, UTINYINT int2; INTEGER, USMALLINT int4; BIGINT,
// UINTEGER int8; UBIGINT, HUGEINT, UHUGEINT, DECIMAL numeric; FLOAT float4;
// DOUBLE float8; VARCHAR text; JSON json; BLOB bytea; DATE, TIME, TIMESTAMP,
// TIMESTAMPTZ, INTERVAL, UUID as themselves; anything else (lists, structs,
// enums) as text. Text output follows PostgreSQL's (ISO dates, "+00" zones,
// shortest round-trip floats); binary output uses pgx's pgtype codecs.
// Parameters whose type the client gives are cast to it ("$1" becomes
// "($1::BIGINT)"); others take the type DuckDB infers, and a statement with
// parameters DuckDB cannot type is described after Bind.
//
// # Results
//
// Queries are prepared and run through DuckDB's C API (tapdb/internal/duckc)
// on the session's own connection, so results stream: DuckDB computes the
// next chunk of 2048 rows as the server sends the previous one, and neither
// holds the whole result. Common types (booleans, integers, floats, text,
// timestamps) are encoded from the vectors' memory straight into DataRows
// and COPY lines; others are decoded to Go values first. The output buffer is
// flushed every 64 KiB. DuckDB closes a streaming result when its
// connection runs anything else, so a portal or cursor still open then has
// the rest of its result read into memory first (session.settle). Result
// types duckc does not decode (MAP, UNION, BIT, TIMETZ, BIGNUM) go through
// duckdb-go, which materialises the result inside DuckDB.
//
// # Catalog compatibility
//
// catalog.go rewrites, token by token and one rule per construct, what
// PostgreSQL clients send that DuckDB does not accept (OPERATOR(pg_catalog.~),
// COLLATE pg_catalog.default, ::regclass, pg_catalog.f(…), version(),
// current_setting, pg_get_userbyid, pg_database …) and points the missing
// functions and relations at TEMP macros and views named tapdb_* that each
// session creates. SHOW of PostgreSQL settings and harmless SETs are
// answered by the server. tapdb_pg_type and tapdb_pg_attribute give the
// catalog PostgreSQL's type OIDs, so that format_type and drivers' type
// lookups agree with RowDescription. Tested with real clients: psql 15 (\l
// \dn \dt \dv \d \d NAME \d+ NAME \x \timing \copy, tab completion),
// pgjdbc 42.5 (getSchemas, getTables, getColumns, getTypeInfo, binary
// transfer after prepareThreshold), psycopg2 (named cursors), node-postgres
// and pgx.
//
// What BI tools send (catalog_bi.go): SHOW TRANSACTION ISOLATION LEVEL;
// pg_matviews (empty), pg_extension (plpgsql only: no TimescaleDB),
// pg_stat_user_tables (n_live_tup is DuckDB's estimate);
// information_schema.columns with PostgreSQL's data_type, udt_schema
// pg_catalog and udt_name (int8, float8, timestamptz …, as RowDescription
// sends the columns); information_schema._pg_expandarray, pg_get_keywords,
// the max_index_keys setting, parse_ident, to_regclass,
// pg_total_relation_size (an estimate), pg_is_in_recovery, quote_literal,
// pg_get_serial_sequence, json_build_object, format('%s', …) and
// '{a,b}'::text[] literals. Tested with Metabase's and Grafana's queries
// through pgx, pgjdbc's DatabaseMetaData as DBeaver calls it
// (getPrimaryKeys, getIndexInfo, getBestRowIdentifier, getImportedKeys,
// getExportedKeys, getCrossReference: empty, as for tables without keys;
// getSQLKeywords, getTransactionIsolation) and SQLAlchemy's inspector
// (tables, views, columns). Table lists (information_schema.tables,
// columns and views, pg_class, pg_tables, pg_views, pg_stat_user_tables)
// show the database's own tables and views only: not the store's tapdb_*
// tables, the session's catalog views or DuckDB's internal ones, which
// stay readable by name.
//
// The regular-expression operators ~ !~ ~* !~* get PostgreSQL's substring
// semantics (DuckDB's ~ matches the whole string) when the pattern is a
// literal or a parameter.
//
// Known differences: a regular expression held in a column keeps DuckDB's
// whole-string semantics; statements over 16 KiB are not rewritten; pg_catalog lists DuckDB's own databases; a statement
// whose parameters DuckDB cannot type and whose result the client
// described before Bind fails with 42P18 (cast the parameter).
//
// # Per-statement costs
//
// A session caches, by text, the verdict of the read-only check (with what
// the check learned from the syntax tree) and the prepared statement of
// each simple query; extended-protocol statements are prepared once at
// Parse. A SELECT of literals only ("select 1") keeps its first result and
// is answered from it afterwards, without a DuckDB round trip
// (exec.go). date_trunc(unit, stime or ltime) over the flows view or a
// partition is computed from epoch_us when the DuckDB TimeZone is UTC and
// the unit has a fixed length (truncate.go lists the conditions), an order
// of magnitude faster than ICU's calendar arithmetic, with the same type
// and values.
//
// # Cancellation and timeouts
//
// Each query runs under a context with Config.QueryTimeout; CancelRequest and
// Server.Close cancel it, and duckdb-go interrupts the running DuckDB query.
// A session idle for Config.IdleTimeout is closed with 57P05.
package pgwire
