#!/bin/sh
# regen.sh — regenerate the Argus golden CSVs in this directory from the
# captures in ../pcaps with the real Argus 3.0.8 tools (Debian bookworm:
# argus-server 2:3.0.8.2, argus-client 1:3.0.8.2).
#
#   apt-get install -y argus-server argus-client
#   sh testdata/argus/regen.sh          # from anywhere
#
# For every capture NAME it writes
#   NAME.ra.csv         every record argus wrote (status records unmerged)
#   NAME.racluster.csv  the same records merged per flow key by racluster
#
# Output is byte-identical between runs on any machine and time zone:
#   -X     ignore /etc/argus.conf, /etc/ra.conf and ~/.rarc (no MAR lines,
#          no port-based direction swap, compiled-in defaults: 5 s status
#          interval, the idle timeouts of ArgusModeler.h)
#   -u     times as Unix seconds with 6 decimals (no local time zone)
#   -n     numeric ports, protocol names (ICMP ports stay hex, see README)
#   -c ,   comma separated; -L 0 one header line
# argus options: -A application bytes, -m MAC addresses, -R response times.
# None of them changes packet or byte totals (checked when these goldens were
# made: the same records come out of plain `argus -X -r`).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
pcaps=$here/../pcaps
export TZ=UTC LC_ALL=C

# Captures argus 3.0.8 cannot give a golden for; see DIFFERENCES.md.
#   zeek-linux-sll2.pcap            "unsupported device type 276" (SLL2), no records
#   zeek-nflog-http.pcap            "unsupported device type 239" (NFLOG), no records
#   tcpdump-mpls-traceroute-ppp.pcap  MPLS over PPP decoded as IPv6 garbage; the
#                                   protocol of one record changes from run to run
skip="zeek-linux-sll2.pcap zeek-nflog-http.pcap tcpdump-mpls-traceroute-ppp.pcap"

fields="stime ltime proto saddr sport dir daddr dport spkts dpkts sbytes dbytes sappbytes dappbytes state flgs cause smac dmac sttl dttl stos dtos svid dvid smpls dmpls synack ackdat seq srcid"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

argus -h 2>&1 | grep -q 'Argus Version 3\.0\.8' || {
	echo "regen.sh: argus 3.0.8 not found (apt-get install argus-server argus-client)" >&2
	exit 1
}

for cap in "$pcaps"/*.pcap "$pcaps"/*.pcapng; do
	name=$(basename "$cap")
	case " $skip " in *" $name "*) continue ;; esac

	argus -X -A -m -R -r "$cap" -w "$tmp/$name.argus" 2>"$tmp/err"
	# argus exits 0 even when it refuses a file: look at what it said.
	if grep -q 'ArgusError' "$tmp/err"; then
		echo "regen.sh: argus refused $name:" >&2
		cat "$tmp/err" >&2
		exit 1
	fi
	touch "$tmp/$name.argus" # argus writes nothing when there is no packet

	ra -X -n -u -r "$tmp/$name.argus" -c , -L 0 -s $fields >"$here/$name.ra.csv"
	racluster -X -n -u -r "$tmp/$name.argus" -c , -L 0 -s $fields trans >"$here/$name.racluster.csv"
done
