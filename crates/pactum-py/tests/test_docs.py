"""Runs every ```python block of docs/python.md, from the repository's root."""

import os
import re

import pytest

from conftest import ROOT

DOC = ROOT / "docs" / "python.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_document_has_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("k", range(len(BLOCKS)))
def test_example_runs(k, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(compile(BLOCKS[k], f"docs/python.md block {k + 1}", "exec"), {"__name__": f"doc{k}"})
