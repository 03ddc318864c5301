#!/usr/bin/env python3
"""Reference fixtures for Pactum's exact analysis, computed with NegMAS.

For a set of two-party GENIUS scenarios this script loads each scenario with
NegMAS, rebuilds NegMAS's utility functions under GENIUS semantics (see
below), and writes one JSON fixture per scenario to

    crates/pactum-core/tests/fixtures/negmas/<scenario path, "/" -> "__">.json

holding the rational Pareto frontier and the Nash, Kalai-Smorodinsky,
egalitarian and utilitarian points (utility vectors, party order = profile
files sorted by name). `crates/pactum-core/tests/negmas_crosscheck.rs`
compares Pactum's analysis against these files.

Run from the repository root (NegMAS lives in a virtualenv outside the repo):

    ../negmas-venv/bin/python scripts/negmas_reference.py
    ../negmas-venv/bin/python scripts/negmas_reference.py \
        --scenarios-root ../shared/scenarios/genius --only anac/y2010/Travel

`--scenarios-root` defaults to ../shared/scenarios/genius relative to the
repository root. The scenario files are only read, never copied.

GENIUS semantics (what Pactum implements) versus what NegMAS reads
--------------------------------------------------------------------
* utility = sum_i weight_i * eval_i, weights as written (not renormalised),
  no constant term.
* A discrete evaluation is divided by the largest evaluation of its issue.
  NegMAS keeps the raw evaluations, so the value tables are rebuilt here.
* Integer issues: eval = clamp01(offset + slope * (x - lowerbound)). NegMAS
  evaluates offset + slope * x without the shift or the clamp, so integer
  evaluators are rebuilt as value tables here.
* Domains that number their issues from 2 (index 1 being the objective) make
  NegMAS's lenient reader insert a one-valued DUMMY_ISSUE whose value function
  is the identity with the objective's weight (usually 1.0), adding a constant
  to every utility. GENIUS gives the objective no evaluation, so the dummy
  issue is dropped here.
* A profile without a <reservation> element has no reservation value (NegMAS
  assumes 0.0); the disagreement point is then the party's minimum utility.
* Discounting is ignored (the analysis is time-free).

Solution concepts (d_i = reservation value, or the party's minimum utility
over the space when there is none or it is below that minimum; best_i = the
party's maximum utility over the space; ties within 1e-12 are all kept):
  nash               argmax prod_i (u_i - d_i)         NegMAS nash_points
  kalai_smorodinsky  argmin max_i a_i - min_i a_i,
                     a_i = (u_i - d_i)/(best_i - d_i)  NegMAS ks_points
  egalitarian        argmax min_i (u_i - d_i)          NegMAS kalai_points
  utilitarian        argmax sum_i u_i                  NegMAS max_welfare_points
(NegMAS's kalai_points is Kalai's 1977 egalitarian solution, not
Kalai-Smorodinsky; its max_relative_welfare_points maximises the sum of
range-normalised gains and is not used.) Every concept is also recomputed
here from NegMAS's own frontier and utility ranges with the definitions
above; the fixture records the definition's result and its `note` says
whether NegMAS's function agreed. The frontier is likewise re-derived from
all outcome utilities (as evaluated by NegMAS) and must equal NegMAS's.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIOS_ROOT = REPO_ROOT / ".." / "shared" / "scenarios" / "genius"
FIXTURE_DIR = REPO_ROOT / "crates" / "pactum-core" / "tests" / "fixtures" / "negmas"

# Two-party scenarios of varied size (outcome counts from 3 to 390,625).
SCENARIOS = [
    "misc/Laptop",
    "anac/y2010/Travel",
    "anac/y2010/ItexvsCypress",
    "anac/y2010/EnglandZimbabwe",
    "anac/y2011/Amsterdam",
    "anac/y2011/Camera",
    "anac/y2011/NiceOrDie",
    "anac/y2012/CarA",
    "anac/y2012/EnergySmallA",
    "anac/y2012/FiftyFiftyA",
    "anac/y2012/AirportSiteSelectionA",
    "anac/y2012/FitnessA",
    "anac/y2012/SupermarketA",
    "anac/y2012/EnergyA",
    "anac/y2013/Coffee",
    "anac/y2013/Icecream",
    "anac/y2013/Lunch",
    "anac/y2013/DefensiveCharms",
    "anac/y2013/planes",
]

TIE_EPS = 1e-12
DUMMY_ISSUE = "DUMMY_ISSUE"


def r15(x: float) -> float:
    """Round to 15 significant digits (JSON-friendly, exact enough)."""
    return float(f"{x:.15g}")


def vec(v) -> list[float]:
    return [r15(float(x)) for x in v]


# --------------------------------------------------------------------------
# Loading under GENIUS semantics
# --------------------------------------------------------------------------


@dataclass
class GeniusScenario:
    """A scenario loaded by NegMAS with GENIUS-semantics utility functions."""

    folder: Path
    profiles: list[str]  # profile file stems, party order
    issues: list  # NegMAS issues (dummy issues removed)
    ufuns: list  # NegMAS LinearAdditiveUtilityFunction, GENIUS semantics
    reservation_values: list[float | None]
    fixups: list[str] = field(default_factory=list)

    @property
    def outcome_count(self) -> int:
        return math.prod(int(i.cardinality) for i in self.issues)


def _profile_xml_info(path: Path) -> tuple[float | None, dict[str, int]]:
    """Reservation value (None if absent) and integer-issue lower bounds."""
    root = ET.parse(path).getroot()
    res = root.find("reservation")
    rv = None if res is None else float(res.attrib["value"])
    lows = {}
    for iss in root.iter("issue"):
        if iss.attrib.get("type") == "integer" and "lowerbound" in iss.attrib:
            lows[iss.attrib["name"]] = int(iss.attrib["lowerbound"])
    return rv, lows


def load_genius_semantics(folder: Path) -> GeniusScenario:
    """Load `folder` with NegMAS and rebuild its ufuns under GENIUS semantics."""
    from negmas.inout import Scenario
    from negmas.outcomes import make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import (
        AffineFun,
        ConstFun,
        IdentityFun,
        LinearFun,
        TableFun,
    )

    s = Scenario.from_genius_folder(
        folder, ignore_discount=True, ignore_reserved=False, safe_parsing=False
    )
    if s is None:
        raise RuntimeError(f"NegMAS could not load {folder}")
    profile_files = []
    for f in sorted(folder.glob("*.xml")):
        if f.name.endswith("pareto.xml"):
            continue
        if ET.parse(f).getroot().tag == "utility_space":
            profile_files.append(f)
    stems = [f.stem for f in profile_files]
    if [u.name for u in s.ufuns] != stems:
        raise RuntimeError(f"unexpected party order {[u.name for u in s.ufuns]} != {stems}")

    fixups = []
    all_issues = list(s.outcome_space.issues)
    keep = [
        k
        for k, iss in enumerate(all_issues)
        if not (iss.name == DUMMY_ISSUE and int(iss.cardinality) == 1)
    ]
    if len(keep) != len(all_issues):
        fixups.append(
            "dropped NegMAS's DUMMY_ISSUE (issues numbered from 2; NegMAS gave it "
            "the objective's weight and an identity value function, adding a constant)"
        )
    issues = [all_issues[k] for k in keep]
    os_ = make_os(issues, name=s.outcome_space.name)

    ufuns, rvs = [], []
    divided = integer_fixed = False
    for u, pf in zip(s.ufuns, profile_files):
        if not isinstance(u, LinearAdditiveUtilityFunction):
            raise RuntimeError(f"{pf.name}: {type(u).__name__} is not linear additive")
        if getattr(u, "_bias", 0.0):
            raise RuntimeError(f"{pf.name}: unexpected NegMAS bias {u._bias}")
        rv, lows = _profile_xml_info(pf)
        values, weights = [], []
        for k in keep:
            iss, f, w = all_issues[k], u.values[k], float(u.weights[k])
            domain = list(iss.all)
            if iss.is_continuous():
                raise RuntimeError(f"{pf.name}: real issue {iss.name} not supported")
            if isinstance(f, TableFun):
                mapping = dict(f.mapping)
                missing = [v for v in domain if v not in mapping]
                if missing:
                    raise RuntimeError(f"{pf.name}: {iss.name} lacks evaluations for {missing}")
                mx = max(float(mapping[v]) for v in domain)
                if not mx > 0:
                    raise RuntimeError(f"{pf.name}: {iss.name} has no positive evaluation")
                values.append(TableFun(mapping={v: float(mapping[v]) / mx for v in domain}))
                divided = True
            elif isinstance(f, (AffineFun, LinearFun)) and iss.is_integer():
                offset = float(getattr(f, "bias", 0.0) or 0.0)
                slope = float(f.slope)
                lb = lows.get(iss.name, int(iss.min_value))
                values.append(
                    TableFun(
                        mapping={
                            v: min(1.0, max(0.0, offset + slope * (int(v) - lb))) for v in domain
                        }
                    )
                )
                integer_fixed = True
            elif isinstance(f, (ConstFun, IdentityFun)):
                raise RuntimeError(f"{pf.name}: unexpected {type(f).__name__} on {iss.name}")
            else:
                raise RuntimeError(f"{pf.name}: unsupported value function {type(f).__name__}")
            weights.append(w)
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=values,
                weights=weights,
                bias=0.0,
                outcome_space=os_,
                name=u.name,
                reserved_value=float("-inf") if rv is None else rv,
            )
        )
        rvs.append(rv)
    if divided:
        fixups.append("discrete evaluations divided by their issue's largest evaluation")
    if integer_fixed:
        fixups.append("integer evaluators rebuilt as clamp01(offset + slope*(x - lowerbound))")
    if any(r is None for r in rvs):
        fixups.append(
            "profiles without <reservation> get no reservation value (NegMAS assumes 0.0)"
        )
    return GeniusScenario(folder, stems, issues, ufuns, rvs, fixups)


# --------------------------------------------------------------------------
# Analysis with NegMAS
# --------------------------------------------------------------------------


@dataclass
class NegmasResult:
    frontier: list[tuple[float, ...]]
    ranges: list[tuple[float, float]]  # (min, max) per party
    solutions: dict[str, list[tuple[float, ...]]]  # NegMAS functions' answers


def negmas_analysis(sc: GeniusScenario) -> NegmasResult:
    """Frontier and bargaining points exactly as NegMAS computes them."""
    from negmas.preferences.ops import (
        kalai_points,
        ks_points,
        max_welfare_points,
        nash_points,
        pareto_frontier,
    )

    frontier, _ = pareto_frontier(sc.ufuns, issues=sc.issues, sort_by_welfare=True)
    frontier = [tuple(float(x) for x in p) for p in frontier]
    ranges = [tuple(float(x) for x in u.minmax(above_reserve=False)) for u in sc.ufuns]
    kw = dict(ranges=ranges, eps=TIE_EPS)
    sols = {
        "nash": nash_points(sc.ufuns, frontier, **kw),
        "kalai_smorodinsky": ks_points(sc.ufuns, frontier, **kw),
        "egalitarian": kalai_points(sc.ufuns, frontier, **kw),
        "utilitarian": max_welfare_points(sc.ufuns, frontier, **kw),
    }
    sols = {k: [tuple(float(x) for x in p) for p, _ in v] for k, v in sols.items()}
    return NegmasResult(frontier, ranges, sols)


# --------------------------------------------------------------------------
# Independent recomputation with the definitions above
# --------------------------------------------------------------------------


def all_points(sc: GeniusScenario) -> list[tuple[float, ...]]:
    """Every outcome's utility vector, evaluated by NegMAS's ufuns."""
    domains = [list(i.all) for i in sc.issues]
    return [tuple(float(u(o)) for u in sc.ufuns) for o in itertools.product(*domains)]


def frontier_by_definition(points, rvs) -> list[tuple[float, ...]]:
    """Rational outcomes no other rational outcome weakly dominates (unique vectors)."""
    lo = [(-math.inf if r is None else r) for r in rvs]
    rational = {p for p in points if all(x >= l for x, l in zip(p, lo))}
    n = len(rvs)
    if n == 2:
        out, best1 = [], -math.inf
        for p in sorted(rational, key=lambda p: (-p[0], -p[1])):
            if p[1] > best1:
                out.append(p)
                best1 = p[1]
        return out
    pts = sorted(rational, key=lambda p: tuple(-x for x in p))
    out = []
    for p in pts:
        if not any(all(a >= b for a, b in zip(q, p)) and q != p for q in out):
            out.append(p)
    return out


def disagreement(rvs, ranges) -> list[float]:
    return [lo if (r is None or r < lo) else r for r, (lo, _) in zip(rvs, ranges)]


def solutions_by_definition(frontier, rvs, ranges) -> dict[str, list[tuple[float, ...]]]:
    d = disagreement(rvs, ranges)
    best = [hi for _, hi in ranges]

    def argbest(score, maximise=True):
        if not frontier:
            return []
        vals = [score(p) for p in frontier]
        if maximise:
            m = max(vals)
            return [p for p, v in zip(frontier, vals) if v >= m - TIE_EPS]
        m = min(vals)
        return [p for p, v in zip(frontier, vals) if v <= m + TIE_EPS]

    def ks(p):
        a = [(u - di) / (b - di) for u, di, b in zip(p, d, best)]
        return max(a) - min(a)

    return {
        "nash": argbest(lambda p: math.prod(u - di for u, di in zip(p, d))),
        "kalai_smorodinsky": argbest(ks, maximise=False),
        "egalitarian": argbest(lambda p: min(u - di for u, di in zip(p, d))),
        "utilitarian": argbest(lambda p: sum(p)),
    }


def sort_vectors(vs) -> list[tuple[float, ...]]:
    return sorted(vs, key=lambda p: tuple(-x for x in p))


def same_vectors(a, b, tol=0.0) -> bool:
    a, b = sort_vectors(a), sort_vectors(b)
    return len(a) == len(b) and all(
        all(abs(x - y) <= tol for x, y in zip(p, q)) for p, q in zip(a, b)
    )


# --------------------------------------------------------------------------
# Fixture
# --------------------------------------------------------------------------


def build_fixture(rel: str, root: Path) -> dict:
    import negmas

    sc = load_genius_semantics(root / rel)
    res = negmas_analysis(sc)
    pts = all_points(sc)
    if len(pts) != sc.outcome_count:
        raise RuntimeError(f"{rel}: enumerated {len(pts)} != {sc.outcome_count}")
    mins = [min(p[i] for p in pts) for i in range(len(sc.ufuns))]
    maxs = [max(p[i] for p in pts) for i in range(len(sc.ufuns))]
    notes = [
        f"Computed with NegMAS {negmas.__version__} under GENIUS semantics: "
        + "; ".join(sc.fixups)
        + "; discounting ignored."
    ]
    for i, (lo, hi) in enumerate(res.ranges):
        if abs(lo - mins[i]) > 1e-12 or abs(hi - maxs[i]) > 1e-12:
            raise RuntimeError(f"{rel}: NegMAS minmax {res.ranges[i]} != {(mins[i], maxs[i])}")

    own_frontier = frontier_by_definition(pts, sc.reservation_values)
    if not same_vectors(own_frontier, res.frontier):
        raise RuntimeError(
            f"{rel}: NegMAS frontier ({len(res.frontier)} points) differs from the "
            f"definition ({len(own_frontier)} points)"
        )
    notes.append(
        "Frontier: NegMAS pareto_frontier over rational outcomes; identical to a "
        "direct recomputation from all outcome utilities."
    )
    own = solutions_by_definition(res.frontier, sc.reservation_values, res.ranges)
    funcs = {
        "nash": "nash_points",
        "kalai_smorodinsky": "ks_points",
        "egalitarian": "kalai_points",
        "utilitarian": "max_welfare_points",
    }
    agree, differ = [], []
    for k, fn in funcs.items():
        if same_vectors(own[k], res.solutions[k]):
            agree.append(f"{k} = NegMAS {fn}")
        else:
            differ.append(
                f"{k}: NegMAS {fn} gave {[vec(p) for p in sort_vectors(res.solutions[k])]}, "
                f"the definition gives {[vec(p) for p in sort_vectors(own[k])]} (fixture uses the definition)"
            )
    if agree:
        notes.append("Solutions agree with the definitions: " + ", ".join(agree) + ".")
    if differ:
        notes.append("Differences from NegMAS: " + "; ".join(differ) + ".")
    d = disagreement(sc.reservation_values, res.ranges)
    notes.append(
        "Disagreement point used: " + str(vec(d)) + " (reservation value, or minimum "
        "utility when absent or below it); ties within 1e-12 kept."
    )

    return {
        "scenario": rel,
        "negmas_version": negmas.__version__,
        "profiles": sc.profiles,
        "outcome_count": sc.outcome_count,
        "reservation_values": [None if r is None else r15(r) for r in sc.reservation_values],
        "max_utilities": vec(maxs),
        "min_utilities": vec(mins),
        "frontier": [vec(p) for p in sort_vectors(res.frontier)],
        "nash": [vec(p) for p in sort_vectors(own["nash"])],
        "kalai_smorodinsky": [vec(p) for p in sort_vectors(own["kalai_smorodinsky"])],
        "egalitarian": [vec(p) for p in sort_vectors(own["egalitarian"])],
        "utilitarian": [vec(p) for p in sort_vectors(own["utilitarian"])],
        "note": " ".join(notes),
    }


def dump_fixture(fx: dict) -> str:
    """JSON with one utility vector per line (readable diffs)."""
    lines = []
    for k, v in fx.items():
        if isinstance(v, list) and v and isinstance(v[0], list):
            body = ",\n".join("  " + json.dumps(p) for p in v)
            lines.append(f' "{k}": [\n{body}\n ]')
        else:
            lines.append(f" {json.dumps(k)}: {json.dumps(v)}")
    text = "{\n" + ",\n".join(lines) + "\n}\n"
    assert json.loads(text) == fx
    return text


def fixture_name(rel: str) -> str:
    return rel.strip("/").replace("/", "__") + ".json"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--scenarios-root",
        type=Path,
        default=DEFAULT_SCENARIOS_ROOT,
        help="folder holding the GENIUS scenarios (default: ../shared/scenarios/genius "
        "relative to the repository root)",
    )
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
            f"{rel}: {fx['outcome_count']} outcomes, frontier {len(fx['frontier'])}, "
            f"{time.perf_counter() - t0:.1f}s -> {path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
