// Package schema defines the flow record and the one table of columns that
// describes it.
//
// Everything else in tapdb derives from Columns: the partition DDL and the
// flows view (store), the Appender row layout (store.Writer), the field names
// of the ra filter language (translate), the ra printer's labels and widths,
// and the PostgreSQL type of every column (pgwire). A column name written in
// a second list anywhere else is a bug.
//
// Column names are Argus field names (ra -s), so `ra -s` fields, filter
// keywords and SQL columns are one vocabulary. Totals (pkts, bytes,
// appbytes) and rates are derived columns: they live in the flows view as
// expressions over stored columns, never stored twice.
package schema
