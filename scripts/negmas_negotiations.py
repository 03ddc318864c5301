#!/usr/bin/env python3
"""Conformance fixtures for Pactum's negotiation simulator, produced with NegMAS.

For two-party GENIUS scenarios this script runs NegMAS's
BoulwareTBNegotiator (first profile, proposes first) against
ConcederTBNegotiator (second profile) in an SAOMechanism with 100 rounds and
writes one JSON fixture per scenario to

    crates/pactum-sim/tests/fixtures/negmas/<scenario path, "/" -> "__">.json

holding the agreement (package and both utilities), the round it was reached
in and every offer made (round, proposer, both utilities).
`crates/pactum-sim/tests/negmas_conformance.rs` replays the same negotiation
with `pactum_sim` and requires the same agreement in the same round, offer
for offer.

Utility functions are rebuilt under GENIUS semantics exactly as
scripts/negmas_reference.py does (discrete evaluations divided by their
issue's maximum, integer evaluators clamped and shifted, NegMAS's
DUMMY_ISSUE dropped, profiles without <reservation> get no reservation
value, discounting ignored).

NegMAS breaks equal-utility ties between outcomes in an arbitrary order
(numpy's unstable argsort); Pactum offers the first in enumeration order.
The fixtures therefore record, for every offer, whether its proposer had
another outcome of exactly the same utility (`tied_offers`); the default
scenario list holds only scenarios whose traces hit no such tie.

Run from the repository root (NegMAS lives in a virtualenv outside the repo):

    ../negmas-venv/bin/python scripts/negmas_negotiations.py
    ../negmas-venv/bin/python scripts/negmas_negotiations.py --only anac/y2012/CarA

Scenario files are only read, never copied.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from negmas_reference import (  # noqa: E402
    DEFAULT_SCENARIOS_ROOT,
    REPO_ROOT,
    fixture_name,
    load_genius_semantics,
    r15,
)

FIXTURE_DIR = REPO_ROOT / "crates" / "pactum-sim" / "tests" / "fixtures" / "negmas"
STEPS = 100

# Two-party scenarios whose Boulware-vs-Conceder traces hit no equal-utility tie.
SCENARIOS = [
    "misc/Laptop",
    "anac/y2010/EnglandZimbabwe",
    "anac/y2010/ItexvsCypress",
    "anac/y2010/Travel",
    "anac/y2011/Camera",
    "anac/y2011/NiceOrDie",
    "anac/y2012/EnergyA",
    "anac/y2012/EnergySmallA",
    "anac/y2012/EnglandvsZimbabweA",
    "anac/y2012/FiftyFiftyA",
    "anac/y2012/FitnessA",
    "anac/y2012/ItexvsCypressA",
    "anac/y2012/MusicCollectionA",
    "anac/y2012/OutfitA",
    "anac/y2012/PhoneA",
    "anac/y2012/RentalHouseA",
    "anac/y2013/Animal",
    "anac/y2013/Coffee",
    "anac/y2013/Kitchen",
    "anac/y2013/Lunch",
    "anac/y2013/SmartPhone",
    "anac/y2013/Ultimatum",
]


def run_negmas(sc, steps: int = STEPS):
    """Boulware (profile 0) vs Conceder (profile 1) in NegMAS's SAOMechanism."""
    from negmas.outcomes import make_os
    from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator, SAOMechanism

    os_ = make_os(sc.issues)
    m = SAOMechanism(outcome_space=os_, n_steps=steps)
    m.add(BoulwareTBNegotiator(name=sc.profiles[0]), ufun=sc.ufuns[0])
    m.add(ConcederTBNegotiator(name=sc.profiles[1]), ufun=sc.ufuns[1])
    m.run()
    return m


def utility_counts(sc) -> list[Counter]:
    """For each party, how many outcomes have each utility value."""
    import itertools

    domains = [list(i.all) for i in sc.issues]
    counts = [Counter() for _ in sc.ufuns]
    for o in itertools.product(*domains):
        for c, u in zip(counts, sc.ufuns):
            c[float(u(o))] += 1
    return counts


def build_fixture(rel: str, root: Path) -> dict:
    import negmas

    sc = load_genius_semantics(root / rel)
    if len(sc.ufuns) != 2:
        raise RuntimeError(f"{rel}: {len(sc.ufuns)} profiles, expected 2")
    m = run_negmas(sc)
    state = m.state
    names = [i.name for i in sc.issues]
    ids = [n.id for n in m.negotiators]
    counts = utility_counts(sc)
    offers, tied = [], 0
    for step, who, outcome in m.extended_trace:
        p = ids.index(who)
        us = [float(u(outcome)) for u in sc.ufuns]
        if counts[p][us[p]] > 1:
            tied += 1
        offers.append([step, p] + [r15(u) for u in us])
    agreement = state.agreement
    return {
        "scenario": rel,
        "negmas_version": negmas.__version__,
        "profiles": sc.profiles,
        "strategies": ["boulware", "conceder"],
        "negmas_negotiators": ["BoulwareTBNegotiator", "ConcederTBNegotiator"],
        "steps": STEPS,
        "agreement": None
        if agreement is None
        else {n: (v if isinstance(v, (int, str)) else str(v)) for n, v in zip(names, agreement)},
        "utilities": None if agreement is None else [r15(float(u(agreement))) for u in sc.ufuns],
        "rounds": int(state.step),
        "timedout": bool(state.timedout),
        "tied_offers": tied,
        "offers": offers,
        "note": (
            f"NegMAS {negmas.__version__} SAOMechanism(n_steps={STEPS}), "
            "BoulwareTBNegotiator (first profile, proposes first) vs ConcederTBNegotiator, "
            "GENIUS-semantics utility functions (see scripts/negmas_reference.py). "
            "`rounds` is NegMAS's state.step at the end (rounds started); `offers` lists "
            "[round, proposer, utility of profile 0, utility of profile 1] for every offer. "
            f"{tied} offer(s) had an equal-utility tie for their proposer."
        ),
    }


def dump_fixture(fx: dict) -> str:
    lines = []
    for k, v in fx.items():
        if k == "offers":
            body = ",\n".join("  " + json.dumps(o) for o in v)
            lines.append(f' "{k}": [\n{body}\n ]')
        else:
            lines.append(f" {json.dumps(k)}: {json.dumps(v)}")
    text = "{\n" + ",\n".join(lines) + "\n}\n"
    assert json.loads(text) == fx
    return text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenarios-root", type=Path, default=DEFAULT_SCENARIOS_ROOT)
    ap.add_argument("--out", type=Path, default=FIXTURE_DIR, help="fixture folder")
    ap.add_argument("--only", nargs="*", help="scenario paths to (re)generate")
    args = ap.parse_args(argv)
    root = args.scenarios_root.resolve()
    if not root.is_dir():
        print(f"error: scenarios root {root} not found", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for rel in args.only or SCENARIOS:
        t0 = time.perf_counter()
        fx = build_fixture(rel, root)
        path = args.out / fixture_name(rel)
        path.write_text(dump_fixture(fx))
        print(
            f"{rel}: agreement {fx['utilities']} in round {fx['rounds']}, "
            f"{len(fx['offers'])} offers, {fx['tied_offers']} tied, "
            f"{time.perf_counter() - t0:.1f}s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
