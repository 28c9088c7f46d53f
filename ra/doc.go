// Package ra implements the Argus client family on the flow store: ra,
// racluster, rasort and racount.
//
// The work is split in three steps, each its own file group:
//
//   - options.go reads an Argus command line (getopt style with Argus's
//     multi-word options -r, -s, -m and -M, and the filter after "-" or
//     "--") into Options;
//   - fields.go resolves the -s list against schema.Columns (labels, widths
//     and print kinds all come from that one table), and build.go,
//     cluster.go and sort.go turn Options into one SQL statement with bound
//     parameters: the filter and the -t range come from package translate,
//     racluster is a single GROUP BY (cluster_dict.go merges its string
//     columns through a small dictionary of their values, as integers),
//     rasort an ORDER BY, racount one aggregate row;
//   - printer.go prints rows the way ra 3.0.8 prints them (column widths,
//     right or left alignment, the address.port join under the space
//     delimiter, %T.%f local times, ICMP "ports" in hex, service names from
//     a built-in copy of Debian's /etc/services, dir and flgs padding that
//     survives -c) appending into reused buffers without allocating per
//     record, json.go prints JSON lines (-M json) and count.go prints
//     racount's totals table.
//
// Where tapdb deliberately differs from ra 3.0.8 (racount's record count,
// racluster's output order and address merging, rasort's order on mixed
// record types), DIFFERENCES.md in this folder says so.
package ra
