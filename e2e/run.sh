#!/usr/bin/env bash
# Browser end-to-end test of the web UI, for developers and CI.
#
# Installs what is missing (Debian's Chromium, Node.js and npm, the e2e
# packages from package-lock.json), builds `pactum`, runs the test. Safe to
# run again; never prompts. Screenshots land in e2e/artifacts/.
#
# Environment: CHROMIUM (default /usr/bin/chromium), PACTUM_BIN (default
# target/debug/pactum, rebuilt here when PACTUM_BIN is unset).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

need_apt=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || need_apt+=(chromium)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ "${#need_apt[@]}" -gt 0 ]; then
    echo "e2e: installing ${need_apt[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo -n)
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

cd "$here"
# npm ci only when node_modules was not installed from this very lock file.
if ! cmp -s package-lock.json node_modules/.installed-from-lock 2>/dev/null; then
    npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.installed-from-lock
fi

if [ -z "${PACTUM_BIN:-}" ]; then
    echo "e2e: building pactum"
    (cd "$root" && cargo build --quiet -p pactum-cli)
fi

mkdir -p "$here/artifacts"
exec node --test --test-concurrency=1 tests/
