"""``pactum.tournament``: plays every negotiation of a tournament plan and
returns its rows. The plan (``_tournament_plan``) numbers the negotiations
0..N and ``_run_batch`` plays a range of them; an executor only decides
where ranges are played, never what they give: ``"local"`` plays them in
this process, ``"ray"`` as Ray tasks (``_ray``). The rows come back as a
``TournamentRows`` list, whose ``analysis()`` gives their statistics (the
command line's ``analysis.json``)."""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from ._pactum import _run_batch, _tournament_analysis, _tournament_plan

EXECUTORS = ("local", "ray")


class TournamentRows(list):
    """A tournament's rows (one dict per negotiation, as the command line's
    ``negotiations.jsonl`` holds them), in negotiation order, knowing the
    tournament's strategies (``strategies``, in the order given)."""

    def __init__(self, rows: Sequence[Dict[str, Any]], strategies: Sequence[str]):
        super().__init__(rows)
        self.strategies = list(strategies)

    def analysis(
        self,
        measure: str = "utility",
        confidence: float = 0.95,
        alpha: float = 0.05,
        survival: float = 0.001,
    ) -> Dict[str, Any]:
        """The statistics of these rows, equal to the ``analysis.json`` of
        ``pactum tournament --analysis`` (docs/tournaments.md#analysis):
        the payoff table with ``confidence`` t-intervals, rank-sum tests with
        Holm and Benjamini-Hochberg adjustments at ``alpha``, Nash averaging,
        regret, replicator dynamics (survivors above ``survival``) and the
        rankings, each seat scored by ``measure`` (``"utility"``,
        ``"advantage"`` or ``"discounted_utility"``)."""
        lines = [json.dumps(row) for row in self]
        return _tournament_analysis(
            self.strategies, lines, measure=measure, confidence=confidence,
            alpha=alpha, survival=survival,
        )


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
    address: Optional[str] = None,
    batch_size: Optional[int] = None,
    progress: Union[None, bool, Callable[[int, int], Any]] = None,
    checkpoint: Union[None, str, os.PathLike] = None,
    llm: Optional[Dict[str, Any]] = None,
) -> TournamentRows:
    """Plays every assignment of ``strategies`` (built-in names or
    ``Negotiator`` subclasses) to the seats of every scenario, ``reps``
    times, and returns one row per negotiation, as the command line's
    ``negotiations.jsonl`` holds them (a ``TournamentRows`` list, whose
    ``analysis()`` gives the tournament's statistics). The same seed gives the same rows
    whatever ``jobs`` (threads for built-in strategies; default every core)
    and whatever the executor.

    ``executor="ray"`` plays batches of ``batch_size`` negotiations (None:
    picked by timing a few) as Ray tasks of ``jobs`` threads each (default
    1), on the Ray cluster at ``address`` (default: a local Ray) unless Ray
    is already initialised. ``progress``: a bar on stderr (None or True), a
    callable ``(done, total)``, or False. ``checkpoint``: a JSON Lines file
    that receives each finished batch; running again with the same
    arguments plays only the batches it lacks. These four options belong to
    the Ray executor. ``llm``: the model the ``llm`` strategy plays
    through, as for ``pactum.negotiate`` (``url``, ``model``, ``format``,
    ``cache``, ``fallback``)."""
    if executor not in EXECUTORS:
        raise ValueError(
            f"executor {executor!r}: expected one of {', '.join(repr(e) for e in EXECUTORS)}"
        )
    if jobs is not None and jobs < 1:
        raise ValueError("jobs must be at least 1 (or None for every core)")
    scenarios, strategies = list(scenarios), list(strategies)
    plan = _tournament_plan(
        scenarios,
        strategies,
        steps=steps,
        reps=reps,
        seed=seed,
        self_play=self_play,
        discount=discount,
        llm=llm,
    )
    if executor == "ray":
        from . import _ray

        rows = _ray.run(
            plan,
            scenarios,
            strategies,
            dict(steps=steps, reps=reps, seed=seed, self_play=self_play, discount=discount, llm=llm),
            jobs=jobs,
            address=address,
            batch_size=batch_size,
            progress=True if progress is None else progress,
            checkpoint=checkpoint,
        )
        return TournamentRows(rows, plan.strategies)
    ray_only = {"address": address, "batch_size": batch_size, "checkpoint": checkpoint,
                "progress": progress or None}
    given = [name for name, value in ray_only.items() if value is not None]
    if given:
        raise ValueError(f"{', '.join(given)}: options of executor='ray' only")
    return TournamentRows(_run_batch(plan, 0, plan.negotiations, jobs), plan.strategies)
