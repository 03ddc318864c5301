"""``pactum.tournament``: plays every negotiation of a tournament plan and
returns its rows. The plan (``_tournament_plan``) numbers the negotiations
0..N and ``_run_batch`` plays a range of them; an executor only decides
where ranges are played, never what they give."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from ._pactum import _run_batch, _tournament_plan

EXECUTORS = ("local",)


def tournament(
    scenarios: Sequence[Any],
    strategies: Sequence[Any],
    reps: int = 1,
    seed: int = 0,
    executor: str = "local",
    jobs: Optional[int] = None,
    *,
    steps: int = 100,
    self_play: bool = False,
    discount: str = "scenario",
) -> List[Dict[str, Any]]:
    """Plays every assignment of ``strategies`` (built-in names or
    ``Negotiator`` subclasses) to the seats of every scenario, ``reps``
    times, and returns one row per negotiation, as the command line's
    ``negotiations.jsonl`` holds them. The same seed gives the same rows
    whatever ``jobs`` (threads for built-in strategies; default every core)."""
    if executor not in EXECUTORS:
        raise ValueError(
            f"executor {executor!r}: expected one of {', '.join(repr(e) for e in EXECUTORS)}"
        )
    if jobs is not None and jobs < 1:
        raise ValueError("jobs must be at least 1 (or None for every core)")
    plan = _tournament_plan(
        list(scenarios),
        list(strategies),
        steps=steps,
        reps=reps,
        seed=seed,
        self_play=self_play,
        discount=discount,
    )
    return _run_batch(plan, 0, plan.negotiations, jobs)
