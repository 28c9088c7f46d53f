#!/bin/sh
# bench/netflow.sh — NetFlow records per second decoded and stored by tapdb's
# collector (tapdb serve --netflow) and by nfdump's collector (nfcapd) on the
# same export stream.
#
#   go build -o tapdb ./cmd/tapdb     # the binary measured
#   sh bench/netflow.sh               # N=… datagrams (30 records each), default 20000
#   BATCH=491520 sh bench/netflow.sh  # tapdb serve --batch (default: the daemon's own)
#
# The stream is synthetic NetFlow v5 (bench/nfsend: 30 UDP records per
# datagram, random addresses), sent over loopback as fast as the collector's
# socket drains (the sender watches the receive queue, so no datagram is lost
# to a full buffer and the figure is the collector's own rate). For tapdb the
# clock stops when tapdb_flows_written_total says every record is committed
# to the DuckDB store; for nfcapd when its socket is drained and it has
# written its file after SIGTERM. Also reported: tapdb's CPU time per
# record, the decoder alone (Go benchmark, records dropped) and decode +
# store without sockets, through the daemon's sink and straight into
# store.Writer at the daemon's batch (65536) and the writer's (491520).
# Needs nfcapd and nfdump (Debian package nfdump), curl, go.
set -eu
cd "$(dirname "$0")/.."
out=bench/out
n=${N:-20000}
tapdb=${TAPDB:-./tapdb}
batch=${BATCH:+--batch $BATCH}
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
  --metrics 127.0.0.1:29108 --pair-window -1s $batch --log-level warn >"$out/nf-tapdb.log" 2>&1 &
pid=$!
i=0
until curl -sf http://127.0.0.1:29108/healthz >/dev/null; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "tapdb did not start" >&2; cat "$out/nf-tapdb.log" >&2; kill $pid; exit 1; }
  sleep 0.1
done
cpu0=$(awk '{print $14 + $15}' /proc/$pid/stat)
tline=$("$out/nfsend" -addr 127.0.0.1:29955 -n "$n" -metrics http://127.0.0.1:29108/metrics)
cpu1=$(awk '{print $14 + $15}' /proc/$pid/stat)
tick=$(getconf CLK_TCK)
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
gob=$( (go test -run '^$' -bench 'Netflow(Decode|ToStore)' -benchtime "${n}x" ./serve/
  go test -run '^$' -bench 'NetflowToWriter/batch=(65536|default)$' -benchtime "${n}x" ./ingest/collector/) |
  awk '/records\/s/ {for (i = 1; i < NF; i++) if ($(i + 1) == "records/s") print $1, $i}')

echo
echo "| collector | records stored | records/s |"
echo "|---|---|---|"
echo "| tapdb serve --netflow $batch (decode + commit to DuckDB; $(awk -v a="$cpu0" -v b="$cpu1" -v t="$tick" -v r="$records" 'BEGIN {printf "%.1f", (b - a) / t * 1e6 / r}') µs CPU per record) | $stored | $(echo "$tline" | sed 's/.*records_per_s=//') |"
echo "| nfcapd (decode + write nfcapd file) | $nrec | $(awk -v r="$records" -v s="$start" -v e="$end" 'BEGIN {printf "%.0f", r / (e - s)}') |"
echo "$gob" | while read -r name rate; do
  echo "| in process: $name | $records | $(printf '%.0f' "$rate") |"
done
