#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: starts (installing if
# needed) a loopback PostgreSQL for the server's database tests, runs the
# whole Cargo workspace's tests, the Python package's tests (in a virtual
# environment under target/, reusing the workspace's build), then the web
# UI's browser test in headless Chromium (installed from Debian's packages
# if missing). A real local language model (scripts/llm-server.sh) serves
# the tests that need one; they skip when it cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

PACTUM_TEST_POSTGRES="$(scripts/start-postgres.sh)"
export PACTUM_TEST_POSTGRES
# shellcheck source=scripts/llm-server.sh
source scripts/llm-server.sh
trap 'llm_stop; scripts/start-postgres.sh stop >/dev/null 2>&1 || true' EXIT
llm_start

cargo test --workspace --locked
# The installed binary is linked statically (`cargo build-release`, see
# .cargo/config.toml); the Python and browser tests below run a debug build
# linked the same way.
cargo rustc --locked -q -p pactum-cli --bin pactum -- -C target-feature=+crt-static
# The Python package (crates/pactum-py): a wheel built from the same
# target directory, installed into a virtual environment at target/py-venv
# (ignored by git), its pytest suite run against the CLI binary.
root="$PWD"

venv="$PWD/target/py-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    maturin==1.16.0 pytest==9.2.0 numpy==2.4.6 ray==2.60.0 tqdm==4.70.1 \
    negmas==0.16.0 negmas-genius-agents==0.3.0
[ -x target/debug/pactum ] || cargo build --locked -q -p pactum-cli
# Non-editable install of a wheel built in the shared target directory.
CARGO_TARGET_DIR="$PWD/target" "$venv/bin/maturin" build --quiet --locked \
    --manifest-path crates/pactum-py/Cargo.toml --out target/py-wheels \
    >target/py-build.log 2>&1 || { cat target/py-build.log; exit 1; }
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    target/py-wheels/pactum-*.whl
rm -rf target/py-wheels
(cd crates/pactum-py/tests && PACTUM_BIN="$root/target/debug/pactum" "$venv/bin/python" -m pytest -q -p no:cacheprovider)
# The CLI tests built the binary already; the browser test uses that one.
PACTUM_BIN="$PWD/target/debug/pactum" bash e2e/run.sh
