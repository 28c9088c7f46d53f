#!/bin/sh
# bench/live.sh — live capture: the highest packet rate each sensor takes
# without losing a packet, tapdb serve -i and real argus -i capturing the
# same veth at the same time.
#
#   go build -o tapdb ./cmd/tapdb     # the binary measured
#   sudo sh bench/live.sh             # RATES="…" LOOP=… SRC=… to change it
#
# For each rate (packets/s, or max for tcpreplay --topspeed) a fresh veth pair is made, tapdb serve -i and
# argus -X -i are started on one end, and tcpreplay replays SRC LOOP times
# into it at that rate. Then tapdb's packets and kernel drops come from its
# metrics (tapdb_capture_packets_total, tapdb_capture_kernel_drops_total),
# argus's packets from its flow records (ra -s pkts, management records
# left out). A sensor is drop-free at a rate when it accounted every packet
# tcpreplay sent (and, for tapdb, the kernel dropped none). The output is a
# table per rate and the highest drop-free rate of each.
# Needs root, ip, tcpreplay, argus, ra, curl.
set -eu
cd "$(dirname "$0")/.."
out=bench/out
tapdb=${TAPDB:-./tapdb}
src=${SRC:-testdata/pcaps/ndpi-gnutella-mixed.pcap}
loop=${LOOP:-10}
rates=${RATES:-10000 20000 50000 100000 200000 max}
mkdir -p "$out"
for t in ip tcpreplay argus ra curl; do
  command -v "$t" >/dev/null || { echo "bench/live.sh: $t is needed" >&2; exit 1; }
done
[ -x "$tapdb" ] || { echo "bench/live.sh: build $tapdb first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench/live.sh: needs root (veth, AF_PACKET)" >&2; exit 1; }

metric() { curl -sf http://127.0.0.1:29109/metrics | awk -v m="$1" 'index($0, m) == 1 {print $2}'; }
cleanup() { ip link del tbench0 2>/dev/null || true; }
trap cleanup EXIT

echo "capture: $src x$loop; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| rate asked (pps) | rate sent (pps) | packets sent | tapdb seen | tapdb kernel drops | argus seen |"
echo "|---|---|---|---|---|---|"
best_t=0; best_a=0
for rate in $rates; do
  cleanup
  ip link add tbench0 type veth peer name tbench1
  sysctl -qw net.ipv6.conf.tbench0.disable_ipv6=1 net.ipv6.conf.tbench1.disable_ipv6=1
  ip link set tbench0 up; ip link set tbench1 up
  "$tapdb" serve -i tbench0 --listen 127.0.0.1:0 --trust --metrics 127.0.0.1:29109 --ring-mb 64 \
    --log-level warn >"$out/live-tapdb.log" 2>&1 &
  tpid=$!
  rm -f "$out/live.argus"
  argus -X -i tbench0 -w "$out/live.argus" >"$out/live-argus.log" 2>&1 &
  apid=$!
  i=0
  until curl -sf http://127.0.0.1:29109/healthz >/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "tapdb did not start" >&2; cat "$out/live-tapdb.log" >&2; exit 1; }
    sleep 0.1
  done
  sleep 1 # argus opens its interface
  if [ "$rate" = max ]; then speed=--topspeed; else speed=--pps=$rate; fi
  rep=$(tcpreplay -i tbench0 "$speed" --loop "$loop" "$src" 2>&1)
  sent=$(echo "$rep" | awk '/Successful packets:/ {print $3}')
  actual=$(echo "$rep" | awk '/Rated:/ {for (i = 1; i <= NF; i++) if ($i ~ /pps/) print $(i-1)}' | head -1)
  sleep 2
  tseen=$(metric 'tapdb_capture_packets_total{interface="tbench0"}')
  tdrop=$(metric 'tapdb_capture_kernel_drops_total{interface="tbench0"}')
  kill -TERM $apid $tpid; wait $apid || true; wait $tpid || true
  aseen=$(ra -r "$out/live.argus" -n -s pkts - not man 2>/dev/null | awk '{s += $1} END {print s + 0}')
  echo "| $rate | ${actual:-?} | $sent | $tseen | $tdrop | $aseen |"
  r=${actual%.*}
  if [ "${tseen%.*}" -ge "$sent" ] && [ "${tdrop%.*}" = 0 ] && [ "$r" -gt "$best_t" ]; then best_t=$r; fi
  if [ "$aseen" -ge "$sent" ] && [ "$r" -gt "$best_a" ]; then best_a=$r; fi
done
echo
echo "highest drop-free rate sent: tapdb $best_t pps, argus $best_a pps"
