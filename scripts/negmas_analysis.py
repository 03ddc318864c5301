#!/usr/bin/env python3
"""Reference numbers for Pactum's tournament analysis, computed with NegMAS.

Reads the raw results of one small Pactum tournament (a results folder:
``manifest.json`` and ``negotiations.jsonl``, bilateral layout, with
self-play), turns every negotiation into NegMAS's common analysis records
(one record per seat: strategy, partner, scenario, utility, reserved_value,
advantage), runs NegMAS's post-tournament analysis on them and writes

    <folder>/negmas.json

which `crates/pactum-sim/tests/analysis_negmas.rs` compares with Pactum's
`tournament::analysis`. The fixture folder is

    crates/pactum-sim/tests/fixtures/analysis/

and its rows were written by (from the repository root)

    pactum tournament --scenarios examples/car-purchase.toml \\
        --strategies boulware,conceder,linear,random --self-play \\
        --steps 100 --reps 3 --seed 16 --quiet --out <folder>

(only manifest.json and negotiations.jsonl are kept). Run this script with
NegMAS 0.16.0 from a virtualenv outside the repository:

    ../negmas-venv/bin/python scripts/negmas_analysis.py \\
        [crates/pactum-sim/tests/fixtures/analysis]

What is recorded (metric: utility), and from which NegMAS function:

* ``payoff``: ``build_payoff_table`` — mean and count of each cell;
* ``tournament_evaluation``: ``tournament_evaluation_ranking`` — mean of
  each payoff row;
* ``tests``: ``pairwise_tests(test="ranksum", paired=False)`` (SciPy's
  ``mannwhitneyu``, two-sided; with more than 8 scores per strategy and ties
  SciPy uses the normal approximation with tie and continuity corrections)
  and ``apply_corrections`` (Holm, Benjamini–Hochberg);
* ``regret_uniform``: ``nash_averaging_ranking(payoff, equilibrium=uniform)``
  — the regret of each strategy against the uniform mix;
* ``egta`` and ``nash_averaging_pure``: NegMAS's default Nash-averaging
  ranking, regret against its best *pure* symmetric Nash equilibrium (not
  Balduzzi et al.'s maximum-entropy Nash; recorded to document the
  difference);
* ``replicator``: ``symmetric_replicator_dynamics`` (continuous time, RK45,
  t up to 100, from the uniform mix) and ``final_mixed_strategy(eps=1e-3)``;
* ``intervals``: SciPy's ``stats.t.interval(0.95, n - 1, mean, sem)`` of
  each cell (NegMAS reports no intervals; this is the t-interval Pactum
  states, computed by SciPy).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

import negmas
from negmas.tournaments.analysis import (
    analyze_tournament,
    build_payoff_table,
    final_mixed_strategy,
    nash_averaging_ranking,
    symmetric_replicator_dynamics,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT = REPO_ROOT / "crates" / "pactum-sim" / "tests" / "fixtures" / "analysis"


def r15(x) -> float | None:
    """Round to 15 significant digits (None for NaN)."""
    x = float(x)
    return None if np.isnan(x) else float(f"{x:.15g}")


def records(folder: Path) -> tuple[list[str], pd.DataFrame]:
    manifest = json.loads((folder / "manifest.json").read_text())
    rows = []
    for line in (folder / "negotiations.jsonl").read_text().splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        seats = [
            (r["strategy_a"], r["utility_a"], r["reservation_a"]),
            (r["strategy_b"], r["utility_b"], r["reservation_b"]),
        ]
        for k, (s, u, rv) in enumerate(seats):
            partner = seats[1 - k][0]
            rows.append(
                dict(
                    strategy=s,
                    partner=partner,
                    scenario=r["scenario"],
                    utility=u,
                    reserved_value=rv,
                    advantage=u - rv,
                )
            )
    return manifest["strategies"], pd.DataFrame(rows)


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    strategies, recs = records(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_tournament(
            recs, metric="utility", significance_test="ranksum", alpha=0.05
        )
    payoff = build_payoff_table(recs, metric="utility", strategies=strategies)
    names = payoff.strategies
    uniform = {s: 1.0 / len(names) for s in names}
    regret = nash_averaging_ranking(payoff, equilibrium=uniform)
    trajectory = symmetric_replicator_dynamics(payoff)
    survivors = final_mixed_strategy(trajectory, eps=1e-3)

    intervals = []
    samples = build_payoff_table(
        recs, metric="utility", strategies=strategies, keep_samples=True
    ).samples
    for a in names:
        row = []
        for b in names:
            x = samples[(a, b)]
            if len(x) < 2 or np.std(x) == 0:
                lo = hi = float(np.mean(x))
            else:
                lo, hi = stats.t.interval(
                    0.95, len(x) - 1, loc=np.mean(x), scale=stats.sem(x)
                )
            row.append([r15(lo), r15(hi)])
        intervals.append(row)

    tests = [
        dict(
            a=t.strategy_a,
            b=t.strategy_b,
            n_a=int(t.n_a),
            n_b=int(t.n_b),
            u=r15(t.statistic),
            p=r15(t.p_value),
            p_holm=r15(t.p_holm),
            p_bh=r15(t.p_bh),
            significant_holm=bool(t.significant_holm),
            significant_bh=bool(t.significant_bh),
        )
        for t in report.significance_unpaired.itertuples()
    ]
    out = dict(
        negmas=negmas.__version__,
        metric="utility",
        strategies=names,
        payoff=[[r15(x) for x in row] for row in payoff.matrix],
        counts=payoff.counts.tolist(),
        intervals=intervals,
        tournament_evaluation={
            t.strategy: r15(t.score) for t in report.tournament_ranking.itertuples()
        },
        tests=tests,
        regret_uniform={t.strategy: r15(t.regret) for t in regret.itertuples()},
        egta=dict(
            candidates=report.egta.candidates,
            best=report.egta.best,
        ),
        nash_averaging_pure=None
        if report.nash_averaging is None
        else {t.strategy: r15(t.regret) for t in report.nash_averaging.itertuples()},
        replicator=dict(
            final=dict(zip(names, (r15(x) for x in trajectory.x[-1]))),
            survivors=sorted(survivors),
        ),
    )
    path = folder / "negmas.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
