// Command pgbench times tapdb's Postgres wire endpoint against a real
// PostgreSQL server holding the same flow records, with one pgx client
// connecting to both over TCP loopback. bench/pgwire.sh builds both servers
// and runs it.
//
//	pgbench ddl                    # CREATE TABLE flows for PostgreSQL, from package schema
//	pgbench columns                # the stored columns, comma-separated (the COPY column list)
//	pgbench run -tapdb URL -pg URL # the benchmark: prints one table
//
// The run measures, on each server in turn: (a) sequential `select 1` round
// trips, through pgx's default mode (a cached prepared statement: Bind,
// Execute, Sync) and through the simple query protocol, and `select 1+0`
// prepared (which tapdb, unlike a SELECT of literals, runs in DuckDB every
// time); (b) streaming 1
// million rows of eight columns to pgx in binary; (c) five dashboard-style
// aggregates over the whole table, one of them with a time-range
// predicate. Each aggregate runs once to warm caches and then -runs times;
// the median is reported, and the results of the two servers are compared
// row by row. Nothing is asserted: it is a benchmark.
package main
