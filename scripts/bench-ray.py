#!/usr/bin/env python3
"""Throughput of pactum.tournament on Ray against the local executor.

Times, in one run and on the same tournament (negotiations per second of
the whole call, rows checked equal to the local executor's):

1. built-in strategies: executor="local" on 1 and on 2 threads, then
   executor="ray" on a local Ray of 1 and of 2 worker CPUs (Ray started
   beforehand and its workers warmed up; the start-up is given apart),
   with the batch size picked by timing (batch_size=None);
2. the batch size on 2 workers: a sweep from tiny batches, where Ray's
   scheduling dominates, to one batch per worker;
3. a tournament with a negotiator written in Python, which the local
   executor plays one negotiation at a time (the GIL) and Ray on every
   worker at once.

Each round times every configuration once (so that the machine's load
weighs on all alike); a timing is the median over --repeat rounds. Install the package with a
release build first (maturin develop --release, or pip install
./crates/pactum-py), then, from the repository root:

    python scripts/bench-ray.py --output /tmp/bench-ray.md
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

import pactum
import ray

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [ROOT / "examples" / n for n in ("car-purchase.toml", "labour-contract.toml",
                                           "istanbul-2025.toml")]
STRATEGIES = ["boulware", "linear", "conceder", "genius-boulware", "hardliner", "random",
              "tit-for-tat", "nash-seeker"]


class Patient(pactum.Negotiator):
    """Offers its outcomes from best to worst, accepts 0.6 or more."""

    def on_start(self, info):
        self.info = info
        self.outcomes = sorted(info.outcomes(), key=info.utility, reverse=True)

    def propose(self, state):
        return self.outcomes[min(state.round, len(self.outcomes) - 1)]

    def respond(self, state, offer):
        return "accept" if self.info.utility(offer) >= 0.6 else "reject"


def start_ray(cpus, scenarios):
    """Starts a local Ray of ``cpus`` CPUs and plays a first small tournament
    (the workers start and import pactum); the seconds of each."""
    ray.shutdown()
    began = time.perf_counter()
    ray.init(num_cpus=cpus, include_dashboard=False, logging_level=logging.WARNING,
             log_to_driver=False)
    started = time.perf_counter() - began
    began = time.perf_counter()
    pactum.tournament(scenarios[:1], STRATEGIES[:2], executor="ray", batch_size=1,
                      progress=False)
    return started, time.perf_counter() - began


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenarios", nargs="+", type=Path, default=EXAMPLES)
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--python-reps", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--output", type=Path)
    args = ap.parse_args()

    scenarios = [pactum.load(p) for p in args.scenarios]
    common = dict(reps=args.reps, steps=args.steps, seed=1)
    n = len(pactum._tournament_plan(scenarios, STRATEGIES, **common))
    py = ["boulware", "linear", "conceder", Patient]
    pcommon = {**common, "reps": args.python_reps}
    pn = len(pactum._tournament_plan(scenarios, py, **pcommon))
    sizes = (4, 16, 64, 128, 256, 512, 1024, (n + 1) // 2)

    def local(jobs, strategies=STRATEGIES, kw=common):
        return pactum.tournament(scenarios, strategies, jobs=jobs, **kw)

    def on_ray(batch_size=None, strategies=STRATEGIES, kw=common):
        return pactum.tournament(scenarios, strategies, executor="ray", batch_size=batch_size,
                                 progress=False, **kw)

    want = local(1)
    pwant = local(1, py, pcommon)
    times = {}
    picked = {}
    startup = {1: [], 2: []}

    def time_it(key, call, check):
        began = time.perf_counter()
        got = call()
        times.setdefault(key, []).append(time.perf_counter() - began)
        assert got == check, f"{key}: rows differ from executor='local'"

    # Every configuration once per round, so that a change of load on the
    # machine weighs on all of them alike; Ray is restarted for 1 and 2 CPUs.
    for _ in range(args.repeat):
        time_it("local1", lambda: local(1), want)
        time_it("local2", lambda: local(2), want)
        time_it("plocal1", lambda: local(1, py, pcommon), pwant)
        for cpus in (1, 2):
            startup[cpus].append(start_ray(cpus, scenarios))
            picked[cpus] = _ray_pick(scenarios, common, cpus)
            time_it(f"ray{cpus}", lambda: on_ray(), want)
            time_it(f"pray{cpus}", lambda: on_ray(None, py, pcommon), pwant)
        picked["py"] = _ray_pick(scenarios, pcommon, 2, py)
        for size in sizes:
            time_it(f"size{size}", lambda: on_ray(size), want)
    ray.shutdown()

    def row(key, count):
        t = statistics.median(times[key])
        return f"{t:.2f} | {count / t:,.0f} |"

    out = [f"Tournament: {len(scenarios)} scenarios x {len(STRATEGIES)} built-in strategies "
           f"(every ordered pair) x {args.reps} repetitions, {args.steps} rounds: {n} "
           f"negotiations; median of {args.repeat} rounds (each configuration once a round); "
           f"{os.cpu_count()} cores.", "",
           "| executor | workers | batch size | seconds | negotiations/s |",
           "|---|---:|---:|---:|---:|",
           f"| local | 1 thread | – | {row('local1', n)}",
           f"| local | 2 threads | – | {row('local2', n)}",
           f"| ray | 1 | ≈ {picked[1]} (picked) | {row('ray1', n)}",
           f"| ray | 2 | ≈ {picked[2]} (picked) | {row('ray2', n)}", ""]
    for cpus in (1, 2):
        init = statistics.median(s for s, _ in startup[cpus])
        first = statistics.median(f for _, f in startup[cpus])
        out.append(f"Ray start-up with {cpus} CPU{'s' * (cpus > 1)} (not counted above): "
                   f"ray.init {init:.1f} s, then a first 2-negotiation tournament {first:.2f} s.")
    out += ["", "Batch size on 2 workers:", "",
            "| batch size | batches | seconds | negotiations/s |", "|---:|---:|---:|---:|"]
    out += [f"| {size} | {-(-n // size)} | {row(f'size{size}', n)}" for size in sizes]
    out += ["", f"With a negotiator written in Python (boulware, linear, conceder and a Python "
            f"class; {args.python_reps} repetitions: {pn} negotiations):", "",
            "| executor | workers | batch size | seconds | negotiations/s |",
            "|---|---:|---:|---:|---:|",
            f"| local | 1 | – | {row('plocal1', pn)}",
            f"| ray | 1 | ≈ {picked['py']} (picked) | {row('pray1', pn)}",
            f"| ray | 2 | ≈ {picked['py']} (picked) | {row('pray2', pn)}"]
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    out += ["", f"Load average at the end (1, 5, 15 min): {load}."]
    text = "\n".join(out) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text)


def _ray_pick(scenarios, common, cpus, strategies=STRATEGIES):
    """The batch size batch_size=None picks (it times a few negotiations)."""
    from pactum import _ray

    return _ray.pick_batch_size(pactum._tournament_plan(scenarios, strategies, **common), cpus, 1)


if __name__ == "__main__":
    sys.exit(main())
