import json

import pytest

import pactum

SMALL = dict(scenarios=3, outcomes=(20, 40), steps=(20, 100), reps=1)


def test_rows_equal_the_cli_and_do_not_depend_on_jobs(cli, tmp_path):
    strategies = ["boulware", "nash-seeker"]
    one = pactum.league(strategies, "anl2026", seed=4, jobs=1, **SMALL)
    two = pactum.league(strategies, "anl2026", seed=4, jobs=2, **SMALL)
    assert one == two
    assert len(one["rows"]) == 3 * 4
    try:
        cli("tournament", "--league", "anl2026", "--strategies", ",".join(strategies),
            "--league-scenarios", 3, "--league-outcomes", "20-40", "--league-steps", "20-100",
            "--reps", 1, "--seed", 4, "--out", tmp_path)
    except json.JSONDecodeError:
        pass  # the command prints a table, not JSON
    with open(tmp_path / "negotiations.jsonl") as f:
        assert [json.loads(line) for line in f] == one["rows"]
    for label, text in one["toml"].items():
        assert (tmp_path / "scenarios" / f"{label}.toml").read_text() == text


def test_scores_follow_from_the_rows(tmp_path):
    result = pactum.league(["conceder", "nash-seeker"], "anl2026", seed=2, out=tmp_path, **SMALL)
    for row in result["rows"]:
        for side in "ab":
            u, r, best = (row[f"{k}_{side}"] for k in ("utility", "reservation", "best"))
            adv = (u - r) / (best - r) if row["agreement"] and best > r else 0.0
            assert row[f"advantage_{side}"] == adv
            assert row[f"score_{side}"] == adv + row[f"concealment_{side}"]
    for s in result["summary"]:
        seats = [row[f"advantage_{side}"] for row in result["rows"] for side in "ab"
                 if row[f"strategy_{side}"] == s["strategy"]]
        assert s["negotiations"] == len(seats)
        assert s["mean_advantage"] == pytest.approx(sum(seats) / len(seats), abs=1e-12)
    # The generated scenarios load, each side with its own reservation value.
    label = result["scenarios"][0]["label"]
    scenario = pactum.load(tmp_path / f"{label}.toml")
    assert scenario is not None


def test_anl2024_and_refusals():
    result = pactum.league(["boulware", "linear"], seed=1, **SMALL)
    assert result["league"] == "anl2024"
    assert all(row["concealment_a"] is None for row in result["rows"])
    with pytest.raises(ValueError):
        pactum.league(["boulware", "linear"], "anl2025")
    with pytest.raises(ValueError):
        pactum.league(["boulware", "linear"], scenarios=0)
