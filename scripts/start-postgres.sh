#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the server's tests
# and load benchmark, installing PostgreSQL from Debian packages if missing.
#
#   export PACTUM_TEST_POSTGRES="$(scripts/start-postgres.sh)"
#   cargo test -p pactum-server
#
# The database URL is the only thing printed on stdout; progress goes to
# stderr. Running it again reuses the cluster (starting it if stopped).
# `scripts/start-postgres.sh stop` stops it.
#
# Settings: PACTUM_PG_DIR (default /tmp/pactum-postgres), PACTUM_PG_PORT
# (default 54329), PACTUM_PG_DB (default pactum_test). Authentication is
# "trust" on loopback only: this cluster is for tests, never for real data.
set -euo pipefail

DIR=${PACTUM_PG_DIR:-/tmp/pactum-postgres}
PORT=${PACTUM_PG_PORT:-54329}
DB=${PACTUM_PG_DB:-pactum_test}
DATA="$DIR/data"

say() { echo "start-postgres: $*" >&2; }

find_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then
        echo "$d"
    fi
}

BIN=$(find_bin)
if [ -z "$BIN" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        say "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
        exit 1
    fi
    say "installing PostgreSQL (apt-get install -y postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BIN=$(find_bin)
    [ -n "$BIN" ] || { say "PostgreSQL binaries not found after installing"; exit 1; }
fi

# As root, run the server as the postgres user (it refuses to run as root).
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$DIR" postgres
    as_pg() { runuser -u postgres -- "$@"; }
    mkdir -p "$DIR"
    chown postgres "$DIR"
else
    as_pg() { "$@"; }
    mkdir -p "$DIR"
fi

if [ "${1:-}" = "stop" ]; then
    if [ -f "$DATA/PG_VERSION" ]; then
        as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
    fi
    exit 0
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
    say "creating a cluster in $DATA"
    as_pg "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-instructions >&2
fi

if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "starting PostgreSQL on 127.0.0.1:$PORT"
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR -c max_connections=200" \
        start >&2
fi

psql_pg() { as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_pg -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
    say "creating database $DB"
    psql_pg -d postgres -c "CREATE DATABASE \"$DB\"" >&2
fi

echo "postgres://postgres@127.0.0.1:$PORT/$DB"
