// Package export writes a store's sealed periods to a lake: a directory of
// zstd Parquet files in Hive layout that engines without tapdb (ClickHouse,
// Trino, Spark, DuckDB, Polars) read directly.
//
//	DIR/flows/date=2026-11-25/srcid=sensor-a/part-1.parquet    (day periods)
//	DIR/flows/date=2026-11-25/hour=05/srcid=…/part-1.parquet   (hour periods)
//	DIR/flows/month=2026-11/srcid=…/part-1.parquet             (month periods)
//	DIR/_tapdb/manifest.json                                   (written last)
//
// The files' columns derive from the column table (schema.Columns): the
// stored columns, less srcid (a partition), with the types every engine
// has (unsigned columns widened to the signed type the Postgres endpoint
// reports, addresses' 128-bit numbers as 16-byte big-endian BLOBs whose
// byte order is their numeric order). Rows are sorted by stime, so row
// groups' min/max statistics prune time ranges.
//
// A period's first export is part-1; records stored for it after that (a
// sealed period's late records) go out as part-2, part-3, …, each holding
// only the records not exported before. Each file is written under a
// temporary name, synced and renamed into place; the store then records
// the part (tapdb_exports), and the manifest is rewritten last, atomically,
// from what the store recorded. A crash at any point leaves the lake as
// the manifest describes it, and the next export writes what is missing
// again without duplicating anything.
package export
