#!/bin/sh
# bench/query.sh — tapdb ra/racluster against real ra/racluster 3.0.8 on the
# same flow records: wall-clock time of each, the ratio, and the number of
# records each printed (they must agree).
#
#   go build -o tapdb ./cmd/tapdb     # the binary measured
#   sh bench/query.sh                 # RECORDS=… COPIES=… COPIES2=… TAPDB=…
#
# The records come from real captures as in bench/sensor.sh: bench/loopcap
# builds COPIES copies (default 1500) of testdata/pcaps/ndpi-gnutella-mixed.pcap
# (P2P, ICMPv6, LLC) and COPIES2 copies (default 200) of
# pcapplusplus-many-protocols-large.pcap (HTTP, DNS, …), each copy with its
# own addresses (the gnutella capture is the one sensor.sh uses and is
# reused if it is there). Real argus (ARGUS_FLAGS, default "-X -A -m -R")
# turns each into an argus file; the two together are the base records,
# concatenated with themselves (argus files are record streams: cat works)
# until there are at least RECORDS (default 10,000,000). The same records go
# into a tapdb store through `tapdb import` of `ra -n -u -c , -s <every
# stored field>` output, the base CSV listed as many times as the base is
# in the argus file, so both sides hold identical records.
#
# ra runs with -X (no rarc: Debian's /etc/ra.conf would print management
# records, which the store does not hold).
#
# Then, one after the other, each query runs once with real ra on the argus
# file and once with tapdb on the store, printing its records to wc -l:
# five filters with ra's default output, and racluster -m saddr daddr. All
# generated data stays in bench/out/ (gitignored) and is reused by later runs
# with the same sizes.
set -eu

cd "$(dirname "$0")/.."
out=bench/out/query
records=${RECORDS:-10000000}
tapdb=${TAPDB:-./tapdb}
argus_flags=${ARGUS_FLAGS:--X -A -m -R}
src1=${SRC:-testdata/pcaps/ndpi-gnutella-mixed.pcap}
copies1=${COPIES:-1500}
src2=${SRC2:-testdata/pcaps/pcapplusplus-many-protocols-large.pcap}
copies2=${COPIES2:-200}
fields="stime ltime flgs proto saddr sport dir daddr dport spkts dpkts sbytes dbytes sappbytes dappbytes state cause smac dmac sttl dttl stos dtos svlan dvlan smpls dmpls swin dwin stcpb dtcpb synack ackdat inode srcid seq trans"

need() {
	command -v "$1" >/dev/null 2>&1 || { echo "query.sh: $1 not found ($2)" >&2; exit 1; }
}
need argus "apt-get install -y argus-server"
need ra "apt-get install -y argus-client"
need racluster "apt-get install -y argus-client"
need go "Go 1.26"
[ -x "$tapdb" ] || { echo "query.sh: $tapdb not found: go build -o tapdb ./cmd/tapdb (or set TAPDB)" >&2; exit 1; }
"$tapdb" import -h >/dev/null 2>&1 || { echo "query.sh: $tapdb has no import command" >&2; exit 1; }
mkdir -p "$out"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# argus_of SRC COPIES: builds (once) the looped capture and its argus file;
# prints the argus file's path.
argus_of() {
	name=$(basename "$1" .pcap)-x$2
	pcap=bench/out/$name.pcap # the path sensor.sh uses, so its capture is reused
	if [ ! -s "$pcap" ]; then
		echo "building $pcap (once) ..." >&2
		go run ./bench/loopcap -in "$1" -copies "$2" -out "$pcap.tmp" >"$pcap.info.tmp"
		mv "$pcap.tmp" "$pcap"
		mv "$pcap.info.tmp" "$pcap.info"
	fi
	if [ ! -s "$out/$name.argus" ]; then
		echo "argus $argus_flags -r $pcap (once) ..." >&2
		# shellcheck disable=SC2086
		argus $argus_flags -r "$pcap" -w "$out/$name.argus.tmp"
		mv "$out/$name.argus.tmp" "$out/$name.argus"
	fi
	echo "$out/$name.argus"
}

a1=$(argus_of "$src1" "$copies1")
a2=$(argus_of "$src2" "$copies2")
key="$(basename "$a1") $(basename "$a2") $records"
if [ ! -s "$out/stamp" ] || [ "$(cat "$out/stamp")" != "$key" ]; then
	rm -f "$out/stamp" "$out/big.argus" "$out/big.duckdb" "$out/big.duckdb.wal"
	cat "$a1" "$a2" >"$out/base.argus"
	base=$(ra -X -r "$out/base.argus" -L -1 -s seq | wc -l)
	m=1
	while [ $((m * base)) -lt "$records" ]; do m=$((m * 2)); done
	echo "base: $base records; $m copies make $((m * base))" >&2
	i=0
	: >"$out/big.argus.tmp"
	while [ $i -lt $m ]; do cat "$out/base.argus" >>"$out/big.argus.tmp"; i=$((i + 1)); done
	mv "$out/big.argus.tmp" "$out/big.argus"
	t=$(now)
	# shellcheck disable=SC2086
	ra -X -r "$out/base.argus" -n -u -c , -s $fields >"$out/base.csv"
	echo "ra -c , base.csv: $(since "$t") s" >&2
	set --
	i=0
	while [ $i -lt $m ]; do set -- "$@" "$out/base.csv"; i=$((i + 1)); done
	t=$(now)
	"$tapdb" import -w "$out/big.duckdb" --srcid bench --again "$@"
	echo "tapdb import of $((m * base)) records: $(since "$t") s" >&2
	echo "$key" >"$out/stamp"
fi

# A host that sends a few flows: the source of the 1000th record.
host=$(ra -X -r "$out/base.argus" -N 1000 -L -1 -c , -s saddr - ipv4 | tail -1)
total=$(du -h "$out/big.argus" | cut -f1)
echo
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "records: argus file $out/big.argus ($total), store $out/big.duckdb ($(du -h "$out/big.duckdb" | cut -f1))"
cat "$out/big.argus" "$out/big.duckdb" >/dev/null # page cache: neither side pays for the first read
echo
printf '%-34s %10s %10s %10s %10s %8s\n' query "ra s" "tapdb s" "ra recs" "tapdb recs" ratio

# run NAME ARGUS_CMD -- TAPDB_CMD: times both, prints one line.
run() {
	name=$1
	shift
	argus_cmd=""
	while [ "$1" != "--" ]; do argus_cmd="$argus_cmd '$1'"; shift; done
	shift
	tapdb_cmd=""
	for w in "$@"; do tapdb_cmd="$tapdb_cmd '$w'"; done
	t=$(now)
	n1=$(eval "$argus_cmd" | wc -l)
	s1=$(since "$t")
	t=$(now)
	n2=$(eval "$tapdb_cmd" | wc -l)
	s2=$(since "$t")
	mark=""
	[ "$n1" = "$n2" ] || mark="  COUNTS DIFFER"
	awk -v n="$name" -v a="$s1" -v b="$s2" -v c="$n1" -v d="$n2" -v m="$mark" 'BEGIN {
		if (b < 0.01) b = 0.01
		printf "%-34s %10.2f %10.2f %10d %10d %7.1fx%s\n", n, a, b, c, d, a / b, m }'
}

for f in "tcp and dst port 80" "net 10.0.0.0/8 and bytes gt 1000" "udp and port domain" "not tcp and not udp" "src host $host"; do
	# shellcheck disable=SC2086
	run "$f" ra -X -r "$out/big.argus" - $f -- "$tapdb" ra -r "$out/big.duckdb" - $f
done
run "racluster -m saddr daddr" racluster -X -m saddr daddr -r "$out/big.argus" -- "$tapdb" racluster -m saddr daddr -r "$out/big.duckdb"
