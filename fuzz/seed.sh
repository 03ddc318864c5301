#!/usr/bin/env bash
# Seeds the fuzz targets' corpora from the project's own scenarios: the
# examples as TOML, as JSON (`pactum convert --to json`) and as GeniusWeb
# folders (`pactum convert --to geniusweb`), plus the GENIUS and GeniusWeb
# test folders of pactum-core. Corpora are not kept in the repository.
#
#   fuzz/seed.sh [CORPUS_DIR]    (default: fuzz/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-fuzz/corpus}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build -q -p pactum-cli
pactum=target/debug/pactum
for t in native_toml native_json genius_xml geniusweb_json forecast_toml forecast_json \
    conflict_toml conflict_json conflict_gmcr; do
    mkdir -p "$out/$t"
done

# Joins files with NUL bytes, the separator the folder targets split on.
join_nul() {
    local first=1
    for f in "$@"; do
        [ "$first" = 1 ] || printf '\0'
        cat "$f"
        first=0
    done
}

# Conflict files: the conflict examples and pactum-conflict's test data.
cp examples/*-conflict.toml crates/pactum-conflict/tests/data/*.toml "$out/conflict_toml/"
cp crates/pactum-conflict/tests/data/*.json "$out/conflict_json/"
cp crates/pactum-conflict/tests/data/*.gmcr "$out/conflict_gmcr/"

for f in examples/*.toml; do
    n="$(basename "$f" .toml)"
    # A conflict file is not a negotiation scenario (seeded above).
    case "$n" in *-conflict) continue ;; esac
    cp "$f" "$out/native_toml/$n.toml"
    cp "$f" "$out/forecast_toml/$n.toml"
    "$pactum" convert "$f" --to json "$work/$n.json" >/dev/null 2>&1
    cp "$work/$n.json" "$out/native_json/$n.json"
    cp "$work/$n.json" "$out/forecast_json/$n.json"
    "$pactum" convert "$f" --to geniusweb "$work/gw-$n" >/dev/null 2>&1
    # The domain first, then the profiles; and one profile alone, which
    # carries its domain.
    domain="$(grep -l '"issuesValues"' "$work/gw-$n"/*.json | head -n 1)"
    profiles=()
    while IFS= read -r p; do
        [ "$p" = "$domain" ] || profiles+=("$p")
    done < <(ls "$work/gw-$n"/*.json)
    join_nul "$domain" "${profiles[@]}" >"$out/geniusweb_json/$n"
    cp "${profiles[0]}" "$out/geniusweb_json/$n-single"
done

for d in crates/pactum-core/tests/data/genius/*/; do
    join_nul "$d"*.xml >"$out/genius_xml/$(basename "$d")"
done
for d in crates/pactum-core/tests/data/geniusweb/*/; do
    join_nul "$d"*.json >"$out/geniusweb_json/data-$(basename "$d")"
done
echo "seeded $out"
