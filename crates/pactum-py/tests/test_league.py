"""pactum.league: rows equal to the command line's, the scores following
from the rows, Python negotiators and the llm strategy seated as a
tournament seats them, and a Python negotiator's opponent model read as
concealment (τ-b recomputed here), progress reported in order, and a
league written to ``out`` giving the command line's files and resuming
from its partial file."""

import json

import numpy as np
import pytest

import pactum
from test_llm import StandIn, endpoint, watchdog  # noqa: F401 (fixtures)
from test_negotiate import Greedy

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
    scenario = pactum.load(tmp_path / "scenarios" / f"{label}.toml")
    assert scenario is not None


def test_anl2024_and_refusals():
    result = pactum.league(["boulware", "linear"], seed=1, **SMALL)
    assert result["league"] == "anl2024"
    assert all(row["concealment_a"] is None for row in result["rows"])
    with pytest.raises(ValueError):
        pactum.league(["boulware", "linear"], "anl2025")
    with pytest.raises(ValueError):
        pactum.league(["boulware", "linear"], scenarios=0)


def tau_b(x, y):
    """Kendall's τ-b of paired observations, by its definition."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    dx = np.sign(x[:, None] - x[None, :])
    dy = np.sign(y[:, None] - y[None, :])
    upper = np.triu(np.ones_like(dx, dtype=bool), 1)
    s = (dx * dy)[upper].sum()
    nx, ny = (dx[upper] != 0).sum(), (dy[upper] != 0).sum()
    return s / np.sqrt(nx * ny)


def league_scenarios(seed):
    """The scenarios a league of ``seed`` generates (with SMALL), by label."""
    result = pactum.league(["boulware"], "anl2026", seed=seed, **SMALL)
    return {label: pactum.loads(text, "toml", label) for label, text in result["toml"].items()}


def modeller(scenarios, model, name):
    """A Negotiator subclass that plays as Greedy does and, where ``model``
    is given, models its opponent as ``model(true utility)`` — it knows the
    generated scenarios and finds its own by its utilities."""

    class Modeller(Greedy):
        ends = []

        def on_start(self, info):
            super().on_start(info)
            mine = list(info.utilities())
            outcomes = info.outcomes()
            me = info.negotiators[info.seat]
            self.opponent = info.negotiators[1 - info.seat]
            self.scenario = None
            for s in scenarios.values():
                if s.outcome_count == len(outcomes):
                    try:
                        if [s.utility(me, o) for o in outcomes] == mine:
                            self.scenario = s
                            break
                    except ValueError:
                        continue
            assert self.scenario is not None

        def on_end(self, result):
            Modeller.ends.append(result)

    Modeller.name = name
    if model is not None:
        def opponent_utility(self, outcome):
            return model(self.scenario.utility(self.opponent, outcome))

        Modeller.opponent_utility = opponent_utility
    return Modeller


def test_python_negotiators_and_their_opponent_models_play_a_league():
    seed = 6
    scenarios = league_scenarios(seed)
    exact = modeller(scenarios, lambda u: u, "exact")
    backwards = modeller(scenarios, lambda u: -u, "backwards")
    coarse = modeller(scenarios, lambda u: round(u * 4) / 4, "coarse")
    blind = modeller(scenarios, None, "blind")
    strategies = [exact, backwards, coarse, blind, "nash-seeker"]
    result = pactum.league(strategies, "anl2026", seed=seed, **SMALL)
    rows = result["rows"]
    # 5 strategies with self-play: 25 ordered pairs per scenario.
    assert len(rows) == 25 * 3
    assert [s["strategy"] for s in result["summary"]] == [
        "exact", "backwards", "coarse", "blind", "nash-seeker"]
    # Every Python seat was told its row at the end, with the package
    # agreed (9 rows with exact per scenario, two instances in self-play).
    assert len(exact.ends) == 10 * 3
    for told in exact.ends:
        told = dict(told)
        package = told.pop("package")
        assert told in rows
        assert (package != "") == told["agreement"]
    checked = set()
    for row in rows:
        for side, other in (("a", "b"), ("b", "a")):
            modeller_name = row[f"strategy_{other}"]
            tau, conceal = row[f"tau_{side}"], row[f"concealment_{side}"]
            if modeller_name == "exact":
                assert (tau, conceal) == (1.0, 0.0)
            elif modeller_name == "backwards":
                assert (tau, conceal) == (-1.0, 1.0)
            elif modeller_name == "blind":
                assert (tau, conceal) == (None, 1.0)
            elif modeller_name == "coarse":
                s = scenarios[row["scenario"]]
                party = s.negotiators[0 if side == "a" else 1]
                outcomes = all_outcomes(s)
                truth = [s.utility(party, o) for o in outcomes]
                expected = tau_b([round(u * 4) / 4 for u in truth], truth)
                assert tau == pytest.approx(expected, abs=1e-12)
                assert conceal == pytest.approx((1 - expected) / 2, abs=1e-12)
                checked.add(row["scenario"])
            assert row[f"score_{side}"] == row[f"advantage_{side}"] + conceal
    assert checked == set(scenarios)


def all_outcomes(scenario):
    """Every outcome of ``scenario`` in enumeration order (last issue fastest)."""
    import itertools

    issues = scenario.issues
    return [dict(zip((i.name for i in issues), values))
            for values in itertools.product(*(i.values for i in issues))]


def test_a_failing_opponent_model_is_a_clear_error():
    class Broken(Greedy):
        def opponent_utility(self, outcome):
            raise RuntimeError("model lost")

    with pytest.raises(pactum.PactumError, match="(?s)opponent model of Broken.*model lost"):
        pactum.league([Broken, "boulware"], "anl2026", seed=1, **SMALL)

    class Wordy(Greedy):
        def opponent_utility(self, outcome):
            return "high"

    with pytest.raises(pactum.PactumError, match="not a number"):
        pactum.league([Wordy, "boulware"], "anl2026", seed=1, **SMALL)
    # anl2024 asks no model.
    assert pactum.league([Broken, "boulware"], "anl2024", seed=1, **SMALL)["rows"]


def test_llm_plays_a_league_as_at_the_command_line(cli, endpoint, tmp_path, monkeypatch):
    monkeypatch.delenv("PACTUM_LLM_URL", raising=False)
    monkeypatch.delenv("PACTUM_LLM_MODEL", raising=False)
    options = {"url": endpoint, "model": "stand-in"}
    result = pactum.league(["llm", "boulware"], "anl2026", seed=5, jobs=1, llm=options, **SMALL)
    assert StandIn.requests
    try:
        cli("tournament", "--league", "anl2026", "--strategies", "llm,boulware",
            "--league-scenarios", 3, "--league-outcomes", "20-40", "--league-steps", "20-100",
            "--reps", 1, "--seed", 5, "--llm-url", endpoint, "--llm-model", "stand-in",
            "--quiet", "--out", tmp_path)
    except json.JSONDecodeError:
        pass  # the command prints a table, not JSON
    with open(tmp_path / "negotiations.jsonl") as f:
        assert [json.loads(line) for line in f] == result["rows"]
    with pytest.raises(ValueError, match="needs a language model"):
        pactum.league(["llm", "boulware"], **SMALL)


def test_llm_beside_a_python_negotiator_in_a_league(endpoint, watchdog):
    options = {"url": endpoint, "model": "stand-in"}
    one = pactum.league([Greedy, "llm"], "anl2024", seed=2, llm=options, **SMALL)
    asked = len(StandIn.requests)
    two = pactum.league([Greedy, "llm"], "anl2024", seed=2, llm=options, **SMALL)
    assert one == two
    assert asked > 0 and len(StandIn.requests) == 2 * asked
    assert {(r["strategy_a"], r["strategy_b"]) for r in one["rows"]} == {
        (a, b) for a in ("Greedy", "llm") for b in ("Greedy", "llm")}


def test_a_negmas_negotiator_plays_a_league_and_its_opponent_ufun_is_its_model():
    pytest.importorskip("negmas")
    from negmas.sao import BoulwareTBNegotiator

    from pactum.negmas import NegmasNegotiator

    def guess(outcome):
        """A model of the opponent that is a function of the outcome alone."""
        return float(hash(tuple(map(str, outcome))) % 1000)

    class Guesser(BoulwareTBNegotiator):
        def on_negotiation_start(self, state):
            self.private_info["opponent_ufun"] = guess
            super().on_negotiation_start(state)

    seed = 4
    scenarios = league_scenarios(seed)
    strategies = [NegmasNegotiator.of(Guesser), NegmasNegotiator.of(BoulwareTBNegotiator),
                  "conceder"]
    result = pactum.league(strategies, "anl2026", seed=seed, **SMALL)
    assert len(result["rows"]) == 9 * 3
    for row in result["rows"]:
        for side, other in (("a", "b"), ("b", "a")):
            if row[f"strategy_{other}"] != "Guesser":
                assert row[f"tau_{side}"] is None
                continue
            s = scenarios[row["scenario"]]
            party = s.negotiators[0 if side == "a" else 1]
            outcomes = all_outcomes(s)
            expected = tau_b([guess(tuple(o.values())) for o in outcomes],
                             [s.utility(party, o) for o in outcomes])
            assert row[f"tau_{side}"] == pytest.approx(expected, abs=1e-12)


def league_files(folder):
    """Every file of a league's folder (and ``scenarios/``), by name."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("strategies", [["boulware", "nash-seeker"], [Greedy, "linear"]])
def test_out_writes_the_cli_files_and_resumes_with_progress(cli, tmp_path, strategies):
    names = ",".join(s if isinstance(s, str) else s.__name__ for s in strategies)
    seen = []
    out = tmp_path / "py"
    whole = pactum.league(strategies, "anl2026", seed=6, out=out, jobs=1,
                          progress=lambda done, total: seen.append((done, total)), **SMALL)
    total = len(whole["rows"])
    assert seen == [(done, total) for done in range(total + 1)]
    files = league_files(out)
    assert "negotiations.jsonl.partial" not in files
    if all(isinstance(s, str) for s in strategies):
        try:
            cli("tournament", "--league", "anl2026", "--strategies", names,
                "--league-scenarios", 3, "--league-outcomes", "20-40", "--league-steps", "20-100",
                "--reps", 1, "--seed", 6, "--quiet", "--out", tmp_path / "cli")
        except json.JSONDecodeError:
            pass  # the command prints a table, not JSON
        assert league_files(tmp_path / "cli") == files
    # An interrupted run (progress raises): its partial file, cut to its
    # head and 4 rows and the fifth cut short; the rerun plays only the
    # rest and ends as a run in one go.
    lines = (out / "negotiations.jsonl").read_text().splitlines()
    fresh = tmp_path / "fresh"
    seen.clear()

    class Stop(Exception):
        pass

    def stop(done, total):
        if done == 5:
            raise Stop

    with pytest.raises(Stop):
        pactum.league(strategies, "anl2026", seed=6, out=fresh, jobs=1, progress=stop, **SMALL)
    partial = (fresh / "negotiations.jsonl.partial").read_text().splitlines()
    assert len(partial) >= 1 + 5
    cut = "\n".join(partial[:5]) + "\n" + partial[5][:20]
    (fresh / "negotiations.jsonl.partial").write_text(cut)
    seen.clear()
    again = pactum.league(strategies, "anl2026", seed=6, out=fresh, jobs=1,
                          progress=lambda done, total: seen.append((done, total)), **SMALL)
    assert again == whole
    assert seen[0] == (4, total) and seen[-1] == (total, total)
    assert league_files(fresh) == files
    assert lines == (fresh / "negotiations.jsonl").read_text().splitlines()
    with pytest.raises(TypeError):
        pactum.league(strategies, progress=3, **SMALL)
