#!/usr/bin/env python3
"""Whole-process timings and output comparison of `pactum forecast`.

Three commands:

  gen-backtest OUT.csv [--issues 353] [--seed 14]
      Writes a SYNTHETIC back-test file (issue,actor,capability,position,salience,outcome):
      seeded random issues with 5 to 30 actors whose outcome is the capability x salience
      weighted mean plus noise. It is for timing only; its scores say nothing about any model.

  time PACTUM [PACTUM ...] [--cases DIR] [--backtest FILE] [--runs N] [--mc-runs N]
      Runs each command many times with every binary given (interleaved, so that a busy
      machine slows them alike) and prints the median, min and max wall time per binary.

  compare BEFORE AFTER [--cases DIR] [--backtest FILE] [--draws N]
      Runs every case of DIR with every model, with and without Monte Carlo, as JSON and as
      text, and the back-test, with both binaries; prints each output that differs and exits
      non-zero if any does.

Standard library only; nothing is written except the file gen-backtest is asked for.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time

MODELS = ["mean", "median", "condorcet", "nash", "smp", "bdm"]
SMP_CASE = "efird2016_china_competitive_space.csv"


def gen_backtest(out, issues, seed):
    rng = random.Random(seed)
    lines = ["issue,actor,capability,position,salience,outcome"]
    for i in range(issues):
        n = rng.randint(5, 30)
        actors = []
        for a in range(n):
            cap = round(rng.uniform(1, 100), 1)
            pos = round(rng.uniform(0, 100), 1)
            sal = round(rng.uniform(10, 100), 1)
            actors.append((f"a{a}", cap, pos, sal))
        weight = sum(c * s for _, c, _, s in actors)
        mean = sum(c * s * p for _, c, p, s in actors) / weight
        outcome = round(min(100.0, max(0.0, mean + rng.gauss(0, 10))), 1)
        for name, cap, pos, sal in actors:
            lines.append(f"synthetic{i:03},{name},{cap},{pos},{sal},{outcome}")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def run(cmd):
    """Output, error output and exit code of one command."""
    p = subprocess.run(cmd, capture_output=True)
    return p.stdout, p.stderr, p.returncode


def case_files(cases):
    files = []
    for name in sorted(os.listdir(cases)):
        path = os.path.join(cases, name)
        if os.path.isdir(path):
            scenario = os.path.join(path, "scenario.json")
            if os.path.exists(scenario):
                files.append(scenario)
        elif name.endswith(".csv"):
            files.append(path)
    return files


def compare(args):
    commands = []
    for path in case_files(args.cases):
        for model in MODELS:
            base = ["forecast", path, "--model", model]
            commands.append(base + ["--json"])
            commands.append(base)
            commands.append(base + ["--monte-carlo", str(args.draws), "--json"])
            commands.append(base + ["--monte-carlo", str(args.draws), "--seed", "7"])
    smp_case = os.path.join(args.cases, SMP_CASE)
    commands.append(["forecast", smp_case, "--model", "smp", "--monte-carlo", "1000", "--json"])
    if args.backtest:
        commands.append(["forecast", "backtest", args.backtest, "--json"])
        commands.append(["forecast", "backtest", args.backtest, "--per-issue"])
    differ = 0
    for cmd in commands:
        before = run([args.before] + cmd)
        after = run([args.after] + cmd)
        same = before == after
        differ += not same
        print(("same   " if same else "DIFFERS"), len(before[0]), "bytes:", " ".join(cmd))
    print(f"{len(commands) - differ} of {len(commands)} outputs byte-identical")
    return 1 if differ else 0


def timed(cmd):
    start = time.perf_counter()
    out, err, code = run(cmd)
    elapsed = time.perf_counter() - start
    if code != 0:
        sys.exit(f"failed ({code}): {' '.join(cmd)}\n{err.decode(errors='replace')}")
    return elapsed


def time_all(args):
    smp_case = os.path.join(args.cases, SMP_CASE)
    work = [
        ("smp, Efird 2016 competitive space (--json)", ["forecast", smp_case, "--model", "smp", "--json"], args.runs),
        (
            "smp, same case, --monte-carlo 1000 (--json)",
            ["forecast", smp_case, "--model", "smp", "--monte-carlo", "1000", "--json"],
            args.mc_runs,
        ),
    ]
    if args.backtest:
        work.append(
            (f"back-test, every model, {os.path.basename(args.backtest)} (--json)",
             ["forecast", "backtest", args.backtest, "--json"], args.mc_runs)
        )
    for label, cmd, runs in work:
        times = {b: [] for b in args.binaries}
        for _ in range(runs):
            for b in args.binaries:
                times[b].append(timed([b] + cmd))
        print(label)
        print("  command: pactum " + " ".join(cmd))
        for b in args.binaries:
            t = times[b]
            print(
                f"  {b}: median {fmt(statistics.median(t))}, min {fmt(min(t))}, max {fmt(max(t))} ({runs} runs)"
            )


def fmt(seconds):
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gen-backtest", help="write a synthetic back-test file (timing only)")
    g.add_argument("out")
    g.add_argument("--issues", type=int, default=353)
    g.add_argument("--seed", type=int, default=14)
    default_cases = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "forecasting", "cases")
    t = sub.add_parser("time", help="median wall time of whole-process commands")
    t.add_argument("binaries", nargs="+")
    t.add_argument("--cases", default=default_cases)
    t.add_argument("--backtest")
    t.add_argument("--runs", type=int, default=50)
    t.add_argument("--mc-runs", type=int, default=5)
    c = sub.add_parser("compare", help="byte-compare the outputs of two binaries")
    c.add_argument("before")
    c.add_argument("after")
    c.add_argument("--cases", default=default_cases)
    c.add_argument("--backtest")
    c.add_argument("--draws", type=int, default=100)
    args = ap.parse_args()
    if args.command == "gen-backtest":
        gen_backtest(args.out, args.issues, args.seed)
        return 0
    if not os.path.isdir(args.cases):
        sys.exit(f"no cases at {args.cases} (give --cases DIR)")
    if args.command == "time":
        time_all(args)
        return 0
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
