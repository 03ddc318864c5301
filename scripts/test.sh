#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: starts (installing if
# needed) a loopback PostgreSQL for the server's database tests, then the
# whole Cargo workspace's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

PACTUM_TEST_POSTGRES="$(scripts/start-postgres.sh)"
export PACTUM_TEST_POSTGRES
trap 'scripts/start-postgres.sh stop >/dev/null 2>&1 || true' EXIT

cargo test --workspace --locked
