#!/bin/sh
# regen.sh — real ra output with the rarc files of this folder, for
# TestRarcMatchesArgus. For each line NAME|PROG ARGS of rarc.cmds it runs
#   PROG -X -F home/.rarc -r CAPTURE.argus ARGS  >  golden/NAME.txt
# (-X keeps the machine's /etc/ra.conf and ~/.rarc out; ra reads a -F file
# as it reads ~/.rarc, so tapdb's test reads home/.rarc as $HOME/.rarc).
#   sh ra/testdata/rarc/regen.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cap=zeek-icmp-5-pings.pcap
export TZ=UTC LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$here/golden"
argus -X -A -m -R -r "$here/../../../testdata/pcaps/$cap" -w "$tmp/$cap.argus"
cd "$here"
grep -v '^#' rarc.cmds | while IFS='|' read -r name cmd; do
	prog=${cmd%% *}
	rest=${cmd#"$prog"}
	# shellcheck disable=SC2086
	$prog -X -F home/.rarc -r "$tmp/$cap.argus" $rest </dev/null >"golden/$name.txt" || [ $? -eq 1 ]
done
