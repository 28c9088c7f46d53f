#!/bin/sh
# bench/pgwire.sh — tapdb's Postgres wire endpoint against PostgreSQL 15 on
# the same flow records, measured by one pgx client (bench/pgbench) over TCP
# loopback: (a) select 1 (and select 1+0) round trips, (b) streaming 1
# million rows, (c) five dashboard-style aggregates. Prints times and
# ratios; asserts nothing.
#
#   go build -o tapdb ./cmd/tapdb     # the binary measured
#   sh bench/pgwire.sh                # TAPDB=… PGBIN=… PGPORT=… TAPDB_PORT=… RUNS=… PINGS=… STREAM=…
#
# The records are bench/query.sh's store (bench/out/query/big.duckdb, 10.6
# million records from real captures); when it is missing, query.sh is run
# first to build it. It is copied to bench/out/pgwire/flows.duckdb, which
# `tapdb serve --trust` serves. A throwaway PostgreSQL cluster in
# bench/out/pg (port PGPORT, socket in bench/out/pg; run as the system user
# postgres when this script runs as root) gets a table flows with the
# stored columns in PostgreSQL types (bench/pgbench ddl), loaded by COPY
# from tapdb's own `COPY (select …) TO STDOUT (FORMAT csv)`, then a btree
# index on stime and one on saddr, VACUUM ANALYZE. The cluster and the copy
# are kept and reused while the store they came from is unchanged. Both
# servers are stopped on exit.
set -eu

cd "$(dirname "$0")/.."
out=bench/out/pgwire
pgdir=bench/out/pg
tapdb=${TAPDB:-./tapdb}
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
pgport=${PGPORT:-55432}
tport=${TAPDB_PORT:-55433}
runs=${RUNS:-3}
pings=${PINGS:-5000}
stream=${STREAM:-1000000}

need() {
	command -v "$1" >/dev/null 2>&1 || { echo "pgwire.sh: $1 not found ($2)" >&2; exit 1; }
}
need psql "apt-get install -y postgresql-client-15"
need go "Go 1.26"
[ -x "$pgbin/postgres" ] || { echo "pgwire.sh: $pgbin/postgres not found: apt-get install -y postgresql-15 (or set PGBIN)" >&2; exit 1; }
"$pgbin/postgres" --version | grep -q ' 15\.' || echo "pgwire.sh: warning: $pgbin/postgres is not PostgreSQL 15" >&2
[ -x "$tapdb" ] || { echo "pgwire.sh: $tapdb not found: go build -o tapdb ./cmd/tapdb (or set TAPDB)" >&2; exit 1; }
mkdir -p "$out"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# asuser CMD…: runs CMD as postgres when root (initdb and postgres refuse
# root), creating that system user when it does not exist.
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
	useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
fi
asuser() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

go build -o "$out/pgbench" ./bench/pgbench

# The store: query.sh's, built by it when missing.
if [ ! -s bench/out/query/big.duckdb ] || [ ! -s bench/out/query/stamp ]; then
	echo "building the 10-million-record store with bench/query.sh (once) ..." >&2
	TAPDB="$tapdb" sh bench/query.sh >&2
fi
key="$(cat bench/out/query/stamp) $(stat -c %Y bench/out/query/big.duckdb)"
if [ ! -s "$out/stamp" ] || [ "$(cat "$out/stamp")" != "$key" ]; then
	rm -rf "$out/stamp" "$out/flows.duckdb" "$out/flows.duckdb.wal" "$pgdir"
	cp bench/out/query/big.duckdb "$out/flows.duckdb"
fi

# Everything started below is stopped on exit.
tpid=""
pgup=""
cleanup() {
	[ -n "$tpid" ] && kill "$tpid" 2>/dev/null && wait "$tpid" 2>/dev/null
	[ -n "$pgup" ] && asuser "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$tapdb" serve --db "$out/flows.duckdb" --listen "127.0.0.1:$tport" --trust >"$out/serve.log" 2>&1 &
tpid=$!
tconn="host=127.0.0.1 port=$tport user=bench dbname=flows sslmode=disable"
i=0
until psql "$tconn" -Atqc 'select 1' >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 120 ] || { echo "pgwire.sh: tapdb serve did not come up; see $out/serve.log" >&2; exit 1; }
	kill -0 "$tpid" 2>/dev/null || { echo "pgwire.sh: tapdb serve exited; see $out/serve.log" >&2; cat "$out/serve.log" >&2; exit 1; }
	sleep 0.5
done

# The PostgreSQL cluster: settings a DBA would give a 24 GiB analytics box
# (fsync off: a throwaway cluster, and it only speeds up the load).
abspg=$(cd "$(dirname "$pgdir")" && pwd)/$(basename "$pgdir")
fresh=""
if [ ! -s "$pgdir/data/PG_VERSION" ]; then
	mkdir -p "$pgdir"
	[ "$(id -u)" = 0 ] && chown postgres "$pgdir"
	asuser "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log"
	fresh=1
fi
asuser "$pgbin/pg_ctl" -D "$pgdir/data" -l "$abspg/postgres.log" -w -t 120 \
	-o "-p $pgport -k $abspg -c listen_addresses=127.0.0.1 -c shared_buffers=2GB -c work_mem=64MB -c maintenance_work_mem=1GB -c effective_cache_size=12GB -c max_wal_size=8GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
	start >/dev/null
pgup=1
pconn="host=127.0.0.1 port=$pgport user=postgres dbname=postgres sslmode=disable"

if [ -n "$fresh" ] || [ ! -s "$out/stamp" ]; then
	echo "loading PostgreSQL (once) ..." >&2
	psql "$pconn" -qX -v ON_ERROR_STOP=1 -c 'DROP TABLE IF EXISTS flows' >/dev/null
	"$out/pgbench" ddl | psql "$pconn" -qX -v ON_ERROR_STOP=1 >/dev/null
	cols=$("$out/pgbench" columns)
	t=$(now)
	psql "$tconn" -qX -v ON_ERROR_STOP=1 -c "COPY (select $cols from flows) TO STDOUT (FORMAT csv)" |
		psql "$pconn" -qX -v ON_ERROR_STOP=1 -c "COPY flows ($cols) FROM STDIN (FORMAT csv)"
	echo "COPY tapdb -> PostgreSQL: $(since "$t") s" >&2
	t=$(now)
	"$out/pgbench" indexes | psql "$pconn" -qX -v ON_ERROR_STOP=1
	psql "$pconn" -qX -v ON_ERROR_STOP=1 -c 'VACUUM ANALYZE flows'
	echo "indexes, VACUUM ANALYZE: $(since "$t") s" >&2
	echo "$key" >"$out/stamp"
fi

echo
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tapdb: $out/flows.duckdb ($(du -h "$out/flows.duckdb" | cut -f1)); PostgreSQL: table flows $(psql "$pconn" -AtqX -c "select pg_size_pretty(pg_table_size('flows')) || ' + indexes ' || pg_size_pretty(pg_indexes_size('flows'))")"
"$out/pgbench" run -tapdb "$tconn" -pg "$pconn" -runs "$runs" -pings "$pings" -stream "$stream"
