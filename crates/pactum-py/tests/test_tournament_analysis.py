"""``pactum.tournament(...).analysis()``: the statistics of the rows, equal to
the ``analysis.json`` that ``pactum tournament --analysis`` writes for the
same tournament."""

import json

import pytest

import pactum
from conftest import EXAMPLES

STRATEGIES = ["boulware", "conceder", "random"]


def play(car):
    return pactum.tournament([car], STRATEGIES, reps=2, seed=5, jobs=1, steps=40,
                             self_play=True)


def test_analysis_equals_the_cli(car, cli, tmp_path):
    rows = play(car)
    assert isinstance(rows, pactum.TournamentRows) and isinstance(rows, list)
    assert rows.strategies == STRATEGIES
    analysis = rows.analysis()
    try:
        cli("tournament", "--scenarios", EXAMPLES / "car-purchase.toml", "--strategies",
            ",".join(STRATEGIES), "--self-play", "--steps", 40, "--reps", 2, "--seed", 5,
            "--out", tmp_path, "--quiet", "--analysis")
    except json.JSONDecodeError:
        pass  # the command prints a report, not JSON
    with open(tmp_path / "analysis.json") as f:
        assert analysis == json.load(f)
    assert analysis["measure"] == "utility"
    assert analysis["strategies"] == STRATEGIES
    assert len(analysis["payoff"]) == 3 and len(analysis["tests"]) == 3
    assert abs(sum(analysis["replicator"]["shares"]) - 1.0) < 1e-9
    # The mean of a cell, by hand from the rows.
    scores = [r["utility_a"] for r in rows
              if (r["strategy_a"], r["strategy_b"]) == ("boulware", "conceder")]
    scores += [r["utility_b"] for r in rows
               if (r["strategy_b"], r["strategy_a"]) == ("boulware", "conceder")]
    cell = analysis["payoff"][0][1]
    assert cell["n"] == len(scores)
    assert abs(cell["mean"] - sum(scores) / len(scores)) < 1e-12


def test_options_and_refusals(car):
    rows = play(car)
    advantage = rows.analysis(measure="advantage", confidence=0.9)
    assert advantage["measure"] == "advantage" and advantage["confidence"] == 0.9
    assert advantage["payoff"] != rows.analysis()["payoff"]
    with pytest.raises(ValueError, match="unknown measure"):
        rows.analysis(measure="score")
    with pytest.raises(ValueError, match="confidence"):
        rows.analysis(confidence=1.5)
    with pytest.raises(pactum.PactumError, match="discounted_utility"):
        rows.analysis(measure="discounted_utility")
    # A copy keeps its rows but not the tournament: build one explicitly.
    again = pactum.TournamentRows(list(rows), STRATEGIES)
    assert again.analysis() == rows.analysis()
    with pytest.raises(pactum.PactumError, match="at least two"):
        pactum.TournamentRows(list(rows), ["boulware"]).analysis()
