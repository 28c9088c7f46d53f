// Package query owns the DuckDB store: opening it with safe settings,
// applying migrations, time partitions and the flows view, retention, and
// the batched writer that the sensor feeds.
//
// # Layout
//
// Flow records live in one table per time partition (flows_d20261127 for a
// UTC day, flows_h2026112705 for an hour, flows_m202611 for a month), each
// created from schema.Columns. tapdb_partitions lists them with their [lo,
// hi) stime range. The view flows is the UNION ALL of every partition, each
// branch guarded by its own range predicate, plus the derived columns of
// schema.Columns. Because every branch carries its range, DuckDB's
// optimizer folds a branch whose range contradicts the query's stime
// predicate into an empty result: a query for one day scans only that day's
// table. Retention drops whole partition tables, never rows.
//
// # Concurrency
//
// DuckDB allows one read-write process per file. A Store opened read-write
// is the only writer; other processes open the file read-only (when no
// writer holds it) or go through the Postgres endpoint of the process that
// holds it.
//
// # Durability
//
// Writer.Flush appends a batch through DuckDB's Appender inside one
// transaction. A crash (kill -9) loses at most the batch in flight: on the
// next open DuckDB replays its WAL and every committed batch is there.
package store
