#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what the tests need
# (Debian packages, npm's pg) when missing, so a fresh machine gets the same
# run. Set FUZZTIME (default 10s) for the length of each fuzz target's run;
# FUZZTIME=0 skips them.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then sudo=sudo; fi

need=()
command -v argus >/dev/null || need+=(argus-server)
command -v ra >/dev/null || need+=(argus-client)
command -v psql >/dev/null || need+=(postgresql-client)
command -v tshark >/dev/null || need+=(tshark)
/usr/bin/python3 -c 'import psycopg2' 2>/dev/null || need+=(python3-psycopg2)
/usr/bin/python3 -c 'import sqlalchemy' 2>/dev/null || need+=(python3-sqlalchemy)
[ -f /usr/share/java/postgresql.jar ] || need+=(libpostgresql-jdbc-java)
command -v javac >/dev/null || need+=(default-jdk-headless)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v softflowd >/dev/null || need+=(softflowd)
command -v nfcapd >/dev/null || need+=(nfdump)
command -v ip >/dev/null || need+=(iproute2)
command -v dumpcap >/dev/null || need+=(wireshark-common)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -d .ci/node/node_modules/pg ]; then
  (cd .ci/node && npm install --no-audit --no-fund --silent)
fi
export NODE_PATH="$PWD/.ci/node/node_modules"

# The client tests skip when a client is missing; here nothing may be missing.
for tool in argus ra psql tshark javac node softflowd nfcapd nfdump; do
  command -v "$tool" >/dev/null || { echo "test client missing after install: $tool"; exit 1; }
done
/usr/bin/python3 -c 'import psycopg2' || { echo "python3-psycopg2 missing after install"; exit 1; }
[ -f /usr/share/java/postgresql.jar ] || { echo "pgjdbc missing after install"; exit 1; }
node -e "require('pg')" || { echo "node-postgres missing after install"; exit 1; }

echo "== gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted"; exit 1; fi
go vet ./...

echo "== go test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
go test -count=1 -timeout 20m ./... 2>&1 | tee "$log"

echo "== race detector: the store's writer beside retention, sealing and queries"
go test -race -count=1 -timeout 10m -run 'LanesWith|Seal|Retention|Load' ./store

fuzztime=${FUZZTIME:-10s}
fuzzlog=$(mktemp)
trap 'rm -f "$log" "$fuzzlog"' EXIT

# fuzz_one runs one fuzz target. A finding always writes a reproducer under
# testdata/fuzz ("Failing input written to …") and fails the run. Go 1.26's
# fuzz coordinator can also report a bare "context deadline exceeded" when
# -fuzztime ends while a worker is mid-call (golang/go#75804, fixed in Go
# 1.27): that is retried once and then only reported.
fuzz_one() {
  local dir=$1 target=$2 try
  for try in 1 2; do
    if go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$dir" >"$fuzzlog" 2>&1; then
      return 0
    fi
    if grep -q 'Failing input written' "$fuzzlog" || ! grep -q 'context deadline exceeded' "$fuzzlog" \
       || grep -qE '^\s+(panic|.*_test\.go:[0-9]+:)' "$fuzzlog"; then
      cat "$fuzzlog"
      exit 1
    fi
    echo "   $target: fuzz coordinator deadline race (golang/go#75804), no input found; try $try"
  done
  return 0
}
if [ "$fuzztime" != 0 ]; then
  echo "== fuzz ($fuzztime each)"
  grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r f; do
    dir=$(dirname "$f")
    for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //'); do
      echo "-- $dir $target"
      fuzz_one "$dir" "$target"
    done
  done
fi
passed=$(grep -c '^ok ' "$log" || true)
echo "packages: $passed passed, 0 failed"
