#!/usr/bin/env python3
"""Speed of Pactum's Python package, side by side, in one run:

(a) a negotiation of two built-in strategies (boulware vs conceder, 1,000
    rounds, ANAC 2012 CarA) run from Python against the same run by the
    command line. Both run the same Rust tournament code; what differs is
    the way in (a Python call and rows returned as dicts, or a process that
    writes its result files). Start-up, loading and the analysis behind the
    distance columns are left out on both sides by timing two tournament
    sizes and keeping the marginal cost: (T(big) - T(small)) / (extra
    negotiations). `pactum.negotiate` (one call: the trace recorded and the
    result document built, `to_dict()`) is shown beside it. Target: Python within 20 %.
(b) `pactum.analyze` on ANAC 2012 EnergyA (390,625 outcomes) against
    NegMAS's `pareto_frontier` and `nash_points`, `ks_points`,
    `kalai_points`, `max_welfare_points` on the same utilities (those of
    `pactum.negmas.to_negmas`), in the same process, loading excluded on
    both sides. Target: >= 1,000x.
(c) a negotiator written in Python, a linear concession down its own
    outcomes sorted by utility, playing itself in Pactum's mechanism
    (`pactum.negotiate`) against the same logic as a NegMAS `SAONegotiator`
    in NegMAS's `SAOMechanism` (100 rounds; ANAC 2010 ItexvsCypress, 2013
    Coffee, 2012 FiftyFiftyA and PhoneA); both must reach the same agreement
    in the same round. Each side sorts its outcomes once per negotiation, in
    Python, the same work on both sides: where that dominates (many
    outcomes, few rounds: PhoneA) the mechanisms hardly show. Target: >= 10x.

Every figure is the median of --repeats runs. Needs a Python with pactum,
negmas and numpy, the release command line, and the GENIUS scenarios:

    cargo build --release -p pactum-cli
    python scripts/bench-python.py [--json] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pactum
from pactum.negmas import to_negmas

REPO = Path(__file__).resolve().parent.parent
GENIUS = REPO.parent / "shared" / "scenarios" / "genius"


def median_time(fn, repeats: int) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# --------------------------------------------------------------------- (a)


def built_in(args) -> dict:
    folder = args.genius / "anac" / "y2012" / "CarA"
    s = pactum.load(folder)
    strategies = ["boulware", "conceder"]
    small, big = args.reps // 10, args.reps
    n_small, n_big = 2 * small, 2 * big  # two seatings per repetition

    def py(reps):
        return lambda: pactum.tournament([s], strategies, reps=reps, steps=1000, jobs=1)

    def cli(reps):
        def run():
            with tempfile.TemporaryDirectory() as out:
                subprocess.run(
                    [str(args.pactum), "tournament", "--scenarios", str(folder),
                     "--strategies", ",".join(strategies), "--steps", "1000",
                     "--reps", str(reps), "--jobs", "1", "--quiet", "--out", out],
                    check=True, capture_output=True,
                )
        return run

    py(small)()  # warm: the scenario's tables are built once
    py_per = (median_time(py(big), args.repeats) - median_time(py(small), args.repeats)) / (n_big - n_small)
    cli_per = (median_time(cli(big), args.repeats) - median_time(cli(small), args.repeats)) / (n_big - n_small)
    one = median_time(lambda: pactum.negotiate(s, strategies, steps=1000).to_dict(), args.repeats * 20)
    process = median_time(
        lambda: subprocess.run(
            [str(args.pactum), "negotiate", str(folder), "--parties", ",".join(strategies),
             "--steps", "1000", "--json"],
            check=True, capture_output=True,
        ),
        args.repeats * 4,
    )
    return {
        "cli_negotiate_process_s": process,
        "python_per_negotiation_s": py_per,
        "cli_per_negotiation_s": cli_per,
        "python_negotiate_call_s": one,
        "ratio": py_per / cli_per,
        "target": "python <= 1.2 x cli",
        "met": py_per <= 1.2 * cli_per,
    }


# --------------------------------------------------------------------- (b)


def analysis(args) -> dict:
    from negmas.preferences.ops import (
        kalai_points, ks_points, max_welfare_points, nash_points, pareto_frontier,
    )

    s = pactum.load(args.genius / "anac" / "y2012" / "EnergyA")
    ns = to_negmas(s)
    ufuns, issues = ns.ufuns, ns.outcome_space.issues

    def negmas_analysis():
        frontier, _ = pareto_frontier(ufuns, issues=issues, sort_by_welfare=True)
        ranges = [u.minmax(above_reserve=False) for u in ufuns]
        for f in (nash_points, ks_points, kalai_points, max_welfare_points):
            f(ufuns, frontier, ranges=ranges)
        return frontier

    ours = pactum.analyze(s)
    theirs = negmas_analysis()
    t_ours = median_time(lambda: pactum.analyze(s), args.repeats * 4)
    t_theirs = median_time(negmas_analysis, args.repeats)
    return {
        "pactum_s": t_ours,
        "negmas_s": t_theirs,
        "speedup": t_theirs / t_ours,
        "frontier_points": [len(ours.frontier), len(theirs)],
        "target": ">= 1000x",
        "met": t_theirs / t_ours >= 1000,
    }


# --------------------------------------------------------------------- (c)


class Linear(pactum.Negotiator):
    """Concedes linearly down its own outcomes sorted by utility."""

    def on_start(self, info):
        self.u = info.utility
        # Pactum ranks a negotiator's outcomes for it (`info.ranked_outcomes()`:
        # best first, equal utilities in enumeration order, as sorted() does);
        # NegMAS's negotiator below sorts them with its utility function, as
        # NegMAS offers.
        self.ranked = info.ranked_outcomes()

    def aim(self, t):
        return self.ranked[min(int(t * len(self.ranked)), len(self.ranked) - 1)]

    def propose(self, state):
        return self.aim(state.relative_time)

    def respond(self, state, offer):
        return "accept" if self.u(offer) >= self.u(self.aim(state.relative_time)) else "reject"


SCENARIOS_C = ["anac/y2010/ItexvsCypress", "anac/y2013/Coffee", "anac/y2012/FiftyFiftyA",
               "anac/y2012/PhoneA"]


def python_negotiator(args, rel: str) -> dict:
    from negmas.gb.common import ResponseType
    from negmas.sao import SAOMechanism, SAONegotiator

    class NegmasLinear(SAONegotiator):
        """The same logic in NegMAS."""

        def on_preferences_changed(self, changes):
            self.ranked = sorted(self.nmi.outcome_space.enumerate(), key=self.ufun, reverse=True)

        def aim(self, t):
            return self.ranked[min(int(t * len(self.ranked)), len(self.ranked) - 1)]

        def propose(self, state, dest=None):
            return self.aim(state.relative_time)

        def respond(self, state, source=None):
            ok = self.ufun(state.current_offer) >= self.ufun(self.aim(state.relative_time))
            return ResponseType.ACCEPT_OFFER if ok else ResponseType.REJECT_OFFER

    s = pactum.load(args.genius / rel)
    ns = to_negmas(s)

    def in_pactum():
        return pactum.negotiate(s, [Linear(), Linear()], steps=100, discount="none")

    def in_negmas():
        m = SAOMechanism(outcome_space=ns.outcome_space, n_steps=100)
        for u in ns.ufuns:
            m.add(NegmasLinear(), ufun=u)
        m.run()
        return m

    r, m = in_pactum(), in_negmas()
    same = r.steps == m.state.step and tuple((r.agreement or {}).values()) == tuple(m.state.agreement or ())
    t_ours = median_time(in_pactum, args.repeats * 4)
    t_theirs = median_time(in_negmas, args.repeats * 4)
    return {
        "scenario": rel,
        "outcomes": s.outcome_count,
        "pactum_s": t_ours,
        "negmas_s": t_theirs,
        "speedup": t_theirs / t_ours,
        "same_agreement_and_round": same,
        "rounds": r.steps,
        "target": ">= 10x",
        "met": t_theirs / t_ours >= 10,
    }


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import negmas

    return (f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, "
            f"NegMAS {negmas.__version__}, pactum {pactum.__version__}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5, help="runs per figure (median)")
    ap.add_argument("--reps", type=int, default=500, help="tournament repetitions in (a)")
    ap.add_argument("--genius", type=Path, default=GENIUS, help="GENIUS scenarios folder")
    ap.add_argument("--pactum", type=Path, default=REPO / "target" / "release" / "pactum",
                    help="the release command line")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if not args.genius.is_dir():
        print(f"error: GENIUS scenarios not found at {args.genius} (--genius)", file=sys.stderr)
        return 2
    if not args.pactum.is_file():
        print(f"error: no command line at {args.pactum}: cargo build --release -p pactum-cli "
              "(or --pactum)", file=sys.stderr)
        return 2
    a, b = built_in(args), analysis(args)
    c = [python_negotiator(args, rel) for rel in SCENARIOS_C]
    if args.json:
        print(json.dumps({"machine": machine(), "built_in": a, "analysis": b,
                          "python_negotiator": c}, indent=2))
        return 0
    yes = {True: "yes", False: "no"}
    print(f"machine: {machine()}; median of {args.repeats} runs\n")
    print("| comparison | Pactum from Python | other | ratio | target | met |")
    print("|---|---:|---:|---:|---|---|")
    print(f"| (a) boulware vs conceder, 1,000 rounds, CarA, per negotiation (marginal): Python vs CLI "
          f"| {a['python_per_negotiation_s'] * 1e6:.1f} µs | {a['cli_per_negotiation_s'] * 1e6:.1f} µs "
          f"| {a['ratio']:.2f}x | {a['target']} | {yes[a['met']]} |")
    print(f"| (b) analysis of EnergyA: pactum.analyze vs NegMAS frontier + fair points "
          f"| {b['pactum_s'] * 1e3:.2f} ms | {b['negmas_s']:.2f} s | {b['speedup']:,.0f}x "
          f"| {b['target']} | {yes[b['met']]} |")
    for r in c:
        print(f"| (c) linear concession in Python, {r['scenario']} ({r['outcomes']} outcomes, "
              f"{r['rounds']} rounds): Pactum vs SAOMechanism | {r['pactum_s'] * 1e3:.2f} ms "
              f"| {r['negmas_s'] * 1e3:.2f} ms | {r['speedup']:.1f}x | {r['target']} | {yes[r['met']]} |")
    print(f"\n(a) with the trace and the result document: one pactum.negotiate call "
          f"{a['python_negotiate_call_s'] * 1e3:.2f} ms; one `pactum negotiate --json` process "
          f"(loading included) {a['cli_negotiate_process_s'] * 1e3:.2f} ms")
    print(f"(b) frontier points, Pactum / NegMAS: {b['frontier_points'][0]} / {b['frontier_points'][1]}")
    print("(c) same agreement in the same round on both sides: "
          + ", ".join(f"{r['scenario']}: {r['same_agreement_and_round']}" for r in c))
    return 0


if __name__ == "__main__":
    sys.exit(main())
