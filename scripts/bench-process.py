#!/usr/bin/env python3
"""Whole-process timings of `pactum analyze`: the median of many runs.

For each Pactum binary given (`--binary LABEL=PATH`, repeatable, e.g. the
build before a change and the build after it) and each command, this script
runs the command `--runs` times, the binaries alternating run by run so that
a change in the machine's load hits them alike, and reports:

* the median (and the fastest) wall-clock time of the whole process, start-up,
  reading and printing included;
* for `analyze … --timings` commands, the median of Pactum's own in-process
  figures (`timings: load … ms, analysis … ms` on stderr);
* with `--instructions`, the instructions the whole process executes, counted
  once under `valgrind --tool=callgrind` (valgrind must be installed): unlike
  wall-clock time this does not depend on what else the machine is doing;
* each binary's size on disk, and the median time of starting `true` the
  same way (the cost of starting any process, under every figure).

The commands (default: `--version`, and `analyze <scenario> --json` and
`analyze <scenario> --json --timings` for each scenario) take their scenario
folders from `--scenarios` (default: ANAC 2012 EnergyA) relative to
`--scenarios-root` (default ../shared/scenarios/genius). Run from the
repository root:

    cargo build --release -p pactum-cli
    python3 scripts/bench-process.py --binary before=../pactum-before \\
        --binary after=target/release/pactum --runs 200 --instructions

Prints a Markdown table (also written to --output when given).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = REPO_ROOT.parent / "shared" / "scenarios" / "genius"
TIMINGS = re.compile(r"timings: load ([0-9.]+) ms, analysis ([0-9.]+) ms")


def parse_binary(spec: str) -> tuple[str, Path]:
    label, sep, path = spec.partition("=")
    if not sep or not label or not path:
        raise argparse.ArgumentTypeError(f"--binary wants LABEL=PATH, got {spec!r}")
    return label, Path(path)


def run_once(argv: list[str]) -> tuple[float, str]:
    """Wall-clock seconds of one run, and its stderr. Fails loudly on error."""
    t0 = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return dt, proc.stderr


def instructions(argv: list[str]) -> int | None:
    """Instructions executed by the whole process, counted by callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            proc = subprocess.run(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", *argv],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
        except FileNotFoundError:
            return None
    m = re.search(r"Collected : (\d+)", proc.stderr)
    return int(m.group(1)) if m else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--binary",
        type=parse_binary,
        action="append",
        help="LABEL=PATH of a pactum binary (repeatable); default: release=target/release/pactum",
    )
    ap.add_argument("--scenarios-root", type=Path, default=DEFAULT_ROOT)
    ap.add_argument("--scenarios", nargs="*", default=["anac/y2012/EnergyA"])
    ap.add_argument("--runs", type=int, default=100, help="runs per binary and command")
    ap.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    ap.add_argument("--output", type=Path, help="also write the Markdown report here")
    args = ap.parse_args(argv)
    binaries = args.binary or [("release", REPO_ROOT / "target" / "release" / "pactum")]
    for label, path in binaries:
        if not path.is_file() or not os.access(path, os.X_OK):
            print(f"error: {label}: no executable at {path}", file=sys.stderr)
            return 2
    commands: list[list[str]] = [["--version"]]
    for rel in args.scenarios:
        folder = (args.scenarios_root / rel).resolve()
        if not folder.exists():
            print(f"error: scenario {folder} not found", file=sys.stderr)
            return 2
        commands.append(["analyze", str(folder), "--json"])
        commands.append(["analyze", str(folder), "--json", "--timings"])

    try:
        load = Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        load = "unknown"
    # What starting any process costs from here: the floor under every row.
    floor = statistics.median(run_once(["true"])[0] for _ in range(args.runs))
    rows = []
    for cmd in commands:
        walls = {label: [] for label, _ in binaries}
        inproc = {label: [] for label, _ in binaries}
        for _ in range(args.runs):
            for label, path in binaries:
                dt, err = run_once([str(path), *cmd])
                walls[label].append(dt)
                m = TIMINGS.search(err)
                if m:
                    inproc[label].append(float(m.group(2)))
        shown = " ".join(
            Path(a).relative_to(args.scenarios_root.resolve()).as_posix()
            if a.startswith("/") and Path(a).is_relative_to(args.scenarios_root.resolve())
            else a
            for a in cmd
        )
        for label, path in binaries:
            w = walls[label]
            analysis = (
                f"{statistics.median(inproc[label]) * 1e3:.1f}" if inproc[label] else "—"
            )
            ins = instructions([str(path), *cmd]) if args.instructions else None
            rows.append(
                f"| `pactum {shown}` | {label} | {statistics.median(w) * 1e3:.2f} | "
                f"{min(w) * 1e3:.2f} | {analysis} | {f'{ins:,}' if ins else '—'} |"
            )
            print(rows[-1], file=sys.stderr, flush=True)
    sizes = ", ".join(
        f"{label} {path.stat().st_size / 2**20:.1f} MiB" for label, path in binaries
    )
    report = "\n".join(
        [
            f"{os.cpu_count()} cores; 1-minute load average at start: {load}; "
            f"{args.runs} runs per binary and command, binaries alternating; "
            f"binary sizes: {sizes}; starting `true` the same way takes {floor * 1e3:.2f} ms "
            "(median), the floor under every figure.",
            "",
            "| Command | Binary | Median (ms) | Fastest (ms) | In-process analysis, median (µs) "
            "| Instructions (whole process) |",
            "|---|---|---:|---:|---:|---:|",
            *rows,
            "",
        ]
    )
    print(report)
    if args.output:
        args.output.write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
