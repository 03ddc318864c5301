"""``pactum.league``: the settings and scores of the Automated Negotiation
League (``"anl2024"``, ``"anl2026"``) played on scenarios generated from the
seed by whatever ``pactum.tournament`` seats (built-in strategies, the
``llm`` strategy, ``Negotiator`` subclasses) — the command line's
``pactum tournament --league`` (docs/tournaments.md#leagues)."""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Union

from ._pactum import _league

LEAGUES = ("anl2024", "anl2026")


def league(
    strategies: Sequence[Any],
    league: str = "anl2024",
    seed: int = 0,
    *,
    scenarios: Optional[int] = None,
    outcomes: Optional[Tuple[int, int]] = None,
    steps: Optional[Tuple[int, int]] = None,
    reps: Optional[int] = None,
    jobs: Optional[int] = None,
    out: Union[None, str, os.PathLike] = None,
    llm: Optional[Dict[str, Any]] = None,
    progress: Optional[Callable[[int, int], Any]] = None,
) -> Dict[str, Any]:
    """Plays ``league`` with ``strategies`` (built-in names, ``"llm"`` or
    ``Negotiator`` subclasses, as ``pactum.tournament`` takes them) and
    returns a dict: ``league``, ``settings``, ``seed``, ``strategies``, ``scenarios``
    (label, shape, outcomes, deadline), ``summary`` (one dict per strategy:
    mean advantage and, for ``anl2026``, mean concealment and score),
    ``rows`` (one dict per negotiation, as the command line's
    ``negotiations.jsonl``) and ``toml`` (each generated scenario's native
    text, by label). ``scenarios``, ``outcomes`` (low, high), ``steps``
    (low, high) and ``reps`` shrink the league's defaults. With ``out``,
    the league also writes the command line's files there (``league.json``,
    ``negotiations.jsonl``, ``negotiations.csv``, ``summary.csv``,
    ``scenarios/<label>.toml``), keeping its rows in
    ``negotiations.jsonl.partial`` while it plays, so that running it again
    after an interruption plays only the negotiations that file lacks. The
    same seed gives the same result whatever ``jobs`` (threads for built-in
    strategies; beside a ``Negotiator`` subclass the negotiations play one
    at a time on this thread). ``llm``: the model the ``llm`` strategy
    plays through, as for ``pactum.tournament``. ``progress``: a callable
    ``(done, total)`` told how far the league is, in increasing ``done``
    (from the rows kept, when resuming, to ``total``); an exception it
    raises stops the league at once beside a ``Negotiator`` subclass, and
    with built-in strategies only (played in parallel) once every
    negotiation has played, before any file but the partial one is
    written.

    A ``Negotiator`` subclass is instantiated afresh for each negotiation;
    for ``anl2026`` its ``opponent_utility(outcome)``, where it defines one,
    is its model of the opponent, asked over the outcomes once the
    negotiation is over; ``on_end`` then receives the league's row, with
    the agreement's ``package`` as a tournament row has it."""
    if league not in LEAGUES:
        raise ValueError(f"unknown league {league!r}; leagues: {', '.join(LEAGUES)}")
    if progress is not None and not callable(progress):
        raise TypeError("progress must be a callable (done, total)")
    return _league(
        league, list(strategies), seed=seed, scenarios=scenarios,
        outcomes=outcomes, steps=steps, reps=reps, jobs=jobs, llm=llm,
        out=None if out is None else os.fspath(out), progress=progress,
    )
