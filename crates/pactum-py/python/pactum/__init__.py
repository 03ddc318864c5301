"""Pactum: negotiation analysis and simulation.

Load a scenario (``load``, ``loads``, ``Scenario.from_dict``), analyse it
exactly (``analyze``: the zone of possible agreement, the Pareto frontier,
the fair packages), play negotiations of built-in strategies and negotiators
written in Python (``negotiate``, subclassing ``Negotiator``) and
tournaments of them (``tournament``). See docs/python.md.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from ._pactum import (
    STRATEGIES,
    Analysis,
    Info,
    Issue,
    NegotiationResult,
    Party,
    PactumError,
    PhasedResult,
    Scenario,
    State,
    TournamentPlan,
    __version__,
    _run_batch,
    _tournament_plan,
    analyze,
    load,
    loads,
    negotiate,
)
from ._league import league
from ._tournament import TournamentRows, tournament

Result = NegotiationResult

__all__ = [
    "Analysis",
    "Info",
    "Issue",
    "Negotiator",
    "NegotiationResult",
    "Party",
    "PactumError",
    "PhasedResult",
    "Result",
    "STRATEGIES",
    "Scenario",
    "State",
    "TournamentPlan",
    "TournamentRows",
    "analyze",
    "league",
    "load",
    "loads",
    "negotiate",
    "tournament",
    "__version__",
]


class Negotiator:
    """A negotiator written in Python: subclass it and implement ``propose``
    and ``respond``.

    ``propose(state)`` returns an outcome (a dict issue -> value);
    ``respond(state, offer)`` returns "accept", "reject" (and counter-offer:
    ``propose`` is asked next), "end" (walk away) or, with three or more
    negotiators, "leave". ``on_start(info)`` is called when the negotiator
    takes its seat, ``on_end(result)`` when the negotiation is over.

    ``opponent_utility(outcome)`` is the negotiator's model of its opponent
    (optional): its estimate of the opponent's utility of ``outcome``, any
    scale (only the ranking is read). A league scoring concealment
    (``pactum.league(..., "anl2026")``) asks it over the outcomes once the
    negotiation is over, as it asks a built-in strategy's model; None (the
    default) means no model, and an exception or an answer that is not a
    number stops the league with an error naming it.

    ``name``: the negotiator's name in results (default: the class name).
    """

    name: Optional[str] = None

    def on_start(self, info: Info) -> None:
        """Called once, before the first move: ``info`` holds the seat, the
        negotiator's own utility function, its reservation value and the
        outcome space."""
        self.info = info

    def propose(self, state: State) -> Dict[str, Any]:
        """The next offer."""
        raise NotImplementedError(f"{type(self).__name__}.propose")

    def respond(self, state: State, offer: Dict[str, Any]) -> str:
        """The answer to the standing ``offer``."""
        raise NotImplementedError(f"{type(self).__name__}.respond")

    def opponent_utility(self, outcome: Dict[str, Any]) -> Optional[float]:
        """The estimated opponent's utility of ``outcome`` (a dict issue ->
        value), or None without a model (the default)."""
        return None

    def on_end(self, result: Any) -> None:
        """Called once the negotiation is over (``result``: a ``Result`` from
        ``negotiate``, a row dict in a tournament or a league)."""
