#!/bin/sh
# regen.sh — regenerate the golden files of package ra from the real Argus
# 3.0.8 clients (Debian bookworm: argus-server 2:3.0.8.2, argus-client
# 1:3.0.8.2):
#   apt-get install -y argus-server argus-client
#   sh ra/testdata/regen.sh
# For each capture CAP of the repository's testdata/pcaps named below:
#   golden/CAP.values.csv       every record, all fields the printer test
#                               needs, as ra -u -n -c , prints them
#   golden/CAP.print.NAME.txt   ra's output for each line of print.cmds
#   golden/CAP.e2e.NAME.txt     ra/racluster/rasort's for each line of e2e.cmds
#   golden/CAP.racount.txt      racount, and racount -M proto (racount-proto)
# -X ignores /etc/ra.conf; TZ=UTC for the time of day. argus -A -m -R fill
# the application byte, MAC and TCP timing fields the printer test prints.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pcaps=$here/../../../testdata/pcaps
out=$here/golden
export TZ=UTC LC_ALL=C
# print: the printer test's captures; e2e: the captures whose records
# tapdb's sensor makes as argus does (golden_test.go lists the same).
print_captures="zeek-wikipedia-mixed.pcap zeek-icmp-5-pings.pcap zeek-icmpv6-mixed.pcap pcapplusplus-tcp-mysql-fin-rst.pcap zeek-mixed-vlan-mpls.pcap pcapplusplus-vlan-8021q.pcap"
e2e_captures="zeek-wikipedia-mixed.pcap zeek-icmp-5-pings.pcap pcapplusplus-tcp-mysql-fin-rst.pcap pcapplusplus-dns-packets.pcap zeek-mixed-vlan-mpls.pcap pcapplusplus-vlan-8021q.pcap"
values="stime ltime flgs proto saddr sport dir daddr dport spkts dpkts sbytes dbytes pkts bytes state trans seq srcid dur rate load cause smac dmac sttl dttl stos dtos sretrans dretrans swin dwin stcpb dtcpb synack ackdat sappbytes dappbytes appbytes tcprtt srate drate sload dload smeansz dmeansz"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$out"
rm -f "$out"/*
for cap in $print_captures $e2e_captures; do
	[ -f "$tmp/$cap.argus" ] || argus -X -A -m -R -r "$pcaps/$cap" -w "$tmp/$cap.argus"
done
for cap in $print_captures; do
	ra -X -u -n -c , -L 0 -r "$tmp/$cap.argus" -s $values >"$out/$cap.values.csv"
	grep -v '^#' "$here/print.cmds" | while IFS='|' read -r name args; do
		# shellcheck disable=SC2086 # the arguments are words
		ra -X -r "$tmp/$cap.argus" $args </dev/null >"$out/$cap.print.$name.txt" || [ $? -eq 1 ] # 1: nothing matched
	done
	racount -X -r "$tmp/$cap.argus" >"$out/$cap.racount.txt" || [ $? -eq 1 ]
	racount -X -M proto -r "$tmp/$cap.argus" >"$out/$cap.racount-proto.txt" || [ $? -eq 1 ]
done
for cap in $e2e_captures; do
	grep -v '^#' "$here/e2e.cmds" | while IFS='|' read -r name cmd; do
		prog=${cmd%% *}
		rest=${cmd#"$prog"}
		# shellcheck disable=SC2086
		$prog -X -r "$tmp/$cap.argus" $rest </dev/null >"$out/$cap.e2e.$name.txt" || [ $? -eq 1 ]
	done
	racount -X -r "$tmp/$cap.argus" >"$out/$cap.racount.txt" || [ $? -eq 1 ]
	racount -X -M proto -r "$tmp/$cap.argus" >"$out/$cap.racount-proto.txt" || [ $? -eq 1 ]
done
