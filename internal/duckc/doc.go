// Package duckc is tapdb's one layer over DuckDB's C API: it runs queries
// on a DuckDB connection and streams their results a chunk at a time, and
// it appends records to a table by filling DataChunks in place (Native,
// Appender), the store writer's hot path.
//
// duckdb-go, the database/sql driver tapdb uses everywhere else, executes
// every query to completion and keeps the whole result inside DuckDB before
// the first row can be read. The Postgres endpoint must send a
// fifty-million-row result without holding it, so it prepares and runs its
// queries here instead, on the very connection it holds through
// database/sql (Raw, Of), so that transactions, temporary objects and
// settings are shared between the two. duckdb-go does not export that
// connection's C handle: Of reads it from the driver's connection and
// trusts it only after checking the connection id the driver does export,
// so a duckdb-go with another layout is refused (callers then fall back to
// the driver), never misread. ra reads local stores the same way.
//
// A connection has at most one streaming result at a time: DuckDB closes it
// as soon as anything else runs on the connection (a prepare included).
// Rows.Buffer reads the rest of a result into memory for a caller that must
// keep a result open while it runs something else.
package duckc
