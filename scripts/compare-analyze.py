#!/usr/bin/env python3
"""Compare `pactum analyze --json` of two Pactum binaries, byte for byte.

A change meant to make the analysis faster must not change a single result.
This script runs a reference binary (built from the commit before the change)
and a candidate binary on every scenario it finds and compares, per scenario,
standard output, standard error and exit status exactly:

* every folder under --scenarios-root (default ../shared/scenarios) that
  holds `.xml` or `.json` files directly (GENIUS and GeniusWeb folders);
* every `.toml` / `.json` file in the repository's `examples/`.

Run from the repository root, for instance:

    python3 scripts/compare-analyze.py --reference ../pactum-reference \\
        --candidate target/release/pactum

Exits 0 when every scenario gives identical bytes, 1 when one differs (the
differing scenarios are listed with the first differing line), 2 on bad
arguments. A scenario that outlasts --timeout in either binary counts as a
difference only if the other binary finishes it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def scenarios(root: Path) -> list[Path]:
    """Scenario folders under `root`, then the repository's examples."""
    found: list[Path] = []
    if root.is_dir():
        folders = {
            p.parent
            for p in root.rglob("*")
            if p.is_file() and p.suffix.lower() in (".xml", ".json")
        }
        found.extend(sorted(folders))
    else:
        print(f"note: {root} not found; comparing the examples only", file=sys.stderr)
    examples = REPO_ROOT / "examples"
    found.extend(
        sorted(p for p in examples.iterdir() if p.suffix in (".toml", ".json"))
    )
    return found


def run(binary: Path, scenario: Path, extra: list[str], timeout: float):
    """(exit status, stdout, stderr) of one analysis; status None on timeout."""
    try:
        proc = subprocess.run(
            [str(binary), "analyze", str(scenario), *extra],
            capture_output=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, b"", b""
    return proc.returncode, proc.stdout, proc.stderr


def first_difference(a: bytes, b: bytes) -> str:
    """The first line where `a` and `b` differ, for the report."""
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}: {x[:100]!r} vs {y[:100]!r}"
    return f"lengths differ: {len(la)} vs {len(lb)} lines"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", type=Path, required=True, help="binary before the change")
    ap.add_argument("--candidate", type=Path, required=True, help="binary after the change")
    ap.add_argument(
        "--scenarios-root", type=Path, default=REPO_ROOT.parent / "shared" / "scenarios"
    )
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    ap.add_argument(
        "--text", action="store_true", help="also compare the text report (without --json)"
    )
    args = ap.parse_args(argv)
    for b in (args.reference, args.candidate):
        if not b.is_file():
            print(f"error: binary {b} not found", file=sys.stderr)
            return 2
    modes = [["--json"]] + ([[]] if args.text else [])
    compared, differing, timed_out = 0, [], 0
    for scenario in scenarios(args.scenarios_root.resolve()):
        for extra in modes:
            ref = run(args.reference, scenario, extra, args.timeout)
            new = run(args.candidate, scenario, extra, args.timeout)
            label = f"{scenario} {' '.join(extra)}".strip()
            if ref[0] is None and new[0] is None:
                timed_out += 1
                print(f"timeout (both): {label}", file=sys.stderr)
                continue
            compared += 1
            if ref == new:
                continue
            if ref[0] != new[0]:
                why = f"exit status {ref[0]} vs {new[0]}"
            elif ref[1] != new[1]:
                why = "stdout " + first_difference(ref[1], new[1])
            else:
                why = "stderr " + first_difference(ref[2], new[2])
            differing.append(label)
            print(f"DIFFERS: {label}: {why}", file=sys.stderr)
    print(
        f"{compared} analyses compared, {len(differing)} differ, "
        f"{timed_out} timed out in both binaries"
    )
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
