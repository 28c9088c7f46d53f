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
//
// Columns drive behaviour too (behaviour.go): each column carries
// racluster's merge rule (Merge) and whether -m may name it (ClusterKey),
// rasort's direction (SortDesc) and the column it sorts by (SortBy), the
// precision ra computes a float in (Precision), how ra aligns its label,
// and how the importer sets it from ra's text (Import). Package ra and
// ingest/csvimport turn these into SQL and setters; they keep no lists of
// their own. What a column needs is checked by TestColumnBehaviour: every
// stored column has a merge rule and an import (a setter, or Joint for the
// columns the importer reads together: times, addresses, ports, protocol,
// counters); every printed column a label and a width; every float column
// a precision. Derived columns have no merge rule (racluster works them out
// again from the merged stored columns) and no import (they are not
// stored), but do have a width, a precision and a sort direction.
//
// Two subpackages hold what the column table refers to: rafmt, the text
// forms of values as ra prints them and their parsers (the import setters
// use it), and names, the protocol, service and EtherType names.
package schema
