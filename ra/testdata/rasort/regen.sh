#!/bin/sh
# regen.sh — real rasort on the Argus files of testdata/argusfiles, for
# TestRasortMatchesArgus: for each file F and line NAME|PROG ARGS of
# rasort.cmds, PROG -X -r F ARGS > golden/F.NAME.txt.
#   sh ra/testdata/rasort/regen.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
files="ndpi-synscan.pcap.argus.gz pcapplusplus-dns-packets.pcap.argus.gz ndpi-ipv6-http-tls-quic.pcap.argus ndpi-gnutella-mixed.pcap.argus.gz"
export TZ=UTC LC_ALL=C
mkdir -p "$here/golden"
for f in $files; do
	grep -v '^#' "$here/rasort.cmds" | while IFS='|' read -r name cmd; do
		prog=${cmd%% *}
		rest=${cmd#"$prog"}
		# shellcheck disable=SC2086
		$prog -X -r "$here/../../../testdata/argusfiles/$f" $rest </dev/null >"$here/golden/$f.$name.txt" || [ $? -eq 1 ]
	done
done
