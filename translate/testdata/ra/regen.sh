#!/bin/sh
# Regenerates the Argus reference for translate's ra_test.go: for each capture,
# the records real Argus 3.0.8.2 makes of it (NAME.csv) and, for every filter of
# filters.txt, how many records real ra selects (counts.txt).
# Needs argus and ra (Debian argus-server, argus-client). Run from anywhere:
#   sh translate/testdata/ra/regen.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pcaps="$here/../../../testdata/pcaps"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
captures="ndpi-gnutella-mixed.pcap pcapplusplus-many-protocols-large.pcap zeek-icmpv6-mixed.pcap
pcapplusplus-ipv4-fragments-nfs.pcap pcapplusplus-vlan-8021q.pcap zeek-irc-dcc-send.pcapng
zeek-mixed-vlan-mpls.pcap pcapplusplus-tcp-mysql-fin-rst.pcap zeek-icmp-5-pings.pcap
ndpi-ipv6-http-tls-quic.pcap ipfixprobe-arp.pcap"
fields="stime ltime proto saddr sport daddr dport spkts dpkts sbytes dbytes sappbytes dappbytes state flgs cause smac dmac sttl dttl stos dtos svid dvid smpls dmpls trans seq inode sretrans dretrans"
: > "$tmp/counts"
for c in $captures; do
	rm -f "$tmp/f.argus" # argus -w appends
	argus -X -A -m -R -r "$pcaps/$c" -w "$tmp/f.argus" 2>/dev/null
	# shellcheck disable=SC2086
	ra -X -n -u -c , -L 0 -r "$tmp/f.argus" -s $fields > "$tmp/rec"
	# per-side TCP flags as ra -Z b prints them in the state column (S_SA …)
	ra -X -n -c , -L 0 -Z b -r "$tmp/f.argus" -s state:30 | sed 's/ //g; 1s/.*/TcpFlags/' > "$tmp/flags"
	paste -d , "$tmp/rec" "$tmp/flags" > "$here/$c.csv"
	grep -v '^#' "$here/filters.txt" | grep . | while IFS= read -r f; do
		# shellcheck disable=SC2086
		n=$(ra -X -n -L -1 -s seq -r "$tmp/f.argus" - $f 2>"$tmp/err" | wc -l)
		if [ -s "$tmp/err" ]; then
			echo "ra rejects filter '$f':" >&2
			cat "$tmp/err" >&2
			exit 1
		fi
		printf '%s\t%s\t%s\n' "$c" "$n" "$f" >> "$tmp/counts"
	done
done
mv "$tmp/counts" "$here/counts.txt"

# sets.txt: for the filters of setfilters.txt, the StartTimes (Unix µs) of
# the records ra selects, sorted, so that the test compares record sets.
: > "$tmp/sets"
for c in $captures; do
	rm -f "$tmp/f.argus"
	argus -X -A -m -R -r "$pcaps/$c" -w "$tmp/f.argus" 2>/dev/null
	grep -v '^#' "$here/setfilters.txt" | grep . | while IFS= read -r f; do
		# shellcheck disable=SC2086
		ts=$(ra -X -n -u -L -1 -s stime -r "$tmp/f.argus" - $f 2>"$tmp/err" | tr -d ' .' | sed 's/^0*//' | sort -n | paste -s -d ' ' -)
		if [ -s "$tmp/err" ]; then
			echo "ra rejects filter '$f':" >&2
			cat "$tmp/err" >&2
			exit 1
		fi
		printf '%s\t%s\t%s\n' "$c" "$f" "$ts" >> "$tmp/sets"
	done
done
mv "$tmp/sets" "$here/sets.txt"
