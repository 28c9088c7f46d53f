#!/bin/sh
# regen.sh — regenerate the real ra output the csvimport golden tests read
# (TestImportNames), with Argus 3.0.8 (Debian bookworm: argus-server
# 2:3.0.8.2, argus-client 1:3.0.8.2):
#
#   sh ingest/csvimport/testdata/regen.sh
#
# For each capture it writes NAME.names.csv (ra printed without -n: service
# names, LLC SAP names, ra's own protocol names) and NAME.numbers.csv (the
# same records with -nn: numbers). The tests import both and want the same
# records. ra-protos.pcap holds one raw-IP packet of every IP protocol
# argus records as a plain IP flow (10.1.P.1 -> 10.2.P.2 carries protocol
# P), so ra-protos.names.csv is ra's protocol table.
# -X ignores /etc/ra.conf and ~/.rarc; -u prints Unix times (no time zone).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
pcaps=$here/../../../testdata/pcaps
export TZ=UTC LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

fields="stime ltime proto saddr sport dir daddr dport spkts dpkts sbytes dbytes state flgs"
for cap in "$pcaps/zeek-wikipedia-mixed.pcap" "$pcaps/pcapplusplus-vlan-8021q.pcap" "$here/ra-protos.pcap"; do
	name=$(basename "$cap" .pcap)
	argus -X -r "$cap" -w "$tmp/$name.argus"
	ra -X -u -r "$tmp/$name.argus" -c , -L 0 -s $fields >"$here/$name.names.csv"
	ra -X -nn -u -r "$tmp/$name.argus" -c , -L 0 -s $fields >"$here/$name.numbers.csv"
done
# A gzip'd archive, as sites keep them (gzip -n: no name or time inside).
gzip -n -9 <"$here/zeek-wikipedia-mixed.names.csv" >"$here/zeek-wikipedia-mixed.names.csv.gz"
rm "$here/zeek-wikipedia-mixed.names.csv"
