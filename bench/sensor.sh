#!/bin/sh
# bench/sensor.sh — tapdb sensor against real argus 3.0.8 on the same large
# capture: packets/s of each, their ratio, and peak memory (max RSS).
#
#   go build -o tapdb ./cmd/tapdb     # the binary measured (skipped if missing)
#   sh bench/sensor.sh
#
# The capture is built once and kept in bench/out/ (gitignored): COPIES copies
# of a real capture (default: 1500 of testdata/pcaps/ndpi-gnutella-mixed.pcap,
# 3,905 packets over 600 s), each copy's start SHIFT later than the previous
# one so that the copies overlap in time, each with its own IPv4/IPv6
# addresses (bench/loopcap). Defaults give 5,857,500 packets, ~960 MB, up to
# 600 copies in flight at once, i.e. many thousands of concurrent flows.
#
# Environment: COPIES, SHIFT, SRC (input capture), TAPDB (binary, ./tapdb),
# ARGUS_FLAGS (default "-A -m -R": the metrics tapdb always computes).
# Both tools read the same file from the page cache (it is read once first)
# and write their output to bench/out/.
set -eu

cd "$(dirname "$0")/.."
out=bench/out
copies=${COPIES:-1500}
shift_=${SHIFT:-1s}
src=${SRC:-testdata/pcaps/ndpi-gnutella-mixed.pcap}
tapdb=${TAPDB:-./tapdb}
argus_flags=${ARGUS_FLAGS:--A -m -R}
big=$out/$(basename "$src" .pcap)-x$copies.pcap

need() {
	command -v "$1" >/dev/null 2>&1 || { echo "sensor.sh: $1 not found ($2)" >&2; exit 1; }
}
need argus "apt-get install -y argus-server"
need ra "apt-get install -y argus-client"
need go "Go 1.26"
[ -x /usr/bin/time ] || { echo "sensor.sh: /usr/bin/time not found (apt-get install -y time)" >&2; exit 1; }

mkdir -p "$out"
if [ ! -s "$big" ] || [ ! -s "$big.info" ]; then
	echo "building $big (once) ..."
	go run ./bench/loopcap -in "$src" -copies "$copies" -shift "$shift_" -out "$big.tmp" >"$big.info.tmp"
	mv "$big.tmp" "$big"
	mv "$big.info.tmp" "$big.info"
fi
cat "$big.info"
packets=$(awk '{print $1; exit}' "$big.info")
cat "$big" >/dev/null # warm the page cache so neither run pays for the first read

# timed NAME CMD...: runs CMD under /usr/bin/time -v; sets secs and rss_kb.
timed() {
	name=$1
	shift
	/usr/bin/time -v -o "$out/$name.time" "$@" >"$out/$name.log" 2>&1 || {
		echo "sensor.sh: $name failed:" >&2
		tail -20 "$out/$name.log" >&2
		exit 1
	}
	secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {
		n = split($2, p, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + p[i]
		print s }' "$out/$name.time")
	rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/$name.time")
	cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$out/$name.time")
}

report() { # NAME
	awk -v n="$1" -v p="$packets" -v s="$secs" -v r="$rss_kb" -v c="$cpu" 'BEGIN {
		if (s < 0.01) s = 0.01
		if (c < 0.01) c = 0.01
		printf "%-8s %8.2f s wall %8.3f Mpkt/s   %7.2f s cpu %8.3f Mpkt/cpu-s   peak RSS %7.1f MiB\n", n, s, p / s / 1e6, c, p / c / 1e6, r / 1024 }'
}

echo
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM"
echo "argus:   $(argus -h 2>&1 | head -1)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) before the runs; wall-clock rates suffer when it is above 0"

# argus: -X ignores /etc/argus.conf (defaults: 5 s status interval).
rm -f "$out/big.argus"
# shellcheck disable=SC2086
timed argus argus -X $argus_flags -r "$big" -w "$out/big.argus"
if grep -q ArgusError "$out/argus.log"; then
	echo "sensor.sh: argus refused the capture:" >&2
	cat "$out/argus.log" >&2
	exit 1
fi
argus_secs=$secs
report "argus"
echo "         $(ra -X -n -r "$out/big.argus" -L -1 -s stime | wc -l) records, $(du -m "$out/big.argus" | cut -f1) MB argus file"

if [ ! -x "$tapdb" ]; then
	echo
	echo "tapdb: $tapdb not found, skipped (build it with: go build -o tapdb ./cmd/tapdb)"
	exit 0
fi
store=$out/bench.duckdb
rm -f "$store" "$store.wal"
timed tapdb "$tapdb" sensor -q -r "$big" -w "$store"
tapdb_secs=$secs
report "tapdb"
if records=$("$tapdb" sql "$store" "select count(*) from flows" 2>/dev/null | tail -1); then
	echo "         $records records (last line of tapdb sql), $(du -m "$store" | cut -f1) MB store"
fi
awk -v a="$argus_secs" -v t="$tapdb_secs" 'BEGIN { printf "\nratio:   tapdb %.2fx argus packets/s (wall clock)\n", a / t }'
