// Command tapdb is the single tapdb binary.
//
//	tapdb sensor -r capture.pcap [-r more.pcapng …] -w flows.duckdb
//	tapdb sql flows.duckdb "select proto, count(*) from flows group by 1"
//	tapdb retain flows.duckdb 30d
//
// Invoked under another name through a symlink (ra, racluster, rasort,
// racount) it acts as that command.
package main
