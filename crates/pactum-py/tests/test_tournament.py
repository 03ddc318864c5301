import json
import subprocess

import pytest

import pactum
from conftest import EXAMPLES
from test_negotiate import Greedy


def test_rows_equal_the_cli_and_do_not_depend_on_jobs(car, cli, tmp_path):
    strategies = ["boulware", "linear", "conceder"]
    one = pactum.tournament([car], strategies, reps=2, seed=5, jobs=1)
    two = pactum.tournament([car], strategies, reps=2, seed=5, jobs=2)
    assert one == two and len(one) == 12
    cli_rows = []
    try:
        cli("tournament", "--scenarios", EXAMPLES / "car-purchase.toml", "--strategies",
            ",".join(strategies), "--reps", 2, "--seed", 5, "--out", tmp_path, "--quiet")
    except json.JSONDecodeError:
        pass  # the command prints a summary, not JSON
    with open(tmp_path / "negotiations.jsonl") as f:
        cli_rows = [json.loads(line) for line in f]
    for row in cli_rows:
        row["scenario"] = car.label
    assert one == cli_rows


def test_python_strategies_play_by_class_name(car):
    class Named(Greedy):
        name = "greedy-0.7"

    rows = pactum.tournament([car], ["boulware", Greedy, Named], seed=1, jobs=1)
    names = {r["strategy_a"] for r in rows} | {r["strategy_b"] for r in rows}
    assert names == {"boulware", "Greedy", "greedy-0.7"}
    assert rows == pactum.tournament([car], ["boulware", Greedy, Named], seed=1, jobs=2)


def test_a_plan_is_played_in_any_split(car):
    plan = pactum._tournament_plan([car], ["boulware", "linear", Greedy], reps=2, seed=9)
    whole = pactum._run_batch(plan, 0, plan.negotiations)
    parts = [row for k in range(0, plan.negotiations, 5)
             for row in pactum._run_batch(plan, k, min(k + 5, plan.negotiations))]
    assert whole == parts and [r["id"] for r in whole] == list(range(plan.negotiations))
    with pytest.raises(ValueError):
        pactum._run_batch(plan, 3, plan.negotiations + 1)


def test_only_the_local_executor_exists(car):
    with pytest.raises(ValueError, match="'local'"):
        pactum.tournament([car], ["boulware", "linear"], executor="ray")
