"""executor="ray": the rows of executor="local" (built-in strategies, Python
negotiators from this module, from a function's body and from a script's
__main__), checkpoints that resume an interrupted or failed run and refuse
another tournament's, and progress reports. One local Ray (2 CPUs) serves
the whole module."""

import json
import logging
import os
import re
import subprocess
import sys
import textwrap

import pytest

ray = pytest.importorskip("ray", reason="executor='ray' needs the ray package (pip install ray)")

import pactum  # noqa: E402
from pactum import _ray  # noqa: E402
from conftest import EXAMPLES  # noqa: E402

STRATEGIES = ["boulware", "linear", "conceder"]


class Picky(pactum.Negotiator):
    """Offers its outcomes from best to worst, accepts 0.6 or more."""

    def on_start(self, info):
        self.info = info
        self.outcomes = sorted(info.outcomes(), key=info.utility, reverse=True)

    def propose(self, state):
        return self.outcomes[min(state.round, len(self.outcomes) - 1)]

    def respond(self, state, offer):
        return "accept" if self.info.utility(offer) >= 0.6 else "reject"


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING,
                 log_to_driver=False)
    yield
    if started:
        ray.shutdown()


def local(car, strategies=STRATEGIES, **kw):
    return pactum.tournament([car], strategies, **kw)


def on_ray(car, strategies=STRATEGIES, **kw):
    kw.setdefault("progress", False)
    return pactum.tournament([car], strategies, executor="ray", **kw)


def batches_of(path):
    with open(path) as f:
        lines = [json.loads(line) for line in f]
    return lines[0], [line["batch"] for line in lines[1:]]


def test_rows_equal_the_local_executor_for_any_batch_size(car):
    want = local(car, reps=4, seed=3)
    assert on_ray(car, reps=4, seed=3, batch_size=7) == want
    assert on_ray(car, reps=4, seed=3, batch_size=1000) == want
    assert on_ray(car, reps=4, seed=3) == want  # the size picked by timing


def test_python_negotiators_from_a_module_and_a_function_play_on_workers(car):
    class Named(Picky):
        name = "picky-local"

    strategies = ["boulware", Picky, Named]
    rows = on_ray(car, strategies, seed=2, batch_size=2)
    assert rows == local(car, strategies, seed=2)
    assert {r["strategy_a"] for r in rows} == {"boulware", "Picky", "picky-local"}


def test_a_class_of_a_script_plays_on_an_existing_cluster(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(f"""
        import json, sys
        import pactum

        class Stubborn(pactum.Negotiator):
            def on_start(self, info):
                self.info = info
                self.best = max(info.outcomes(), key=info.utility)

            def propose(self, state):
                return self.best

            def respond(self, state, offer):
                return "accept" if self.info.utility(offer) > 0.8 else "reject"

        car = pactum.load({str(EXAMPLES / "car-purchase.toml")!r})
        args = ([car], ["linear", Stubborn]), dict(reps=3, seed=8)
        here = pactum.tournament(*args[0], **args[1])
        there = pactum.tournament(*args[0], **args[1], executor="ray", address=sys.argv[1],
                                  batch_size=2, progress=False)
        print(json.dumps([here == there, len(there), sorted({{r["strategy_b"] for r in there}})]))
    """))
    address = ray.get_runtime_context().gcs_address
    out = subprocess.run([sys.executable, str(script), address], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True, 6, ["Stubborn", "linear"]]


def test_a_failed_batch_is_resumed_from_the_checkpoint(car, tmp_path):
    flag = tmp_path / "fail-once"
    flag.touch()
    failing = 5  # the last of six batches: two batches finish before it is sent

    class FailsOnce(Picky):
        def on_end(self, row):
            if row["id"] // 2 == failing and os.path.exists(str(flag)):
                os.remove(str(flag))
                raise RuntimeError("worker lost")

    strategies = ["boulware", FailsOnce]
    path = tmp_path / "run.jsonl"
    with pytest.raises(_ray.BatchError, match=r"batch 5 \(negotiations 10\.\.11\) failed: "
                       r"RuntimeError: worker lost; finished batches are in"):
        on_ray(car, strategies, reps=6, seed=1, batch_size=2, checkpoint=path)
    header, before = batches_of(path)
    assert header["batch_size"] == 2 and header["negotiations"] == 12
    assert failing not in before and len(before) >= 2
    reports = []
    rows = on_ray(car, strategies, reps=6, seed=1, checkpoint=path,
                  progress=lambda done, total: reports.append((done, total)))
    assert rows == local(car, strategies, reps=6, seed=1)
    assert reports[0] == (2 * len(before), 12) and reports[-1] == (12, 12)
    _, after = batches_of(path)
    assert sorted(after) == list(range(6)) and after[: len(before)] == before
    # A finished checkpoint gives the rows again without playing anything.
    assert on_ray(car, strategies, reps=6, seed=1, checkpoint=path) == rows


def test_an_interrupted_run_resumes_and_a_torn_last_line_is_dropped(car, tmp_path):
    path = tmp_path / "run.jsonl"

    def interrupt(done, total):
        if done >= 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        on_ray(car, reps=6, seed=7, batch_size=4, checkpoint=path, progress=interrupt)
    _, before = batches_of(path)
    assert len(before) == 2
    with open(path, "a") as f:
        f.write('{"batch": 4, "rows": [{"id"')  # a crash while writing
    assert on_ray(car, reps=6, seed=7, checkpoint=path) == local(car, reps=6, seed=7)
    _, after = batches_of(path)
    assert sorted(after) == list(range(9))


def test_a_checkpoint_of_other_arguments_is_refused(car, tmp_path):
    path = tmp_path / "run.jsonl"
    on_ray(car, reps=2, seed=1, batch_size=5, checkpoint=path)
    with pytest.raises(_ray.CheckpointError, match=r"another tournament.*seed \(checkpoint 1, now 2\)"):
        on_ray(car, reps=2, seed=2, checkpoint=path)
    with pytest.raises(_ray.CheckpointError, match="strategies"):
        on_ray(car, ["boulware", "linear", Picky], reps=2, seed=1, checkpoint=path)
    with pytest.raises(_ray.CheckpointError, match="batch_size=5, not 4"):
        on_ray(car, reps=2, seed=1, batch_size=4, checkpoint=path)
    with open(path, "a") as f:
        f.write('{"batch": 1, "rows": []}\n')
    with pytest.raises(_ray.CheckpointError, match=r"run.jsonl:\d+: batch 1 must hold"):
        on_ray(car, reps=2, seed=1, checkpoint=path)
    other = tmp_path / "other.jsonl"
    other.write_text('{"batch": 0, "rows": []}\n')
    with pytest.raises(_ray.CheckpointError, match="other.jsonl:1: not a pactum tournament"):
        on_ray(car, reps=2, seed=1, checkpoint=other)


def test_progress_reports_after_each_batch(car, capfd, monkeypatch):
    reports = []
    on_ray(car, reps=2, seed=1, batch_size=5, progress=lambda d, t: reports.append((d, t)))
    assert [d for d, _ in reports] == sorted(d for d, _ in reports)
    assert reports[0] == (0, 12) and reports[-1] == (12, 12) and len(reports) == 4
    capfd.readouterr()
    on_ray(car, reps=2, seed=1, batch_size=5, progress=False)
    assert capfd.readouterr().err == ""
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # no tqdm: a plain line
    on_ray(car, reps=2, seed=1, batch_size=5, progress=True)
    assert "tournament: 12/12 negotiations (100 %" in capfd.readouterr().err
    with pytest.raises(TypeError, match="progress='yes'"):
        on_ray(car, reps=2, seed=1, progress="yes")


def test_ray_options_are_refused_elsewhere_and_checked(car, tmp_path):
    with pytest.raises(ValueError, match="batch_size, checkpoint: options of executor='ray'"):
        local(car, batch_size=3, checkpoint=tmp_path / "c.jsonl")
    with pytest.raises(ValueError, match="batch_size=0"):
        on_ray(car, batch_size=0)


def test_the_ray_examples_of_docs_python_md_run(monkeypatch, capsys):
    from conftest import ROOT

    text = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    section = text[text.index("## Tournaments on Ray"):]
    blocks = re.findall(r"```py\n(.*?)```", section, re.S)
    assert blocks, "docs/python.md has no Ray example"
    monkeypatch.chdir(ROOT)
    for k, block in enumerate(blocks):
        exec(compile(block, f"docs/python.md Ray block {k + 1}", "exec"), {"__name__": "doc"})


def test_classes_of_uninstalled_modules_travel_by_value_and_registrations_are_kept(car, tmp_path):
    from ray import cloudpickle

    spec = _ray._dumps_spec([car], ["boulware", Picky], {})
    assert __name__ not in cloudpickle.list_registry_pickle_by_value()
    # A process that cannot import this file (as a worker on another machine).
    load = ("import sys; from ray import cloudpickle; "
            "s = cloudpickle.loads(sys.stdin.buffer.read()); print(s[1][1].__name__)")
    out = subprocess.run([sys.executable, "-c", load], input=spec, capture_output=True,
                         cwd=tmp_path, env={k: v for k, v in os.environ.items()
                                            if k != "PYTHONPATH"}, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode().strip() == "Picky"
    this = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(this)
    try:
        _ray._dumps_spec([car], [Picky], {})
        assert __name__ in cloudpickle.list_registry_pickle_by_value()
    finally:
        cloudpickle.unregister_pickle_by_value(this)
