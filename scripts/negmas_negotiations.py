#!/usr/bin/env python3
"""Conformance fixtures for Pactum's negotiation simulator, produced with NegMAS.

For two-party GENIUS scenarios this script runs a pairing of NegMAS
negotiators (the first on the first profile, proposing first) in an
SAOMechanism with 100 rounds and writes one JSON fixture per scenario and
pairing to

    crates/pactum-sim/tests/fixtures/negmas/<scenario path, "/" -> "__">.json
        (pairing boulware-conceder: BoulwareTBNegotiator vs ConcederTBNegotiator)
    crates/pactum-sim/tests/fixtures/negmas/<scenario path, "/" -> "__">__<pairing>.json
        (micro-micro: MiCRONegotiator vs MiCRONegotiator;
         hardliner-conceder: ToughNegotiator vs ConcederTBNegotiator)

holding the agreement (package and both utilities), the round it was reached
in and every offer made (round, proposer, both utilities).
`crates/pactum-sim/tests/negmas_conformance.rs` replays the same negotiation
with `pactum_sim` (strategies named in the fixture) and requires the same
agreement in the same round, offer for offer.

MiCRO repeats one of its earlier offers, drawn at random, when it has sent
more distinct offers than it has received; NegMAS draws with Python's
`random`, Pactum with its own seeded generator, so such draws cannot be
compared. The fixtures count them (`random_offers`: repeats by a MiCRO seat
while it had sent more than one distinct offer) and the scenario lists hold
only traces without any. MiCRO against a time-based negotiator draws in
every scenario tried (the time-based side repeats offers, so MiCRO is soon
ahead in distinct offers), so only MiCRO vs MiCRO is a pairing here: each
side then always has received as many distinct offers as it has sent.

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
    ../negmas-venv/bin/python scripts/negmas_negotiations.py --pairing micro-micro

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
# MiCRO vs MiCRO: traces with no tie and no random draw, short ones (and one
# that runs to the deadline) to keep the fixtures small.
MICRO_SCENARIOS = [
    "misc/Laptop",
    "anac/y2010/EnglandZimbabwe",
    "anac/y2010/ItexvsCypress",
    "anac/y2011/NiceOrDie",
    "anac/y2012/FiftyFiftyA",
    "anac/y2012/FitnessA",
    "anac/y2012/ItexvsCypressA",
    "anac/y2012/OutfitA",
    "anac/y2013/Animal",
    "anac/y2013/Coffee",
    "anac/y2013/Ultimatum",
]
# Hardliner (NegMAS ToughNegotiator) vs Conceder: the same criteria.
HARDLINER_SCENARIOS = [
    "misc/Laptop",
    "anac/y2010/EnglandZimbabwe",
    "anac/y2010/ItexvsCypress",
    "anac/y2010/Travel",
    "anac/y2011/Camera",
    "anac/y2011/NiceOrDie",
    "anac/y2012/MusicCollectionA",
    "anac/y2013/Animal",
    "anac/y2013/SmartPhone",
]


# Pairing name -> (Pactum strategies, NegMAS negotiator classes, scenarios).
# Scenario lists hold traces with no equal-utility tie and no random draw.
PAIRINGS = {
    "boulware-conceder": (
        ["boulware", "conceder"],
        ["BoulwareTBNegotiator", "ConcederTBNegotiator"],
        SCENARIOS,
    ),
    "micro-micro": (
        ["micro", "micro"],
        ["MiCRONegotiator", "MiCRONegotiator"],
        MICRO_SCENARIOS,
    ),
    "hardliner-conceder": (
        ["hardliner", "conceder"],
        ["ToughNegotiator", "ConcederTBNegotiator"],
        HARDLINER_SCENARIOS,
    ),
}


def run_negmas(sc, classes: list[str], steps: int = STEPS):
    """The named NegMAS negotiators on profiles 0 and 1 in an SAOMechanism."""
    import negmas.sao as sao
    from negmas.outcomes import make_os

    os_ = make_os(sc.issues)
    m = sao.SAOMechanism(outcome_space=os_, n_steps=steps)
    for k, cls in enumerate(classes):
        m.add(getattr(sao, cls)(name=sc.profiles[k]), ufun=sc.ufuns[k])
    m.run()
    return m


def random_offers(offers: list[list], strategies: list[str]) -> int:
    """Offers a MiCRO seat drew at random from more than one earlier offer."""
    sent: list[list[tuple]] = [[] for _ in strategies]
    n = 0
    for o in offers:
        p, key = o[1], tuple(o[2:])
        if strategies[p] == "micro":
            if key in sent[p] and len(sent[p]) > 1:
                n += 1
            if key not in sent[p]:
                sent[p].append(key)
    return n


def utility_counts(sc) -> list[Counter]:
    """For each party, how many outcomes have each utility value."""
    import itertools

    domains = [list(i.all) for i in sc.issues]
    counts = [Counter() for _ in sc.ufuns]
    for o in itertools.product(*domains):
        for c, u in zip(counts, sc.ufuns):
            c[float(u(o))] += 1
    return counts


def build_fixture(rel: str, root: Path, pairing: str = "boulware-conceder") -> dict:
    import negmas

    strategies, classes, _ = PAIRINGS[pairing]
    sc = load_genius_semantics(root / rel)
    if len(sc.ufuns) != 2:
        raise RuntimeError(f"{rel}: {len(sc.ufuns)} profiles, expected 2")
    m = run_negmas(sc, classes)
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
    drawn = random_offers(offers, strategies)
    fx = {
        "scenario": rel,
        "negmas_version": negmas.__version__,
        "profiles": sc.profiles,
        "strategies": strategies,
        "negmas_negotiators": classes,
        "steps": STEPS,
        "agreement": None
        if agreement is None
        else {n: (v if isinstance(v, (int, str)) else str(v)) for n, v in zip(names, agreement)},
        "utilities": None if agreement is None else [r15(float(u(agreement))) for u in sc.ufuns],
        "rounds": int(state.step),
        "timedout": bool(state.timedout),
        "tied_offers": tied,
    }
    if "micro" in strategies:
        fx["random_offers"] = drawn
    fx["offers"] = offers
    fx["note"] = (
            f"NegMAS {negmas.__version__} SAOMechanism(n_steps={STEPS}), "
            f"{classes[0]} (first profile, proposes first) vs {classes[1]}, "
            "GENIUS-semantics utility functions (see scripts/negmas_reference.py). "
            "`rounds` is NegMAS's state.step at the end (rounds started); `offers` lists "
            "[round, proposer, utility of profile 0, utility of profile 1] for every offer. "
            f"{tied} offer(s) had an equal-utility tie for their proposer."
        )
    return fx


def fixture_file(rel: str, pairing: str) -> str:
    if pairing == "boulware-conceder":
        return fixture_name(rel)
    return fixture_name(rel).removesuffix(".json") + f"__{pairing}.json"


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
    ap.add_argument(
        "--pairing", choices=sorted(PAIRINGS), default="boulware-conceder", help="negotiators"
    )
    args = ap.parse_args(argv)
    root = args.scenarios_root.resolve()
    if not root.is_dir():
        print(f"error: scenarios root {root} not found", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for rel in args.only or PAIRINGS[args.pairing][2]:
        t0 = time.perf_counter()
        fx = build_fixture(rel, root, args.pairing)
        path = args.out / fixture_file(rel, args.pairing)
        path.write_text(dump_fixture(fx))
        print(
            f"{rel}: agreement {fx['utilities']} in round {fx['rounds']}, "
            f"{len(fx['offers'])} offers, {fx['tied_offers']} tied, "
            f"{fx.get('random_offers', 0)} drawn at random, "
            f"{time.perf_counter() - t0:.1f}s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
