#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: starts (installing if
# needed) a loopback PostgreSQL for the server's database tests, runs the
# whole Cargo workspace's tests, then the web UI's browser test in headless
# Chromium (installed from Debian's packages if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

PACTUM_TEST_POSTGRES="$(scripts/start-postgres.sh)"
export PACTUM_TEST_POSTGRES
trap 'scripts/start-postgres.sh stop >/dev/null 2>&1 || true' EXIT

cargo test --workspace --locked
# The CLI tests built the binary already; the browser test uses that one.
PACTUM_BIN="$PWD/target/debug/pactum" bash e2e/run.sh
