#!/usr/bin/env python3
"""Benchmark Pactum's negotiation simulator against NegMAS, in one run.

Times, on the same machine and in the same run:

1. Boulware vs Conceder, 1,000 rounds, on ANAC 2012 CarA:
   * Pactum: `pactum tournament` with the two strategies and many
     repetitions on one thread (`--jobs 1`); negotiations per second of the
     whole process (loading, exact analysis for the distance columns and
     writing the result files included);
   * NegMAS: BoulwareTBNegotiator vs ConcederTBNegotiator in an
     SAOMechanism(n_steps=1000), utility functions rebuilt under GENIUS
     semantics (scripts/negmas_reference.py), best of --negmas-repeats.
2. A tournament of 4 strategies (boulware, conceder, linear, micro; NegMAS:
   the TB negotiators and MiCRONegotiator) x 5 scenarios x 2 repetitions,
   every ordered pair of distinct strategies, 1,000 rounds:
   * NegMAS: a plain loop over the 120 negotiations (scenario loading
     included, Python import excluded);
   * Pactum: `pactum tournament` on 1 thread and on all cores.
3. Scaling: a 100x larger Pactum tournament on 1 thread and on all cores.

Build first, then run from the repository root:

    cargo build --release -p pactum-cli
    ../negmas-venv/bin/python scripts/bench_negotiations.py --output /tmp/bench-sim.md
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from negmas_reference import DEFAULT_SCENARIOS_ROOT, REPO_ROOT, load_genius_semantics  # noqa: E402

PACTUM = REPO_ROOT / "target" / "release" / "pactum"
CAR = "anac/y2012/CarA"
TOURNAMENT_SCENARIOS = [
    "anac/y2012/CarA",
    "anac/y2010/ItexvsCypress",
    "anac/y2012/EnergySmallA",
    "anac/y2013/Coffee",
    "anac/y2012/FitnessA",
]
PACTUM_STRATEGIES = ["boulware", "conceder", "linear", "micro"]


def pactum_tournament(scenarios, strategies, steps, reps, jobs) -> tuple[float, int]:
    """Wall-clock seconds of one `pactum tournament` process, and its size."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [str(PACTUM), "tournament", "--scenarios", *map(str, scenarios),
               "--strategies", ",".join(strategies), "--steps", str(steps),
               "--reps", str(reps), "--out", out, "--quiet"]
        if jobs:
            cmd += ["--jobs", str(jobs)]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        dt = time.perf_counter() - t0
        n = sum(1 for _ in open(Path(out) / "negotiations.jsonl"))
    return dt, n


def negmas_negotiation(sc, first, second, steps):
    from negmas.outcomes import make_os
    from negmas.sao import SAOMechanism

    m = SAOMechanism(outcome_space=make_os(sc.issues), n_steps=steps)
    m.add(first(name=sc.profiles[0]), ufun=sc.ufuns[0])
    m.add(second(name=sc.profiles[1]), ufun=sc.ufuns[1])
    m.run()
    return m.state.agreement


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenarios-root", type=Path, default=DEFAULT_SCENARIOS_ROOT)
    ap.add_argument("--negmas-repeats", type=int, default=3)
    ap.add_argument("--output", type=Path)
    args = ap.parse_args(argv)
    root = args.scenarios_root.resolve()
    if not PACTUM.exists():
        print("error: build first: cargo build --release -p pactum-cli", file=sys.stderr)
        return 2
    import negmas
    from negmas.sao import (
        BoulwareTBNegotiator,
        ConcederTBNegotiator,
        LinearTBNegotiator,
        MiCRONegotiator,
    )

    cores = os.cpu_count()
    lines = [f"Machine: {cores} cores; NegMAS {negmas.__version__}; Python {sys.version.split()[0]}.", ""]

    # 1. One negotiation type, 1,000 rounds.
    reps = 2000
    dt, n = pactum_tournament([root / CAR], ["boulware", "conceder"], 1000, reps, 1)
    pactum_rate = n / dt
    best = float("inf")
    for _ in range(args.negmas_repeats):
        t0 = time.perf_counter()
        sc = load_genius_semantics(root / CAR)
        negmas_negotiation(sc, BoulwareTBNegotiator, ConcederTBNegotiator, 1000)
        best = min(best, time.perf_counter() - t0)
    negmas_rate = 1 / best
    lines += [
        "| Boulware vs Conceder, 1,000 rounds, CarA | negotiations/s | speed-up |",
        "|---|---:|---:|",
        f"| NegMAS (load + 1 negotiation, best of {args.negmas_repeats}) | {negmas_rate:,.1f} | 1x |",
        f"| Pactum, 1 thread ({n:,} negotiations in {dt:.2f} s, whole process) | {pactum_rate:,.0f} | {pactum_rate / negmas_rate:,.0f}x |",
        "",
    ]

    # 2. The tournament.
    neg = [BoulwareTBNegotiator, ConcederTBNegotiator, LinearTBNegotiator, MiCRONegotiator]
    t0 = time.perf_counter()
    count = 0
    for rel in TOURNAMENT_SCENARIOS:
        sc = load_genius_semantics(root / rel)
        for i, a in enumerate(neg):
            for j, b in enumerate(neg):
                if i == j:
                    continue
                for _ in range(2):
                    negmas_negotiation(sc, a, b, 1000)
                    count += 1
    negmas_t = time.perf_counter() - t0
    paths = [root / r for r in TOURNAMENT_SCENARIOS]
    runs1 = [pactum_tournament(paths, PACTUM_STRATEGIES, 1000, 2, 1) for _ in range(5)]
    runsn = [pactum_tournament(paths, PACTUM_STRATEGIES, 1000, 2, 0) for _ in range(5)]
    p1, n1 = min(runs1)
    pn, nn = min(runsn)
    assert n1 == nn == count, (n1, nn, count)
    lines += [
        f"| Tournament: 4 strategies x 5 scenarios x 2 reps, 1,000 rounds ({count} negotiations) | seconds | speed-up |",
        "|---|---:|---:|",
        f"| NegMAS (plain loop) | {negmas_t:.2f} | 1x |",
        f"| Pactum, 1 thread (whole process, best of 5) | {p1:.3f} | {negmas_t / p1:,.0f}x |",
        f"| Pactum, {cores} threads (whole process, best of 5) | {pn:.3f} | {negmas_t / pn:,.0f}x |",
        "",
    ]

    # 3. Scaling with cores on a larger tournament.
    s1, m1 = pactum_tournament(paths, PACTUM_STRATEGIES, 1000, 200, 1)
    sn, mn = pactum_tournament(paths, PACTUM_STRATEGIES, 1000, 200, 0)
    lines += [
        f"| Pactum scaling: same tournament, 200 reps, 1,000 rounds ({m1:,} negotiations) | seconds | negotiations/s | speed-up |",
        "|---|---:|---:|---:|",
        f"| 1 thread | {s1:.2f} | {m1 / s1:,.0f} | 1.00x |",
        f"| {cores} threads | {sn:.2f} | {mn / sn:,.0f} | {s1 / sn:.2f}x |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
