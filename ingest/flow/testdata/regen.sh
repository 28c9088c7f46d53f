#!/bin/sh
# regen.sh — remake the crafted captures of this directory and their
# argus 3.0.8 goldens (fields as testdata/argus/regen.sh).
#   apt-get install -y argus-server argus-client; sh regen.sh
set -eu
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C
fields="stime ltime proto saddr sport dir daddr dport spkts dpkts sbytes dbytes sappbytes dappbytes state flgs cause smac dmac sttl dttl stos dtos svid dvid smpls dmpls synack ackdat seq srcid"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 fragments.py fragments.pcap
python3 tunnels.py tunnels.pcap
for cap in fragments.pcap tunnels.pcap; do
	argus -X -A -m -R -r "$cap" -w "$tmp/$cap.argus"
	ra -X -n -u -r "$tmp/$cap.argus" -c , -L 0 -s $fields >"$cap.ra.csv"
done
