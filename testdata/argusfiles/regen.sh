#!/bin/sh
# regen.sh — regenerate the Argus 3 files in this directory and ra's CSV of
# each, with the real Argus 3.0.8 tools (Debian bookworm: argus-server
# 2:3.0.8.2, argus-client 1:3.0.8.2).
#
#   apt-get install -y argus-server argus-client
#   sh testdata/argusfiles/regen.sh        # from anywhere
#
# For every capture NAME in ../pcaps that argus 3.0.8 reads (the skip list
# of ../argus/regen.sh) it writes
#   NAME.argus      argus -X -A -m -R -r NAME -w NAME.argus (the flags of
#                   the goldens in ../argus); gzip'd as NAME.argus.gz when
#                   larger than 20 kB
# and for a few of them the same records rewritten by ra, whose time DSRs
# are encoded differently (relative times, aggregation DSRs):
#   NAME.ra-w.argus ra -X -r NAME.argus -w NAME.ra-w.argus
# and for every file F above
#   F.csv           ra -X -n -u -c , -L 0 -r F -s <every stored field>
#                   (F.csv.gz when larger than 20 kB)
#
# argus writes the wall-clock time of the run into the management records
# only; flow records, and so the CSVs, are the same on every run.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
pcaps=$here/../pcaps
export TZ=UTC LC_ALL=C

skip="zeek-linux-sll2.pcap zeek-nflog-http.pcap tcpdump-mpls-traceroute-ppp.pcap"
rewrite="zeek-wikipedia-mixed.pcap zeek-mixed-vlan-mpls.pcap ndpi-ipv6-http-tls-quic.pcap pcapplusplus-tcp-mysql-fin-rst.pcap zeek-icmpv6-mixed.pcap"
fields="stime ltime flgs proto saddr sport dir daddr dport spkts dpkts sbytes dbytes sappbytes dappbytes state cause smac dmac sttl dttl stos dtos svlan dvlan smpls dmpls swin dwin stcpb dtcpb synack ackdat inode srcid seq trans sretrans dretrans"

argus -h 2>&1 | grep -q 'Argus Version 3\.0\.8' || {
	echo "regen.sh: argus 3.0.8 not found (apt-get install argus-server argus-client)" >&2
	exit 1
}

rm -f "$here"/*.argus "$here"/*.argus.gz "$here"/*.csv "$here"/*.csv.gz
csv() {
	ra -X -n -u -c , -L 0 -r "$1" -s $fields >"$1.csv"
	if [ "$(wc -c <"$1.csv")" -gt 20000 ]; then gzip -9 -n "$1.csv"; fi
}

for cap in "$pcaps"/*.pcap "$pcaps"/*.pcapng; do
	name=$(basename "$cap")
	case " $skip " in *" $name "*) continue ;; esac
	out=$here/$name.argus
	argus -X -A -m -R -r "$cap" -w "$out" 2>/dev/null
	[ -s "$out" ] || continue
	case " $rewrite " in *" $name "*)
		ra -X -r "$out" -w "$here/$name.ra-w.argus"
		csv "$here/$name.ra-w.argus" ;;
	esac
	if [ "$(wc -c <"$out")" -gt 20000 ]; then
		gzip -9 -n "$out"
		out=$out.gz
	fi
	csv "$out"
done
