"""``pactum.tournament(..., executor="ray")``: plays a tournament's
negotiations as Ray tasks, on a running Ray cluster or on one started
locally.

Rules kept here:

* the executor only decides where ranges of the plan are played: batch
  ``i`` is the negotiations ``i*B`` to ``(i+1)*B`` (``B`` the batch size),
  each task plays one batch with ``_run_batch``, so the rows are those of
  ``executor="local"`` for the same arguments, returned in plan order;
* every worker rebuilds the plan from the same scenarios, strategies and
  options (sent once through the object store; strategy classes defined
  outside installed packages, ``__main__`` included, travel by value) and
  keeps it for the next batches of the same tournament;
* ``batch_size=None`` picks the size by timing a few negotiations on the
  driver: about a quarter of a second of work per task (Ray's scheduling,
  a few milliseconds a task, then costs a few per cent), smaller when that
  would leave cores without eight batches each, never under 20 ms of work
  (measured: scripts/bench-ray.py, docs/benchmarks.md);
* a checkpoint is a JSON Lines file: a header naming the tournament (its
  manifest, scenario digests, strategy identities), the batch size and the
  number of negotiations, then one line per finished batch (its index and
  rows), appended and flushed as batches finish. A re-run with the same
  arguments plays only the missing batches; a checkpoint of another
  tournament, or of another batch size, is refused naming the file and
  what differs; a last line cut short by a crash is dropped;
* progress is reported after each batch: to a callback ``(done, total)``,
  or as a tqdm bar (a plain stderr line without tqdm), or not at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from ._pactum import Scenario, TournamentPlan, _run_batch, _tournament_plan, load

try:
    import ray
    from ray import cloudpickle
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "executor='ray' needs the ray package (pip install 'ray>=2.9')"
    ) from error

__all__ = ["BatchError", "CheckpointError", "FORMAT", "pick_batch_size", "run"]

#: The checkpoint format's version, written in its header.
FORMAT = 1

#: Seconds of work a task should hold (scheduling stays a few per cent).
TASK_SECONDS = 0.25
#: Seconds of work under which a task never goes (scheduling would dominate).
MIN_TASK_SECONDS = 0.02
#: Batches per core wanted for balance and a progress bar that moves.
BATCHES_PER_CORE = 8
#: At most this many negotiations, or this many seconds, to time the cost.
PROBE_NEGOTIATIONS = 16
PROBE_SECONDS = 0.5

Progress = Union[None, bool, Callable[[int, int], Any]]


class CheckpointError(ValueError):
    """A checkpoint file that cannot be resumed: another tournament's, another
    batch size's, or malformed (the message names the file and line)."""


class BatchError(RuntimeError):
    """A batch failed on a Ray worker; the cause is the worker's error. The
    batches finished before it are in the checkpoint, if one was given."""


# --------------------------------------------------------------------------
# What the workers receive.


def _by_reference(module_name: str) -> bool:
    """Whether a module is importable wherever pactum is: the standard
    library, installed packages and pactum itself are; a script, a test file
    or a notebook's module are not."""
    if module_name in ("builtins", "__main__"):
        return module_name == "builtins"
    if module_name == "pactum" or module_name.startswith("pactum."):
        return True
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    if module is None or path is None:
        return True
    path = os.path.realpath(path)
    roots = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    return any(path.startswith(os.path.realpath(r) + os.sep) for r in roots)


def _dumps_spec(scenarios: List[Scenario], strategies: List[Any], options: Dict[str, Any]) -> bytes:
    """The plan's arguments as bytes; the modules of strategy classes (and of
    their bases) that workers could not import are pickled by value."""
    modules = set()
    for s in strategies:
        if isinstance(s, type):
            for k in s.__mro__:
                if not _by_reference(k.__module__) and k.__module__ != "__main__":
                    modules.add(k.__module__)
    already = set(cloudpickle.list_registry_pickle_by_value())  # module names
    added = []
    for name in sorted(modules - already):
        cloudpickle.register_pickle_by_value(sys.modules[name])
        added.append(name)
    try:
        return cloudpickle.dumps((scenarios, strategies, options))
    finally:
        for name in added:
            cloudpickle.unregister_pickle_by_value(sys.modules[name])


#: The plan of the tournament this worker last played, by its spec's digest.
_PLANS: Dict[str, TournamentPlan] = {}


def _play(key: str, spec: List[Any], start: int, stop: int, jobs: int) -> List[Dict[str, Any]]:
    """A task: the rows of negotiations ``start``..``stop`` of the tournament
    ``spec[0]`` (an object reference, fetched only when this worker has not
    built that plan yet)."""
    plan = _PLANS.get(key)
    if plan is None:
        scenarios, strategies, options = cloudpickle.loads(ray.get(spec[0]))
        plan = _tournament_plan(scenarios, strategies, **options)
        _PLANS.clear()
        _PLANS[key] = plan
    return _run_batch(plan, start, stop, jobs)


_play_remote = ray.remote(max_retries=3)(_play)


# --------------------------------------------------------------------------
# The tournament's identity, for checkpoints.


def _strategy_identity(s: Any) -> str:
    if isinstance(s, str):
        return s.strip()
    name = getattr(s, "name", None)
    shown = name if isinstance(name, str) else s.__name__
    return f"{shown} (python {s.__module__}.{s.__qualname__})"


def fingerprint(
    plan: TournamentPlan, scenarios: Sequence[Scenario], strategies: Sequence[Any], discount: str
) -> Dict[str, Any]:
    """What a checkpoint must match to be resumed: the plan's manifest, the
    discount option, a digest of every scenario and every strategy's identity
    (name, and module and class for Python ones)."""
    return {
        "manifest": plan.manifest(),
        "discount": discount,
        "scenario_sha256": [hashlib.sha256(s.to_json().encode()).hexdigest() for s in scenarios],
        "strategies": [_strategy_identity(s) for s in strategies],
    }


def _differences(found: Dict[str, Any], wanted: Dict[str, Any]) -> List[str]:
    out = []
    for key in sorted(set(found) | set(wanted)):
        a, b = found.get(key), wanted.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out += [f"{key}.{d}" for d in _differences(a, b)]
        elif a != b:
            out.append(f"{key} (checkpoint {json.dumps(a)}, now {json.dumps(b)})")
    return out


# --------------------------------------------------------------------------
# Checkpoints.


def _batch_range(batch: int, size: int, total: int) -> Tuple[int, int]:
    return batch * size, min((batch + 1) * size, total)


def read_checkpoint(
    path: Path, tournament: Dict[str, Any], batch_size: Optional[int], total: int
) -> Tuple[Optional[int], Dict[int, List[Dict[str, Any]]]]:
    """The batch size and the finished batches of a checkpoint (``None`` and
    nothing when the file is absent or empty). Raises ``CheckpointError``
    for another tournament's checkpoint, another batch size, or a malformed
    line; a last line cut short (a crash while writing) is cut off the file."""
    if not path.exists() or path.stat().st_size == 0:
        return None, {}
    with open(path, "rb") as f:
        raw = f.read()
    lines = raw.split(b"\n")
    complete = raw.endswith(b"\n")
    keep = len(raw)
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        last = number == len(lines) or (number == len(lines) - 1 and complete)
        try:
            records.append((number, json.loads(line)))
        except ValueError as e:
            if last and not complete:
                keep = len(raw) - len(line)
                break
            raise CheckpointError(f"{path}:{number}: not a JSON line ({e})") from e
    if keep != len(raw):
        with open(path, "r+b") as f:
            f.truncate(keep)
    if not records:
        return None, {}
    number, header = records[0]
    if not isinstance(header, dict) or header.get("format") != FORMAT or "tournament" not in header:
        raise CheckpointError(f"{path}:{number}: not a pactum tournament checkpoint (no header)")
    if header["tournament"] != tournament:
        what = "; ".join(_differences(header["tournament"], tournament))
        raise CheckpointError(
            f"{path}: a checkpoint of another tournament ({what}); "
            "give another checkpoint path, or remove this one to start afresh"
        )
    size = header.get("batch_size")
    if not isinstance(size, int) or size < 1:
        raise CheckpointError(f"{path}:{number}: batch_size must be a positive integer")
    if batch_size is not None and batch_size != size:
        raise CheckpointError(
            f"{path}: made with batch_size={size}, not {batch_size} "
            "(leave batch_size=None to resume it)"
        )
    batches: Dict[int, List[Dict[str, Any]]] = {}
    count = math.ceil(total / size)
    for number, record in records[1:]:
        where = f"{path}:{number}"
        if not isinstance(record, dict) or not isinstance(record.get("batch"), int):
            raise CheckpointError(f"{where}: expected {{\"batch\": index, \"rows\": [...]}}")
        batch, rows = record["batch"], record.get("rows")
        if not 0 <= batch < count:
            raise CheckpointError(f"{where}: batch {batch} is not within 0..{count - 1}")
        start, stop = _batch_range(batch, size, total)
        ids = [r.get("id") if isinstance(r, dict) else None for r in rows or []]
        if ids != list(range(start, stop)):
            raise CheckpointError(
                f"{where}: batch {batch} must hold the rows of negotiations {start}..{stop - 1}"
            )
        batches.setdefault(batch, rows)
    return size, batches


class _Checkpoint:
    """Appends finished batches to the checkpoint file, one flushed line each."""

    def __init__(self, path: Path, header: Optional[Dict[str, Any]]):
        self.file = open(path, "a", encoding="utf-8")
        if header is not None:
            self._write(header)

    def _write(self, record: Dict[str, Any]) -> None:
        self.file.write(json.dumps(record, separators=(",", ":")) + "\n")
        self.file.flush()
        os.fsync(self.file.fileno())

    def batch(self, index: int, rows: List[Dict[str, Any]]) -> None:
        self._write({"batch": index, "rows": rows})

    def close(self) -> None:
        self.file.close()


# --------------------------------------------------------------------------
# Progress.


class _Reporter:
    """Reports negotiations done after each batch."""

    def __init__(self, progress: Progress, total: int, done: int):
        self.total = total
        self.callback: Optional[Callable[[int, int], Any]] = None
        self.bar = None
        self.plain = False
        self.shown = -1
        self.started = time.monotonic()
        self.first = done
        if callable(progress):
            self.callback = progress
        elif progress is True:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                self.plain = True
            else:
                self.bar = tqdm(
                    total=total, initial=done, unit="neg", desc="tournament", file=sys.stderr
                )
        elif progress not in (False, None):
            raise TypeError(
                f"progress={progress!r}: expected True, False or a callable (done, total)"
            )
        self.update(done)

    def update(self, done: int) -> None:
        if self.callback is not None:
            self.callback(done, self.total)
        elif self.bar is not None:
            self.bar.update(done - self.bar.n)
        elif self.plain:
            tty = sys.stderr.isatty()
            tenth = done * 10 // max(self.total, 1)
            if not tty and tenth == self.shown:
                return
            self.shown = tenth
            rate = (done - self.first) / max(time.monotonic() - self.started, 1e-9)
            end = "\r" if tty and done < self.total else "\n"
            sys.stderr.write(
                f"tournament: {done}/{self.total} negotiations "
                f"({100 * done // max(self.total, 1)} %, {rate:.0f}/s){end}"
            )
            sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --------------------------------------------------------------------------
# Batch size.


def pick_batch_size(plan: TournamentPlan, cores: float, jobs: int) -> int:
    """A batch size for ``plan`` on ``cores`` cores (``jobs`` threads per
    task): times up to ``PROBE_NEGOTIATIONS`` negotiations spread over the
    plan (at most ``PROBE_SECONDS``), then aims at ``TASK_SECONDS`` of work
    per task, fewer when some core would get under ``BATCHES_PER_CORE``
    batches, but never under ``MIN_TASK_SECONDS`` of work."""
    total = plan.negotiations
    if total == 0:
        return 1
    step = max(total // PROBE_NEGOTIATIONS, 1)
    played, began = 0, time.perf_counter()
    for k in range(0, total, step):
        _run_batch(plan, k, k + 1, 1)
        played += 1
        if played >= PROBE_NEGOTIATIONS or time.perf_counter() - began > PROBE_SECONDS:
            break
    cost = max((time.perf_counter() - began) / played, 1e-6) / max(jobs, 1)
    by_time = math.ceil(TASK_SECONDS / cost)
    floor = math.ceil(MIN_TASK_SECONDS / cost)
    balance = math.ceil(total / (BATCHES_PER_CORE * max(cores / max(jobs, 1), 1)))
    return max(1, min(total, max(min(by_time, balance), floor)))


# --------------------------------------------------------------------------
# The executor.


def _connect(address: Optional[str]) -> None:
    if ray.is_initialized():
        return
    options: Dict[str, Any] = {"logging_level": logging.WARNING}
    if address is None and not os.environ.get("RAY_ADDRESS"):
        options["include_dashboard"] = False
    ray.init(address=address, **options)


def run(
    plan: TournamentPlan,
    scenarios: Sequence[Any],
    strategies: Sequence[Any],
    options: Dict[str, Any],
    *,
    jobs: Optional[int] = None,
    address: Optional[str] = None,
    batch_size: Optional[int] = None,
    progress: Progress = True,
    checkpoint: Union[None, str, os.PathLike] = None,
) -> List[Dict[str, Any]]:
    """Plays ``plan`` (made from ``scenarios``, ``strategies`` and the
    keyword ``options`` of ``_tournament_plan``) as Ray tasks of
    ``batch_size`` negotiations, each with ``jobs`` threads (default 1, one
    core per task), and returns its rows in plan order. Connects to Ray at
    ``address`` (default: a local Ray) unless Ray is already initialised."""
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"batch_size={batch_size!r}: expected a positive integer or None")
    jobs = 1 if jobs is None else jobs
    scenarios = [s if isinstance(s, Scenario) else load(s) for s in scenarios]
    strategies = list(strategies)
    total = plan.negotiations
    path = Path(checkpoint) if checkpoint is not None else None
    identity = fingerprint(plan, scenarios, strategies, options.get("discount", "scenario"))
    finished: Dict[int, List[Dict[str, Any]]] = {}
    size = None
    if path is not None:
        size, finished = read_checkpoint(path, identity, batch_size, total)
    header = None
    if size is None:
        if batch_size is None:
            _connect(address)
            batch_size = pick_batch_size(plan, ray.cluster_resources().get("CPU", 1.0), jobs)
        size = batch_size
        header = {"format": FORMAT, "tournament": identity, "batch_size": size,
                  "negotiations": total}
    count = math.ceil(total / size)
    missing = [b for b in range(count) if b not in finished]
    done = sum(len(rows) for rows in finished.values())
    if missing:
        _connect(address)
    reporter = _Reporter(progress, total, done)
    try:
        if missing:
            _play_missing(plan, scenarios, strategies, options, missing, size, total, jobs,
                          path, header, finished, reporter, done)
    finally:
        reporter.close()
    return [row for b in range(count) for row in finished[b]]


def _play_missing(
    plan: TournamentPlan,
    scenarios: List[Scenario],
    strategies: List[Any],
    options: Dict[str, Any],
    missing: List[int],
    size: int,
    total: int,
    jobs: int,
    path: Optional[Path],
    header: Optional[Dict[str, Any]],
    finished: Dict[int, List[Dict[str, Any]]],
    reporter: _Reporter,
    done: int,
) -> None:
    """Submits the missing batches (a window of them in flight), records each
    as it finishes, and cancels the rest on the first failure."""
    spec = _dumps_spec(scenarios, strategies, options)
    key = hashlib.sha256(spec).hexdigest()
    spec_box = [ray.put(spec)]
    cores = ray.cluster_resources().get("CPU", 1.0)
    window = max(2, int(2 * cores / jobs))
    task = _play_remote.options(num_cpus=jobs)
    pending = list(reversed(missing))
    running: Dict[Any, int] = {}
    writer = _Checkpoint(path, header) if path is not None else None
    try:
        while pending or running:
            while pending and len(running) < window:
                b = pending.pop()
                start, stop = _batch_range(b, size, total)
                running[task.remote(key, spec_box, start, stop, jobs)] = b
            ready, _ = ray.wait(list(running), num_returns=1)
            b = running.pop(ready[0])
            try:
                rows = ray.get(ready[0])
            except ray.exceptions.RayError as e:
                start, stop = _batch_range(b, size, total)
                kept = f"; finished batches are in {path}" if path is not None else ""
                cause = getattr(e, "cause", None)
                why = f"{type(cause).__name__}: {cause}" if cause is not None else str(e)
                raise BatchError(
                    f"batch {b} (negotiations {start}..{stop - 1}) failed: {why}{kept}"
                ) from e
            finished[b] = rows
            if writer is not None:
                writer.batch(b, rows)
            done += len(rows)
            reporter.update(done)
    finally:
        for ref in running:
            ray.cancel(ref, force=False)
        if writer is not None:
            writer.close()
