#!/bin/sh
# bench/netflow.sh — NetFlow records per second decoded and stored by tapdb's
# collector (tapdb serve --netflow) and by nfdump's collector (nfcapd) on the
# same export stream.
#
#   go build -o tapdb ./cmd/tapdb     # the binary measured
#   sh bench/netflow.sh               # N=… datagrams (30 records each), default 20000
#
# The stream is synthetic NetFlow v5 (bench/nfsend: 30 UDP records per
# datagram, random addresses), sent over loopback as fast as the collector's
# socket drains (the sender watches the receive queue, so no datagram is lost
# to a full buffer and the figure is the collector's own rate). For tapdb the
# clock stops when tapdb_flows_written_total says every record is committed
# to the DuckDB store; for nfcapd when its socket is drained and it has
# written its file after SIGTERM. Also reported: the decoder alone (Go
# benchmark, records dropped) and decode + store without sockets.
# Needs nfcapd and nfdump (Debian package nfdump), curl, go.
set -eu
cd "$(dirname "$0")/.."
out=bench/out
n=${N:-20000}
tapdb=${TAPDB:-./tapdb}
mkdir -p "$out"
for t in nfcapd nfdump curl go; do
  command -v "$t" >/dev/null || { echo "bench/netflow.sh: $t is needed" >&2; exit 1; }
done
[ -x "$tapdb" ] || { echo "bench/netflow.sh: build $tapdb first (go build -o tapdb ./cmd/tapdb)" >&2; exit 1; }
go build -o "$out/nfsend" ./bench/nfsend
records=$((n * 30))
echo "stream: $n NetFlow v5 datagrams, $records records; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# tapdb
rm -f "$out/nf.duckdb" "$out/nf.duckdb.wal"
"$tapdb" serve --db "$out/nf.duckdb" --netflow 127.0.0.1:29955 --listen 127.0.0.1:0 --trust \
  --metrics 127.0.0.1:29108 --pair-window -1s --log-level warn >"$out/nf-tapdb.log" 2>&1 &
pid=$!
i=0
until curl -sf http://127.0.0.1:29108/healthz >/dev/null; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "tapdb did not start" >&2; cat "$out/nf-tapdb.log" >&2; kill $pid; exit 1; }
  sleep 0.1
done
tline=$("$out/nfsend" -addr 127.0.0.1:29955 -n "$n" -metrics http://127.0.0.1:29108/metrics)
kill -TERM $pid; wait $pid || true
stored=$("$tapdb" sql "$out/nf.duckdb" "SELECT count(*) FROM flows" | tail -1 | tr -d ' ')

# nfcapd
rm -rf "$out/nfcapd"; mkdir -p "$out/nfcapd"
nfcapd -b 127.0.0.1 -p 29956 -B 8388608 -w "$out/nfcapd" -t 3600 -P "$out/nfcapd.pid" >"$out/nf-nfcapd.log" 2>&1 &
npid=$!
sleep 1
start=$(date +%s.%N)
"$out/nfsend" -addr 127.0.0.1:29956 -n "$n" >/dev/null
kill -TERM $npid; wait $npid || true
end=$(date +%s.%N)
nrec=$(nfdump -R "$out/nfcapd" -I | awk '/^Flows:/ {print $2}')

# In process, without sockets.
gob=$(go test -run '^$' -bench 'Netflow(Decode|ToStore)' -benchtime "${n}x" ./daemon/ | awk '/records\/s/ {print $1, $(NF-1)}')

echo
echo "| collector | records stored | records/s |"
echo "|---|---|---|"
echo "| tapdb serve --netflow (decode + commit to DuckDB) | $stored | $(echo "$tline" | sed 's/.*records_per_s=//') |"
echo "| nfcapd (decode + write nfcapd file) | $nrec | $(awk -v r="$records" -v s="$start" -v e="$end" 'BEGIN {printf "%.0f", r / (e - s)}') |"
echo "$gob" | while read -r name rate; do
  echo "| in process: $name | $records | $(printf '%.0f' "$rate") |"
done
