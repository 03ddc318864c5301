#!/usr/bin/env python3
"""Benchmark `pactum analyze` against NegMAS on GENIUS scenarios.

Times, in one run of this script:

* Pactum: the whole `target/release/pactum analyze <scenario> --json` process
  (wall clock, best of --repeats runs);
* NegMAS: loading the scenario, the GENIUS-semantics fix-up of its utility
  functions (see scripts/negmas_reference.py), the rational Pareto frontier
  and the Nash / Kalai-Smorodinsky / egalitarian / utilitarian points (wall
  clock, best of --negmas-repeats runs; Python and NegMAS import time is
  excluded, loading is included);

checks that both frontiers hold the same utility vectors (to 1e-9) and prints
a Markdown table, optionally also written to a file.

Build Pactum first, then run from the repository root:

    cargo build --release -p pactum-cli
    ../negmas-venv/bin/python scripts/bench_vs_negmas.py --output /tmp/bench.md

`--scenarios-root` defaults to ../shared/scenarios/genius relative to the
repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from negmas_reference import (  # noqa: E402
    DEFAULT_SCENARIOS_ROOT,
    REPO_ROOT,
    load_genius_semantics,
    negmas_analysis,
    sort_vectors,
)

SCENARIOS = ["misc/AMPOvsCity", "anac/y2012/EnergyA", "anac/y2010/Travel"]
TOL = 1e-9


def machine_info() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = str(os.cpu_count())
    import negmas

    try:
        load = Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        load = "unknown"
    return {
        "load": load,
        "nproc": nproc,
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "negmas": negmas.__version__,
    }


def pactum_frontier(doc: dict, profiles: list[str]) -> list[tuple[float, ...]]:
    """Frontier utility vectors from `pactum analyze --json`, in profile order."""
    order = list(range(len(profiles)))
    names = doc.get("negotiators") or [
        p if isinstance(p, str) else p.get("name") for p in doc.get("parties", [])
    ]
    if len(names) == len(profiles) and names != profiles and sorted(names) == sorted(profiles):
        order = [names.index(p) for p in profiles]
    out = []
    for point in doc["frontier"]:
        u = point["utilities"] if isinstance(point, dict) else point
        out.append(tuple(float(u[i]) for i in order))
    return out


def same_frontier(a, b) -> bool:
    a, b = sort_vectors(a), sort_vectors(b)
    return len(a) == len(b) and all(
        all(abs(x - y) <= TOL for x, y in zip(p, q)) for p, q in zip(a, b)
    )


def time_pactum(binary: Path, folder: Path, repeats: int) -> tuple[float, float, dict]:
    """Best whole-process time and best in-process analysis time (from
    `--timings`, which Pactum prints to stderr), in seconds."""
    best, best_analysis, doc = float("inf"), float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [str(binary), "analyze", str(folder), "--json", "--timings"],
            capture_output=True,
            text=True,
        )
        dt = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(
                f"pactum analyze {folder} failed ({proc.returncode}): {proc.stderr.strip()}"
            )
        best = min(best, dt)
        m = re.search(r"analysis ([0-9.]+) ms", proc.stderr)
        if m:
            best_analysis = min(best_analysis, float(m.group(1)) / 1e3)
        doc = json.loads(proc.stdout)
    return best, best_analysis, doc


def time_negmas(folder: Path, repeats: int):
    """Best total time (load + analysis) and best analysis-only time."""
    best, best_analysis, sc, res = float("inf"), float("inf"), None, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        sc = load_genius_semantics(folder)
        t1 = time.perf_counter()
        res = negmas_analysis(sc)
        t2 = time.perf_counter()
        best = min(best, t2 - t0)
        best_analysis = min(best_analysis, t2 - t1)
    return best, best_analysis, sc, res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenarios-root", type=Path, default=DEFAULT_SCENARIOS_ROOT)
    ap.add_argument("--scenarios", nargs="*", default=SCENARIOS)
    ap.add_argument(
        "--pactum", type=Path, default=REPO_ROOT / "target" / "release" / "pactum"
    )
    ap.add_argument("--repeats", type=int, default=5, help="Pactum runs (best is kept)")
    ap.add_argument("--negmas-repeats", type=int, default=1, help="NegMAS runs (best is kept)")
    ap.add_argument("--output", type=Path, help="also write the Markdown report here")
    args = ap.parse_args(argv)

    if not args.pactum.is_file() or not os.access(args.pactum, os.X_OK):
        print(
            f"error: Pactum binary not found at {args.pactum}\n"
            "       build it with `cargo build --release -p pactum-cli` (or pass --pactum)",
            file=sys.stderr,
        )
        return 2
    root = args.scenarios_root.resolve()
    if not root.is_dir():
        print(f"error: scenarios root {root} not found", file=sys.stderr)
        return 2

    # Import everything NegMAS needs up front so that import time is not timed.
    import negmas.inout  # noqa: F401
    import negmas.preferences.ops  # noqa: F401

    info = machine_info()
    rows = []
    all_same = True
    for rel in args.scenarios:
        folder = root / rel
        print(f"{rel}: NegMAS ...", file=sys.stderr, flush=True)
        t_neg, a_neg, sc, res = time_negmas(folder, args.negmas_repeats)
        print(f"{rel}: Pactum ...", file=sys.stderr, flush=True)
        t_pac, a_pac, doc = time_pactum(args.pactum, folder, args.repeats)
        pf = pactum_frontier(doc, sc.profiles)
        same = same_frontier(pf, res.frontier)
        all_same &= same
        if doc.get("outcome_count") not in (None, sc.outcome_count):
            print(
                f"warning: {rel}: Pactum counts {doc.get('outcome_count')} outcomes, "
                f"NegMAS {sc.outcome_count}",
                file=sys.stderr,
            )
        frontier_size = (
            f"{len(res.frontier)}" if len(pf) == len(res.frontier)
            else f"{len(res.frontier)} (Pactum {len(pf)})"
        )
        rows.append(
            f"| {rel} | {sc.outcome_count:,} | {frontier_size} | {t_neg:.2f} | "
            f"{t_pac:.4f} | {t_neg / t_pac:,.0f}x | {a_neg:.2f} | {a_pac * 1e3:.2f} | "
            f"{a_neg / a_pac:,.0f}x | {'yes' if same else 'NO'} |"
        )
        print(rows[-1], file=sys.stderr, flush=True)

    report = "\n".join(
        [
            f"Machine: {info['nproc']} cores, {info['cpu']}; {info['os']}; "
            f"Python {info['python']}, NegMAS {info['negmas']}; "
            f"1-minute load average at start: {info['load']}.",
            f"Pactum: best of {args.repeats} runs of the whole `pactum analyze --json` "
            f"process; NegMAS: best of {args.negmas_repeats} run(s) of load + GENIUS "
            "fix-up + frontier + Nash/KS/egalitarian/utilitarian, imports excluded. "
            "Wall clock. 'Analysis' excludes loading (and, for Pactum, process start-up): "
            "NegMAS's frontier and solutions versus Pactum's own `--timings`.",
            "",
            "| Scenario | Outcomes | Frontier size | NegMAS total (s) | Pactum process (s) | Speed-up "
            "| NegMAS analysis (s) | Pactum analysis (ms) | Speed-up | Frontiers identical? |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
            *rows,
            "",
        ]
    )
    print(report)
    if args.output:
        args.output.write_text(report)
    return 0 if all_same else 1


if __name__ == "__main__":
    sys.exit(main())
