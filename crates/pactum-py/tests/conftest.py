"""Shared fixtures: the repository's paths and the CLI binary (PACTUM_BIN,
default target/debug/pactum) the documents are compared with."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def car():
    import pactum

    return pactum.load(EXAMPLES / "car-purchase.toml")


@pytest.fixture
def cli():
    """Runs the pactum binary and parses its JSON output."""
    binary = os.environ.get("PACTUM_BIN", str(ROOT / "target" / "debug" / "pactum"))
    if not os.path.exists(binary):
        pytest.skip(f"no pactum binary at {binary} (build it, or set PACTUM_BIN)")

    def run(*args):
        out = subprocess.run(
            [binary, *map(str, args)], check=True, capture_output=True, text=True
        )
        return json.loads(out.stdout)

    return run
