// Package rafmt is the text of flow values as Argus 3.0.8's ra prints
// them, and the parsers that read that text back: times (%T.%f of day or
// -u Unix seconds, the fraction cut to -p digits), ports (ICMP type/code
// and id in hex, the ICMP id byte-swapped; service and SAP names),
// hexadecimal numbers (0x…), and the decimal text of the integer types the
// database drivers return.
//
// One package holds both directions so that what the ra printer (package
// ra) writes and what the importer (ingest/csvimport) and the column
// table's import setters (package schema) read cannot drift apart; the
// Postgres endpoint (pgwire) shares its integer text. It imports nothing
// of tapdb: service names come from the caller (ra.ServiceName), so that
// every package may use it.
package rafmt
