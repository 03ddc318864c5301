"""``pactum.negmas``: NegMAS scenarios and negotiators in Pactum (needs
NegMAS, tested with 0.16): ``to_negmas``, ``from_negmas`` (linear-additive
scenarios both ways) and ``NegmasNegotiator`` (any NegMAS SAO negotiator in
``pactum.negotiate`` and, through ``NegmasNegotiator.of``, in
``pactum.tournament`` and ``pactum.league``, where its ``opponent_ufun``
is its opponent model). See docs/python.md.

Rules kept here:

* Conversions keep every outcome's utility. ``to_negmas`` writes each
  issue's values as a ``TableFun`` of the numbers Pactum evaluates (GENIUS
  semantics: weights as written, discrete evaluations divided by their
  issue's largest, no constant term), summed in Pactum's order.
  ``from_negmas`` divides each value function by its largest value and
  multiplies the weight by it. NegMAS's GENIUS reader differs, and
  ``from_negmas(genius=True)`` undoes it: it keeps raw evaluations, and
  inserts a one-valued ``DUMMY_ISSUE`` adding a constant when a domain
  numbers its issues from 2 (it also gives a profile without a reservation
  value 0.0, which cannot be told apart afterwards).
* What cannot be converted is refused with a message naming the party and
  issue: red lines and hyper-rectangle utilities towards NegMAS; functions
  that are not linear additive, constant terms, negative weights or values
  from NegMAS. A real issue becomes a NegMAS issue of its grid points;
  discount factors travel in ``info["discount_factors"]`` (applied only with
  ``to_negmas(discount=True)``).
* A NegMAS negotiator sees what NegMAS's ``SAOMechanism`` (default
  settings) would show it: its utility function (built from ``info``), an
  NMI of the same outcome space and step count, relative time
  (step + 1) / (n_steps + 1), the standing offer and its proposer, and the
  callbacks (negotiation start and end, round start and end, partner
  proposals and responses) in NegMAS's order. ACCEPT_OFFER is "accept";
  REJECT_OFFER with an offer is "reject" then that offer; LEAVE is "leave"
  with three or more negotiators; anything else (END_NEGOTIATION, no
  offer, NO_RESPONSE, WAIT: NegMAS ends on the first two by default,
  Pactum's protocol has no move for the others) is "end".
* Randomness is seeded: Python's ``random`` and NumPy's global generator,
  which NegMAS agents draw from, are seeded before every negotiation.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

try:
    from negmas.gb.common import ResponseType
    from negmas.gb.negotiators.base import GBNegotiator
    from negmas.inout import Scenario as NegmasScenario
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.discounted import ExpDiscountedUFun
    from negmas.preferences.value_fun import AffineFun, ConstFun, IdentityFun, LinearFun, TableFun

    from ._negmas_mirror import Mirror, Outcomes, outcome_space, plain, seed_generators
except ImportError as _e:  # pragma: no cover - depends on the environment
    raise ImportError(
        "pactum.negmas needs NegMAS, which is not installed: `pip install negmas` "
        f"(tested with negmas 0.16) ({_e})"
    ) from _e

import numpy as np

from . import Negotiator, Scenario

__all__ = ["NegmasNegotiator", "from_negmas", "to_negmas"]

DUMMY_ISSUE = "DUMMY_ISSUE"
"""The name of the one-valued issue NegMAS's GENIUS reader inserts."""

TABLE_LIMIT = 1_000_000
"""Most values an integer or real issue may have to be written as a table."""


# --------------------------------------------------------------------------
# Pactum -> NegMAS
# --------------------------------------------------------------------------


def _value_fun(party: str, issue: Any, spec: Dict[str, Any], f: Any):
    """The NegMAS value function of one party's value function ``f`` on one
    issue (``spec``: the issue as ``to_dict`` writes it). A numeric
    function becomes the table of the values Pactum itself evaluates (a
    one-issue scenario of weight 1 gives them bit for bit)."""
    domain = [plain(v, issue.kind) for v in issue.values]
    if f is None:
        return TableFun(mapping={v: 0.0 for v in domain})
    if issue.kind == "discrete":
        return TableFun(mapping={v: float(f[v]) for v in domain})
    if f.get("type") == "constant":
        return ConstFun(bias=float(f["value"]))
    if len(domain) > TABLE_LIMIT:
        raise ValueError(
            f"party {party!r}, issue {issue.name!r}: {len(domain)} values are too many "
            f"to write as a NegMAS table (at most {TABLE_LIMIT})"
        )
    one = Scenario.from_dict(
        {"name": "value", "issues": [spec],
         "parties": [{"name": "p", "weights": {issue.name: 1.0}, "values": {issue.name: f}}]}
    )
    return TableFun(mapping={v: one.utility("p", {issue.name: v}) for v in domain})


def to_negmas(scenario: Scenario, *, discount: bool = False) -> "NegmasScenario":
    """The scenario as a NegMAS ``Scenario``: one NegMAS issue per issue (a
    real issue as its grid points) and, for every negotiator, a
    ``LinearAdditiveUtilityFunction`` (named after the party, reserved
    value its reservation value or -inf without one) whose utility of
    every outcome is Pactum's. Discount factors are listed in
    ``info["discount_factors"]``; with ``discount=True`` a party with one
    below 1 gets NegMAS's ``ExpDiscountedUFun`` on relative time instead
    (GENIUS's u * d^t). Raises ``ValueError`` naming the party for red
    lines and nonlinear (hyper-rectangle) utilities, which NegMAS's
    linear-additive functions cannot express."""
    d = scenario.to_dict()
    issues = scenario.issues
    os_ = outcome_space(issues, name=scenario.name)
    ufuns, factors = [], {}
    for p in d["parties"]:
        if p.get("role", "negotiator") != "negotiator":
            continue
        name = p["name"]
        if "hyper_rectangles" in p:
            raise ValueError(
                f"party {name!r}: hyper-rectangle (nonlinear) utilities have no "
                "NegMAS linear-additive equivalent"
            )
        if p.get("red_lines"):
            raise ValueError(
                f"party {name!r}: red lines (forbidden values) have no NegMAS "
                "linear-additive equivalent; remove them to convert"
            )
        weights = p.get("weights", {})
        values = p.get("values", {})
        ufun = LinearAdditiveUtilityFunction(
            values=[
                _value_fun(name, i, spec, values.get(i.name)) for i, spec in zip(issues, d["issues"])
            ],
            weights=[float(weights.get(i.name, 0.0)) for i in issues],
            bias=0.0,
            outcome_space=os_,
            name=name,
            reserved_value=float(p.get("reservation", -math.inf)),
        )
        df = p.get("discount_factor")
        if df is not None:
            factors[name] = df
            if discount and df < 1.0:
                ufun = ExpDiscountedUFun(
                    ufun=ufun,
                    discount=df,
                    factor="relative_time",
                    name=name,
                    reserved_value=ufun.reserved_value,
                    outcome_space=os_,
                )
        ufuns.append(ufun)
    info = {"pactum_label": scenario.label, "discount_factors": factors}
    return NegmasScenario(outcome_space=os_, ufuns=tuple(ufuns), name=scenario.name, info=info)


# --------------------------------------------------------------------------
# NegMAS -> Pactum
# --------------------------------------------------------------------------


def _pactum_issue(issue: Any, levels: int) -> Tuple[Dict[str, Any], List[Any], str]:
    """The native issue of a NegMAS issue, the NegMAS values of its Pactum
    values (in order), and its kind."""
    name = issue.name
    if issue.is_continuous():
        lo, hi = float(issue.min_value), float(issue.max_value)
        n = max(int(levels), 1)
        grid = [lo if n == 1 else (hi if k == n - 1 else lo + (hi - lo) * k / (n - 1)) for k in range(n)]
        return {"name": name, "type": "real", "min": lo, "max": hi, "levels": n}, grid, "real"
    values = list(issue.all)
    numeric = all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values)
    if numeric and values:
        n, lo, hi = len(values), float(values[0]), float(values[-1])
        if all(float(v).is_integer() for v in values) and [int(v) for v in values] == list(
            range(int(lo), int(lo) + n)
        ):
            return {"name": name, "type": "integer", "min": int(lo), "max": int(hi)}, values, "integer"
        grid = [hi if k == n - 1 else lo + (hi - lo) * k / (n - 1) for k in range(n)] if n > 1 else [lo]
        if hi > lo and all(abs(float(v) - g) <= 1e-9 * max(1.0, abs(g)) for v, g in zip(values, grid)):
            return {"name": name, "type": "real", "min": lo, "max": hi, "levels": n}, values, "real"
    options = [str(v) for v in values]
    if len(set(options)) != len(options):
        raise ValueError(f"issue {name!r}: its values {values!r} are not distinct as text")
    return {"name": name, "options": options}, values, "discrete"


def _base_ufun(u: Any, where: str) -> Tuple[Any, Optional[float]]:
    """The linear-additive function under a discounted one, and its discount factor."""
    if isinstance(u, ExpDiscountedUFun):
        if u.factor != "relative_time" or u.discount is None:
            raise ValueError(
                f"{where}: only discounting on relative time (GENIUS's u * d^t) converts, "
                f"not factor {u.factor!r}"
            )
        inner, _ = _base_ufun(u.ufun, where)
        return inner, float(u.discount)
    if not isinstance(u, LinearAdditiveUtilityFunction):
        raise ValueError(
            f"{where}: {type(u).__name__} is not a LinearAdditiveUtilityFunction; only "
            "linear-additive utility functions convert"
        )
    return u, None


def _native_values(fun: Any, points: List[Any], kind: str, issue: Dict[str, Any], scale: float):
    """Pactum's value function for NegMAS's ``fun`` divided by ``scale``."""
    if kind == "discrete":
        return {o: float(fun(v)) / scale for o, v in zip(issue["options"], points)}
    lo = issue["min"]
    if isinstance(fun, (AffineFun, LinearFun, IdentityFun)):
        slope = 1.0 if isinstance(fun, IdentityFun) else fun.slope
        return {"type": "linear", "slope": float(slope) / scale, "offset": float(fun(lo)) / scale}
    if isinstance(fun, ConstFun):
        return {"type": "constant", "value": float(fun(lo)) / scale}
    return {"type": "piecewise_linear", "points": [[float(x), float(fun(x)) / scale] for x in points]}


def from_negmas(
    scenario: Any, *, genius: bool = False, levels: int = 11, name: Optional[str] = None
) -> Scenario:
    """A NegMAS scenario (``negmas.inout.Scenario``, or anything with
    ``outcome_space`` and ``ufuns``) with linear-additive utility functions
    as a Pactum ``Scenario``, one negotiator per utility function (named
    after it, else "party 1", ...).

    By default every outcome keeps the utility NegMAS gives it: each
    issue's value function is divided by its largest value and its weight
    multiplied by that value (Pactum's values lie in [0, 1]). NegMAS's
    ``DUMMY_ISSUE`` stays a one-option issue carrying its constant.

    ``genius=True`` reads the scenario as NegMAS's GENIUS reader left it and
    gives the utilities GENIUS (and ``pactum.load`` of the same folder)
    gives: discrete evaluations divided by their issue's largest, weights as
    written, the ``DUMMY_ISSUE`` dropped. (NegMAS's reservation value 0.0
    for a profile that has none is kept: the reader cannot tell it apart.)

    Discount factors come from discounted utility functions
    (``ExpDiscountedUFun`` on relative time) or ``info["discount_factors"]``
    (as ``to_negmas`` writes them). Continuous NegMAS issues become real
    issues of ``levels`` grid points.
    Raises ``ValueError`` naming the utility function and issue for what
    Pactum's additive utilities cannot hold: a constant term, negative
    weights or values, functions that are not linear additive."""
    os_ = scenario.outcome_space
    nissues = list(os_.issues)
    keep = [
        k
        for k, i in enumerate(nissues)
        if not (genius and i.name == DUMMY_ISSUE and int(i.cardinality) == 1)
    ]
    converted = [_pactum_issue(nissues[k], levels) for k in keep]
    factors = (getattr(scenario, "info", None) or {}).get("discount_factors", {})
    parties = []
    for n, u in enumerate(scenario.ufuns):
        pname = getattr(u, "name", None) or f"party {n + 1}"
        if any(pname == p["name"] for p in parties) or not isinstance(pname, str):
            pname = f"party {n + 1}"
        where = f"utility function {pname!r}"
        base, df = _base_ufun(u, where)
        bias = float(getattr(base, "_bias", 0.0) or 0.0)
        if bias != 0.0:
            raise ValueError(f"{where}: a constant term (bias {bias}) has no Pactum equivalent")
        weights, values = {}, {}
        for k, (issue, points, kind) in zip(keep, converted):
            fun, w = base.values[k], float(base.weights[k])
            at = f"{where}, issue {issue['name']!r}"
            evals = [float(fun(x)) for x in points]
            if any(math.isnan(e) for e in evals) or not math.isfinite(w):
                raise ValueError(f"{at}: undefined value or weight")
            low, top = min(evals), max(evals)
            if w < 0 or low < 0:
                raise ValueError(
                    f"{at}: negative weight ({w}) or value ({low}): Pactum's additive "
                    "utilities have non-negative weights and values in [0, 1]"
                )
            scale = top if top > 0 else 1.0
            if genius and kind != "discrete" and top <= 1.0:
                scale = 1.0
            weights[issue["name"]] = w if genius else w * scale
            values[issue["name"]] = _native_values(fun, points, kind, issue, scale)
        party: Dict[str, Any] = {"name": pname, "role": "negotiator", "weights": weights, "values": values}
        rv = getattr(base, "reserved_value", None)
        if rv is not None and math.isfinite(float(rv)):
            party["reservation"] = float(rv)
        df = factors.get(pname) if df is None else df
        if df is not None:
            party["discount_factor"] = float(df)
        parties.append(party)
    doc = {
        "name": name or getattr(scenario, "name", None) or getattr(os_, "name", None) or "NegMAS scenario",
        "issues": [c[0] for c in converted],
        "parties": parties,
    }
    return Scenario.from_dict(doc, label=f"<NegMAS {doc['name']}>")


# --------------------------------------------------------------------------
# NegMAS negotiators in Pactum's mechanism
# --------------------------------------------------------------------------


def _package(text: str, outcomes: Outcomes) -> Dict[str, str]:
    """A tournament row's ``package`` ("issue=value; ...", issues in order)
    as issue -> value text."""
    out, rest = {}, text
    names = outcomes.names
    for k, n in enumerate(names):
        if not rest.startswith(f"{n}="):
            raise ValueError(f"package {text!r} does not name issue {n!r} where expected")
        rest = rest[len(n) + 1 :]
        cut = rest.find(f"; {names[k + 1]}=") if k + 1 < len(names) else len(rest)
        out[n], rest = rest[:cut], rest[cut + 2 :]
    return out


def _end_of(result: Any, mirror: Mirror) -> Tuple[Optional[Dict[str, Any]], str]:
    """The agreement and the kind of end of a ``Result`` or a tournament row."""
    if not isinstance(result, dict):
        return result.agreement, result.end["kind"]
    kind = str(result.get("end"))
    if not result.get("agreement"):
        return None, kind
    texts = _package(str(result.get("package")), mirror.outcomes)
    agreement = {}
    for issue in mirror.m.outcome_space.issues:
        t = texts[issue.name]
        # the value written, else (a rounded number) the nearest value
        agreement[issue.name] = min(
            issue.all,
            key=lambda v: (str(v) != t, abs(float(v) - float(t)) if issue.is_numeric() else 0),
        )
    return agreement, kind


class NegmasNegotiator(Negotiator):
    """A NegMAS SAO negotiator (NegMAS's own, negmas-genius-agents', or any
    ``SAONegotiator``) playing a seat in ``pactum.negotiate``.

    ``negotiator``: the NegMAS negotiator (one negotiation at a time; its
    preferences are replaced by the seat's). ``name``: its name in results
    (default: its class name). ``seed``: seeds Python's and NumPy's global
    generators before the negotiation (None: leave them alone).

    For ``pactum.tournament``, which takes classes, use
    ``NegmasNegotiator.of(BoulwareTBNegotiator, **kwargs)``."""

    def __init__(self, negotiator: Any, *, name: Optional[str] = None, seed: Optional[int] = 0):
        if not isinstance(negotiator, GBNegotiator):
            raise TypeError(
                f"{negotiator!r} is not a NegMAS negotiator SAOMechanism takes (negmas.sao.SAONegotiator or negmas.gb.GBNegotiator)"
            )
        self.negotiator = negotiator
        self.name = name or type(negotiator).__name__
        self.seed = seed
        self._mirror: Optional[Mirror] = None

    @classmethod
    def of(
        cls, negotiator_class: type, *, name: Optional[str] = None, seed: Optional[int] = 0, **kwargs: Any
    ) -> type:
        """A ``pactum.Negotiator`` subclass, named after the NegMAS class (or
        ``name``), whose every instance plays a new
        ``negotiator_class(**kwargs)``."""
        if not (isinstance(negotiator_class, type) and issubclass(negotiator_class, GBNegotiator)):
            raise TypeError(
                f"{negotiator_class!r} is not a NegMAS negotiator class SAOMechanism takes (negmas.sao.SAONegotiator or negmas.gb.GBNegotiator)"
            )
        label = name or negotiator_class.__name__

        def __init__(self: NegmasNegotiator) -> None:
            if seed is not None:
                seed_generators(seed, label)
            NegmasNegotiator.__init__(self, negotiator_class(**kwargs), name=label, seed=seed)

        return type(
            label,
            (cls,),
            {
                "__init__": __init__,
                "name": label,
                "__module__": __name__,
                "__doc__": f"NegMAS's {negotiator_class.__name__} in Pactum's mechanism.",
            },
        )

    def on_start(self, info: Any) -> None:
        """Builds the utility function and the NMI, and starts the negotiator."""
        self.info = info
        if self.seed is not None:
            seed_generators(self.seed, info.seat, info.name)
        self._mirror = Mirror(self.negotiator, info)

    def respond(self, state: Any, offer: Dict[str, Any]) -> str:
        """The NegMAS negotiator's answer to the standing offer."""
        mirror = self._started()
        mirror.catch_up(state)
        mirror.pending = None
        return mirror.answer(*mirror.act())

    def propose(self, state: Any) -> Dict[str, Any]:
        """The counter-offer made with the last answer, or the first offer."""
        mirror = self._started()
        if mirror.pending is None:
            mirror.catch_up(state)
            kind, outcome = mirror.act()
            if kind != ResponseType.REJECT_OFFER or outcome is None:
                raise RuntimeError(
                    f"{self.name} answered {getattr(kind, 'name', kind)} without an offer when "
                    "asked for one; Pactum's alternating offers has no such move"
                )
            mirror.answer(kind, outcome)
        outcome, mirror.pending = mirror.pending, None
        return mirror.outcomes.to_dict(outcome)

    def opponent_utility(self, outcome: Dict[str, Any]) -> Optional[float]:
        """The NegMAS negotiator's model of its opponent, where it keeps one
        (its ``opponent_ufun``, which NegMAS's ``anl2026`` metric reads), of
        ``outcome``; None without one."""
        model = getattr(self.negotiator, "opponent_ufun", None)
        if model is None or self._mirror is None:
            return None
        u = model(self._mirror.outcomes.to_tuple(outcome))
        return None if u is None else float(u)

    def on_end(self, result: Any) -> None:
        """Tells the NegMAS negotiator how the negotiation ended."""
        if self._mirror is not None:
            agreement, kind = _end_of(result, self._mirror)
            self._mirror.end(agreement, kind)
            self._mirror = None

    def _started(self) -> Mirror:
        if self._mirror is None:
            raise RuntimeError(f"{self.name}: asked to move before on_start")
        return self._mirror
